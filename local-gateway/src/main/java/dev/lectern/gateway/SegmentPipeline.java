package dev.lectern.gateway;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.audio.Resampler;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployed flavor's listener audio (protocol section 11.3), as the service does it: the speaker's audio
 * is gathered into batches cut by the wall clock ({@code segmentLength} after a batch's first chunk, or at
 * 100 chunks), not by speech. A batch is processed after its cut, one batch of a session after another, in
 * {@code processing} plus a seeded random part up to {@code jitter}; then, for every language that has
 * listeners at that moment, it goes through the {@link Translator}, is resampled to 24 kHz and encoded to
 * MP3, stored in the {@link SegmentStore} and announced as {@code translatedAudio} with a presigned URL, the
 * batch's length, a transcript ({@code [No transcription]} for a silent batch, which is voiced too) and the
 * processing time as its timestamp and sequence number (the same for every language of a batch). A batch
 * processed after the listeners were forgotten, or after the session was deleted, reaches nobody. The
 * languages without a neural voice there ({@code ar}, {@code hi}, {@code ru}) get bytes that look like MPEG
 * frame headers and hold no audio.
 *
 * <p>Faults for tests: drop the next segments, make them undecodable (what a failed synthesis sends), push
 * them twice, or repeat them as a Lambda retry does (same audio and text, a new timestamp and URL); the store
 * expires URLs early and slows fetches.
 */
final class SegmentPipeline {
    private static final Logger log = LoggerFactory.getLogger(SegmentPipeline.class);
    /** Kinesis gives a batch at most this many records. */
    static final int MAX_RECORDS = 100;
    /** The text of a batch in which nothing was said, translated and voiced like any other. */
    static final String NO_TRANSCRIPTION = "[No transcription]";
    /** Target languages with no neural voice there: every segment in them is undecodable. */
    static final Set<String> NO_NEURAL_VOICE = Set.of("ar", "hi", "ru");
    /** A batch whose loudest sample is under this is silence. */
    private static final int SILENCE = 64;
    /** How long after a segment a Lambda retry's repeat of it comes. */
    private static final long RETRY_DELAY_MILLIS = 1_000;

    /** Announces one segment to the listeners of a language of a session: the translatedAudio JSON. */
    interface Announcer {
        void announce(GatewaySession session, LanguageCode language, String json);
    }

    private final long windowMillis;
    private final long processingMillis;
    private final long jitterMillis;
    private final Translator translator;
    private final SegmentStore store;
    private final GatewayClock time;
    private final Announcer announcer;
    private final java.util.Random random;
    private final Resampler up = Resampler.of(AudioChunk.SAMPLE_RATE, Mp3Encoder.SAMPLE_RATE);
    private final Map<SessionId, Batch> batches = new ConcurrentHashMap<>();
    volatile String base = "http://127.0.0.1";
    final AtomicInteger dropNext = new AtomicInteger();
    final AtomicInteger undecodableNext = new AtomicInteger();
    final AtomicInteger duplicateNext = new AtomicInteger();
    final AtomicInteger retryNext = new AtomicInteger();
    private final AtomicInteger segments = new AtomicInteger();

    /** A session's batch being gathered, and where its processing stands. Guarded by the session. */
    private static final class Batch {
        final ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        int records;
        ScheduledFuture<?> cut;
        long spokenMillis;
        /** When the session's last batch is done processing: the next one starts no earlier. */
        long busyUntil;
    }

    SegmentPipeline(GatewaySettings settings, Translator translator, SegmentStore store, GatewayClock time, Announcer announcer) {
        this.windowMillis = settings.segmentLength().toMillis();
        this.processingMillis = settings.segmentProcessing().toMillis();
        this.jitterMillis = settings.segmentJitter().toMillis();
        this.random = new java.util.Random(settings.seed());
        this.translator = translator;
        this.store = store;
        this.time = time;
        this.announcer = announcer;
    }

    /** Adds the speaker's {@code audio} to the session's batch. Under the session's lock. */
    void add(GatewaySession session, AudioChunk audio) {
        Batch batch = batches.computeIfAbsent(session.id, s -> new Batch());
        byte[] pcm = audio.pcm();
        batch.pcm.write(pcm, 0, pcm.length);
        batch.records++;
        if (batch.records >= MAX_RECORDS) {
            cut(session, batch);
        } else if (batch.cut == null) {
            batch.cut = time.later(() -> {
                synchronized (session) {
                    cut(session, batch);
                }
            }, windowMillis);
        }
    }

    /** Ends the batch being gathered and schedules its processing after the ones before it. Under the session's lock. */
    private void cut(GatewaySession session, Batch batch) {
        if (batch.cut != null) {
            batch.cut.cancel(false);
            batch.cut = null;
        }
        if (batch.pcm.size() == 0) {
            return;
        }
        AudioChunk spoken = AudioChunk.ofOwned(batch.pcm.toByteArray());
        batch.pcm.reset();
        batch.records = 0;
        long from = batch.spokenMillis;
        batch.spokenMillis += spoken.duration().toMillis();
        long now = time.now();
        long took;
        synchronized (random) {
            took = processingMillis + (jitterMillis == 0 ? 0 : (long) (random.nextDouble() * jitterMillis));
        }
        long doneAt = Math.max(now, batch.busyUntil) + took;
        batch.busyUntil = doneAt;
        time.later(() -> session.lane.execute(() -> process(session, spoken, from)), doneAt - now);
    }

    /** Segments announced so far. */
    int segments() {
        return segments.get();
    }

    private void process(GatewaySession session, AudioChunk spoken, long from) {
        synchronized (session) {
            Set<LanguageCode> languages = Delivery.listenedLanguages(session);
            if (session.deleted || languages.isEmpty()) {
                log.debug("batch of {} at {} ms reached nobody", session.id, from);
                return; // the listeners were forgotten (a speaker's close) or the session deleted: dropped
            }
            long timestamp = time.now();
            double duration = spoken.sizeInBytes() / (double) AudioChunk.BYTES_PER_SECOND;
            boolean drop = dropNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            boolean garbage = undecodableNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            boolean twice = duplicateNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            boolean retried = retryNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            boolean silent = silent(spoken);
            for (LanguageCode language : languages) {
                AudioChunk translated = translator.translate(session.id, session.source, language, spoken);
                byte[] mp3 = garbage || NO_NEURAL_VOICE.contains(language.value()) ? headersOnly()
                        : Mp3Encoder.encode(up.convert(samples(translated)));
                String text = silent ? "[" + language.value() + "] " + NO_TRANSCRIPTION
                        : translator.transcript(session.id, session.source, language, translated);
                if (text == null) {
                    text = "[" + language.value() + "] " + clockTime(from) + "-" + clockTime(from + spoken.duration().toMillis())
                            + " of " + session.id.value();
                }
                if (drop) {
                    continue; // as an S3 or signing failure does: nothing is sent for it
                }
                String json = json(session.id, language, store(session.id, language, timestamp, mp3), timestamp, duration, text);
                announcer.announce(session, language, json);
                if (twice) {
                    announcer.announce(session, language, json);
                }
                if (retried) {
                    String again = text;
                    time.later(() -> session.lane.execute(() -> repeat(session, language, mp3, duration, again)), RETRY_DELAY_MILLIS);
                }
            }
            segments.incrementAndGet();
            log.debug("segment {} of {}: {} s{}", timestamp, session.id, duration, drop ? " (dropped)" : "");
        }
    }

    /** A Lambda retry of a batch: the same audio and text, with a new timestamp, sequence number and URL. */
    private void repeat(GatewaySession session, LanguageCode language, byte[] mp3, double duration, String text) {
        synchronized (session) {
            if (session.deleted) {
                return;
            }
            long timestamp = time.now();
            announcer.announce(session, language, json(session.id, language, store(session.id, language, timestamp, mp3),
                    timestamp, duration, text));
        }
    }

    private String store(SessionId session, LanguageCode language, long timestamp, byte[] mp3) {
        String key = "sessions/" + session.value() + "/" + language.value() + "/" + timestamp + ".mp3";
        return base + "/segments/" + key + "?" + store.put(key, mp3);
    }

    /** What a failed synthesis leaves: MPEG-1 Layer III frame headers, one after another, with no audio between them. */
    static byte[] headersOnly() {
        byte[] b = new byte[4 * 64];
        for (int i = 0; i < b.length; i += 4) {
            b[i] = (byte) 0xFF;
            b[i + 1] = (byte) 0xFB;
            b[i + 2] = (byte) 0x90;
            b[i + 3] = (byte) 0x64;
        }
        return b;
    }

    private static boolean silent(AudioChunk chunk) {
        byte[] pcm = chunk.pcm();
        for (int i = 0; i + 1 < pcm.length; i += 2) {
            int v = (short) ((pcm[i] & 0xFF) | (pcm[i + 1] << 8));
            if (Math.abs(v) >= SILENCE) {
                return false;
            }
        }
        return true;
    }

    private static short[] samples(AudioChunk chunk) {
        byte[] pcm = chunk.pcm();
        short[] s = new short[pcm.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
        }
        return s;
    }

    private static String clockTime(long millis) {
        long seconds = millis / 1000;
        return seconds / 60 + ":" + String.format("%02d", seconds % 60);
    }

    private static String json(SessionId session, LanguageCode language, String url, long timestamp, double duration, String text) {
        com.fasterxml.jackson.databind.node.ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        o.put("type", "translatedAudio");
        o.put("sessionId", session.value());
        o.put("targetLanguage", language.value());
        o.put("url", url);
        o.put("timestamp", timestamp);
        o.put("duration", duration);
        o.put("transcript", text);
        o.put("sequenceNumber", timestamp);
        return o.toString();
    }
}

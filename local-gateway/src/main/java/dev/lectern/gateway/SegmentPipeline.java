package dev.lectern.gateway;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.audio.Resampler;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployed flavor's listener audio (protocol section 11.3): a session's speaker audio is gathered into
 * batches of {@code segmentSeconds}; each batch, for every language with listeners, goes through the
 * {@link Translator}, is resampled to 24 kHz and encoded to MP3, stored in the {@link SegmentStore}, and
 * announced as {@code translatedAudio} with a presigned URL, the batch's length, a transcript and the
 * processing time as its sequence number (the same for every language of a batch). The last, partial batch
 * is processed when the session ends, after {@code sessionEnded}, as deployed.
 *
 * <p>Faults for tests: drop the next segments, make them undecodable (what a failed synthesis sends), push
 * them twice; the store expires URLs early and slows fetches.
 */
final class SegmentPipeline {
    private static final Logger log = LoggerFactory.getLogger(SegmentPipeline.class);
    /** A partial batch shorter than this is not worth a segment. */
    private static final int MIN_TAIL_BYTES = AudioChunk.BYTES_PER_SECOND / 10;

    /** Announces one segment to the listeners of a language: (language, the translatedAudio JSON). */
    interface Announcer extends BiConsumer<LanguageCode, String> {}

    private final int batchBytes;
    private final Translator translator;
    private final SegmentStore store;
    private final Clock clock;
    private final Resampler up = Resampler.of(AudioChunk.SAMPLE_RATE, Mp3Encoder.SAMPLE_RATE);
    private final Map<SessionId, Batch> batches = new ConcurrentHashMap<>();
    volatile String base = "http://127.0.0.1";
    final AtomicInteger dropNext = new AtomicInteger();
    final AtomicInteger undecodableNext = new AtomicInteger();
    final AtomicInteger duplicateNext = new AtomicInteger();
    private final AtomicInteger segments = new AtomicInteger();

    private static final class Batch {
        final ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        long spokenMillis;
    }

    SegmentPipeline(double segmentSeconds, Translator translator, SegmentStore store, Clock clock) {
        this.batchBytes = (int) Math.round(segmentSeconds * AudioChunk.BYTES_PER_SECOND) & ~1;
        this.translator = translator;
        this.store = store;
        this.clock = clock;
    }

    /** Adds the speaker's {@code audio}; a full batch is processed at once. Runs on the session's lane. */
    void add(SessionId session, LanguageCode source, Set<LanguageCode> languages, AudioChunk audio, Announcer announce) {
        Batch batch = batches.computeIfAbsent(session, s -> new Batch());
        byte[] pcm = audio.pcm();
        batch.pcm.write(pcm, 0, pcm.length);
        if (batch.pcm.size() >= batchBytes) {
            process(session, source, languages, batch, announce);
        }
    }

    /** The session ended: what is gathered goes out as the last segment. Runs on the session's lane. */
    void finish(SessionId session, LanguageCode source, Set<LanguageCode> languages, Announcer announce) {
        Batch batch = batches.remove(session);
        if (batch != null && batch.pcm.size() >= MIN_TAIL_BYTES) {
            process(session, source, languages, batch, announce);
        }
    }

    /** Segments announced so far. */
    int segments() {
        return segments.get();
    }

    private void process(SessionId session, LanguageCode source, Set<LanguageCode> languages, Batch batch, Announcer announce) {
        AudioChunk spoken = AudioChunk.ofOwned(batch.pcm.toByteArray());
        batch.pcm.reset();
        long from = batch.spokenMillis;
        batch.spokenMillis += spoken.duration().toMillis();
        long timestamp = clock.millis();
        double duration = spoken.sizeInBytes() / (double) AudioChunk.BYTES_PER_SECOND;
        boolean drop = dropNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        boolean garbage = undecodableNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        boolean twice = duplicateNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        for (LanguageCode language : languages) {
            AudioChunk translated = translator.translate(session, source, language, spoken);
            byte[] mp3 = garbage ? "{\"error\":\"SynthesisFailed\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : Mp3Encoder.encode(up.convert(samples(translated)));
            String key = "sessions/" + session.value() + "/" + language.value() + "/" + timestamp + ".mp3";
            String url = base + "/segments/" + key + "?" + store.put(key, mp3);
            String text = translator.transcript(session, source, language, translated);
            if (text == null) {
                text = "[" + language.value() + "] " + clockTime(from) + "-" + clockTime(from + spoken.duration().toMillis())
                        + " of " + session.value();
            }
            if (drop) {
                continue; // as an S3 or signing failure does: nothing is sent for it
            }
            String json = json(session, language, url, timestamp, duration, text);
            announce.accept(language, json);
            if (twice) {
                announce.accept(language, json);
            }
        }
        segments.incrementAndGet();
        log.debug("segment {} of {}: {} s{}", timestamp, session, duration, drop ? " (dropped)" : "");
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

package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SegmentLoader;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.CreateParams;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.jetty.JettySegmentFetcher;
import dev.lectern.jetty.JettySessionApi;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.mp3.Mp3Decoder;
import dev.lectern.port.AudioSink;
import dev.lectern.port.SessionApi;
import dev.lectern.port.SessionResource;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listeners on the deployed flavor's translated segments, on real sockets and real HTTP: every segment
 * fetched once per process and played in order across a refresh, a segment pushed twice played once, the
 * segment pushed after {@code sessionEnded} played, and each fault the service's pipeline has (a segment
 * never sent, bytes that are no MP3, a URL expired before it is fetched) a gap of its length with playback
 * going on. The stand-in's MP3 also decodes with an independent decoder (lame).
 */
class DeployedSegmentIT {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final ObjectMapper JSON = new ObjectMapper();

    LocalGateway gateway;
    URI endpoint;
    final List<AutoCloseable> open = new ArrayList<>();
    JettySegmentFetcher fetcher;
    SegmentLoader loader;

    @BeforeEach
    void start() throws Exception {
        gateway = LocalGateway.builder().settings(Fixtures.gateway().flavor(GatewaySettings.Flavor.DEPLOYED)
                .segmentLength(Duration.ofSeconds(1)).segmentProcessing(Duration.ofMillis(300), Duration.ZERO) // jitter: SegmentQueueTest
                .refreshAfter(Duration.ofSeconds(2)).refreshWindow(Duration.ofSeconds(2))
                .warnAfter(Duration.ofSeconds(20)).maxConnectionAge(Duration.ofSeconds(30)).build()).build();
        endpoint = gateway.start();
        fetcher = JettySegmentFetcher.builder().build();
        loader = SegmentLoader.builder().fetcher(fetcher).decoder(new Mp3Decoder()).build();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        loader.close();
        fetcher.close();
        gateway.close();
    }

    static SessionSettings settings() {
        return Fixtures.clientSettings().toBuilder().heartbeatInterval(Duration.ofSeconds(1)).heartbeatAckTimeout(Duration.ofMillis(900))
                .silenceTimeout(Duration.ofSeconds(5)).maxConnectionAge(Duration.ofSeconds(30))
                .deployed(dev.lectern.domain.session.DeployedSettings.DEFAULTS.withEndFlush(Duration.ofSeconds(3))
                        .withRejoinSpread(Duration.ofMillis(200)).withRejoinAudioWait(Duration.ofSeconds(5)))
                .build();
    }

    /** A speaker whose DELETE fails: its end still keeps the socket open for the last batch, marks the session ended and closes. */
    SpeakerClient speaker(RecordingListener events) {
        JettySessionApi real = JettySessionApi.builder(gateway.sessionApiUri()).tokenProvider(FixedTokenProvider.of("alice")).build();
        open.add(real);
        SessionApi noDelete = new SessionApi() {
            public CompletionStage<SessionResource> create(CreateParams p) {
                return real.create(p);
            }

            public CompletionStage<SessionResource> get(SessionId id) {
                return real.get(id);
            }

            public CompletionStage<SessionResource> updateStatus(SessionId id, String status) {
                return real.updateStatus(id, status);
            }

            public CompletionStage<Void> delete(SessionId id) {
                return CompletableFuture.failedFuture(new IllegalStateException("left to the close"));
            }
        };
        JettyTransport transport = JettyTransport.builder(endpoint).build();
        open.add(transport);
        // no hand-over here (HandoverRejoinIT has them): every batch reaches the listeners, which refresh on their own
        SessionSettings speaking = settings().toBuilder().deployed(settings().deployed().withSpeakerHandover(false)).build();
        return SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").sessionApi(gateway.sessionApiUri())
                        .settings(speaking).build())
                .transport(transport).tokenProvider(FixedTokenProvider.of("alice")).sessionApi(noDelete).listener(events).build();
    }

    ListenerClient listener(SessionId id, String language, RecordingListener events) {
        JettyTransport transport = JettyTransport.builder(endpoint).build();
        open.add(transport);
        // 1 s segments here: a second missing is a likely lost segment from 800 ms on (this test's own pauses
        // between bursts of speech, while it waits for batches, stay under that)
        SessionSettings listening = settings().toBuilder().segments(3, 40, Duration.ofMillis(800), Duration.ofSeconds(10)).build();
        return ListenerClient.builder(ListenerConfig.builder().sessionId(id.value()).targetLanguage(language).settings(listening).build())
                .transport(transport).audioSink(AudioSink.NONE).segmentLoader(loader).listener(events).build();
    }

    /** {@code seconds} of a 440 Hz tone in 100 ms chunks, in real time, from a thread of its own. */
    static void speak(SpeakerClient speaker, int seconds) throws InterruptedException {
        speak(speaker, seconds, true);
    }

    /** {@code seconds} of a tone (or of silence) in 100 ms chunks, in real time. */
    static void speak(SpeakerClient speaker, int seconds, boolean tone) throws InterruptedException {
        ScheduledExecutorService mic = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch done = new CountDownLatch(seconds * 10);
        int[] n = {0};
        try {
            mic.scheduleAtFixedRate(() -> {
                if (done.getCount() == 0) {
                    return;
                }
                byte[] pcm = new byte[3200];
                for (int i = 0; i < 1600; i++) {
                    short v = tone ? (short) (8000 * Math.sin(2 * Math.PI * 440 * (n[0] * 1600 + i) / 16_000.0)) : 0;
                    pcm[2 * i] = (byte) v;
                    pcm[2 * i + 1] = (byte) (v >> 8);
                }
                n[0]++;
                speaker.send(AudioChunk.of(pcm));
                done.countDown();
            }, 0, 100, TimeUnit.MILLISECONDS);
            assertThat(done.await(seconds + 10L, TimeUnit.SECONDS)).isTrue();
        } finally {
            mic.shutdownNow();
        }
    }

    /** Waits until the gateway has made {@code n} segments: a fault set after it hits the next one. */
    void batches(int n) {
        await().atMost(WAIT).alias("the gateway's segments reach " + n).until(() -> gateway.segmentsAnnounced(), made -> made >= n);
    }

    static <T extends LecternEvent> int indexOf(List<LecternEvent> events, Class<T> type, boolean last) {
        int found = -1;
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                found = i;
                if (!last) {
                    return i;
                }
            }
        }
        return found;
    }

    @Test
    void everySegmentIsFetchedOnceAndPlayedInOrderAcrossRefreshesAndTheLastBatchBeforeTheEnd() throws Exception {
        RecordingListener speakerEvents = new RecordingListener();
        SpeakerClient speaker = speaker(speakerEvents);
        SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<RecordingListener> events = new ArrayList<>();
        List<ListenerClient> listeners = new ArrayList<>();
        for (String language : new String[] {"es", "es", "de"}) {
            RecordingListener e = new RecordingListener();
            ListenerClient l = listener(id, language, e);
            l.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            events.add(e);
            listeners.add(l);
        }
        await().atMost(WAIT).until(() -> speaker.state() == dev.lectern.domain.session.SessionState.Kind.ACTIVE);
        gateway.faults().duplicateSegments(1);

        speak(speaker, 4);
        speak(speaker, 2, false); // silence, which the service voices as "[No transcription]"
        speaker.send(AudioChunk.silence(300)); // and a partial batch left for the end
        speaker.close();

        for (int i = 0; i < listeners.size(); i++) {
            assertThat(listeners.get(i).terminated().toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo(EndReason.SESSION_ENDED);
            List<LecternEvent> told = events.get(i).events();
            List<Long> played = events.get(i).events(LecternEvent.AudioReceived.class).stream().map(a -> a.sequence().value()).toList();
            assertThat(played).as("every segment, in order, once").isSorted().doesNotHaveDuplicates();
            assertThat(played).hasSize(gateway.segmentsAnnounced());
            assertThat(events.get(i).events(LecternEvent.SegmentGap.class)).as("no gap").isEmpty();
            assertThat(events.get(i).events(LecternEvent.ConnectionRefreshed.class)).as("refreshed while segments came").isNotEmpty();
            assertThat(listeners.get(i).counters().duplicates()).as("the segment pushed twice").isPositive();
            assertThat(indexOf(told, LecternEvent.AudioReceived.class, true))
                    .as("the last, partial batch arrived while the speaker kept its socket open, before the end")
                    .isLessThan(indexOf(told, LecternEvent.RejoinRefused.class, false));
            assertThat(events.get(i).events(LecternEvent.TranscriptReceived.class)).extracting(LecternEvent.TranscriptReceived::text)
                    .as("a silent batch is voiced too").anySatisfy(t -> assertThat(t).endsWith("[No transcription]"));
            assertThat(events.get(i).events(LecternEvent.TranscriptReceived.class)).extracting(LecternEvent.TranscriptReceived::startMillis)
                    .as("texts in order on the listener's timeline").isSorted().hasSize(played.size());
        }
        int urls = 2 * gateway.segmentsAnnounced(); // es and de
        assertThat(loader.fetches()).as("one fetch per URL for the three listeners").isEqualTo(urls);
        assertThat(gateway.segmentFetches()).isEqualTo(urls);
        assertThat(loader.sharedLoads()).as("the second es listener's loads, and the duplicates'").isGreaterThanOrEqualTo(gateway.segmentsAnnounced());
    }

    @Test
    void aMissingSegmentIsReportedAndAnUndecodableOrExpiredOneIsAGapOfItsLengthAndPlaybackGoesOn() throws Exception {
        RecordingListener speakerEvents = new RecordingListener();
        SpeakerClient speaker = speaker(speakerEvents);
        SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        RecordingListener events = new RecordingListener();
        ListenerClient listener = listener(id, "es", events);
        listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> speaker.state() == dev.lectern.domain.session.SessionState.Kind.ACTIVE);

        speak(speaker, 2); // two good segments
        batches(2);
        gateway.faults().dropSegments(1);
        speak(speaker, 1);
        batches(3);
        gateway.faults().undecodableSegments(1);
        speak(speaker, 1);
        batches(4);
        await().atMost(WAIT).until(() -> events.events(LecternEvent.SegmentFailed.class).size() == 1); // the undecodable one fetched
        long fetchesBefore = gateway.segmentFetches();
        gateway.faults().expireSegmentUrls(1);
        speak(speaker, 1);
        batches(5);
        speak(speaker, 2); // and playback goes on
        batches(7);
        speaker.close();
        assertThat(listener.terminated().toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo(EndReason.SESSION_ENDED);

        List<LecternEvent.SegmentGap> gaps = events.events(LecternEvent.SegmentGap.class);
        assertThat(gaps).extracting(LecternEvent.SegmentGap::cause).hasSize(2);
        assertThat(gaps.get(0).cause()).contains("undecodable");
        assertThat(gaps.get(0).length()).isEqualTo(Duration.ofSeconds(1));
        assertThat(gaps.get(1).cause()).contains("expired");
        assertThat(events.events(LecternEvent.SegmentLikelyLost.class)).as("the dropped one: reported, never played as silence")
                // the dropped second, plus the pause this test makes while it waits for the batches
                .singleElement().satisfies(l -> assertThat(l.missing().toMillis()).isBetween(700L, 3000L));
        assertThat(listener.counters().segmentsLost()).isEqualTo(1);
        assertThat(events.events(LecternEvent.SegmentFailed.class)).extracting(LecternEvent.SegmentFailed::reason)
                .satisfiesExactly(r -> assertThat(r).startsWith("undecodable"), r -> assertThat(r).startsWith("expired"));
        assertThat(gateway.segmentFetches() - fetchesBefore).as("the expired URL tried once (the clock may be off), then the later ones")
                .isEqualTo(events.events(LecternEvent.AudioReceived.class).size() - 2 + 1);
        assertThat(events.events(LecternEvent.AudioReceived.class).size()).as("the two before, and those after")
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void theStandInsMp3DecodesWithAnIndependentDecoder(@TempDir Path dir) throws Exception {
        Path lame = Path.of("/usr/bin/lame");
        if (!Files.isExecutable(lame)) {
            assertThat(System.getenv("LECTERN_REQUIRE_LAME")).as("lame is required here (.ci/run installs it)").isNull();
            Assumptions.abort("lame is not installed: the stand-in's MP3 is checked with lame's decoder where it is");
        }
        SessionId id;
        try (JettySessionApi api = JettySessionApi.builder(gateway.sessionApiUri()).tokenProvider(FixedTokenProvider.of("alice")).build()) {
            id = api.create(CreateParams.of(LanguageCode.of("en"))).toCompletableFuture().get(10, TimeUnit.SECONDS).sessionId();
        }
        try (RawPeer listener = RawPeer.connect(endpoint, "sessionId=" + id.value() + "&targetLanguage=es");
             RawPeer speaker = RawPeer.connect(endpoint, "sessionId=" + id.value() + "&token=alice-1")) {
            String pcm = java.util.Base64.getEncoder().encodeToString(new byte[3200]);
            for (int i = 0; i < 10; i++) { // within one batch window
                speaker.send("{\"action\":\"audioChunk\",\"sessionId\":\"" + id.value() + "\",\"audioData\":\"" + pcm + "\",\"chunkIndex\":" + i + "}");
            }
            JsonNode segment = JSON.readTree(listener.await("translatedAudio", WAIT));
            assertThat(segment.get("url").asText()).contains("Expires=").contains("Signature=");
            HttpResponse<byte[]> mp3 = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(segment.get("url").asText())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(mp3.statusCode()).isEqualTo(200);
            assertThat(mp3.headers().firstValue("Content-Type")).hasValue("audio/mpeg");
            Path file = Files.write(dir.resolve("segment.mp3"), mp3.body());
            Process decode = new ProcessBuilder(lame.toString(), "--quiet", "--decode", file.toString(), dir.resolve("segment.wav").toString())
                    .redirectErrorStream(true).start();
            assertThat(decode.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(decode.exitValue()).as(new String(decode.getInputStream().readAllBytes())).isZero();
            try (javax.sound.sampled.AudioInputStream wav = javax.sound.sampled.AudioSystem.getAudioInputStream(dir.resolve("segment.wav").toFile())) {
                assertThat(wav.getFormat().getSampleRate()).isEqualTo(24_000f);
                assertThat(wav.getFrameLength()).as("lame reads the Info tag: exactly the 1 s batch").isEqualTo(24_000);
            }
        }
    }
}

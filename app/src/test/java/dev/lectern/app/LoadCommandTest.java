package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.LocalGateway;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.testing.FixedTokenProvider;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code lectern load} on real sockets, small: what it counts and prints, and its JSON line. */
class LoadCommandTest {

    @Test
    void everyListenerGetsEveryChunkAndTheJsonLineSaysSo() throws Exception {
        Run run = Run.of("load", "--embedded", "--listeners", "20", "--seconds", "3", "--rate", "10", "--languages", "es,de",
                "--json");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        JsonNode f = new ObjectMapper().readTree(run.lastLine());
        assertThat(f.get("listeners").asInt()).isEqualTo(20);
        assertThat(f.get("expected").asLong()).isEqualTo(20 * 30);
        assertThat(f.get("delivered").asLong()).isEqualTo(f.get("expected").asLong());
        assertThat(f.get("gapChunks").asLong()).isZero();
        assertThat(f.get("disconnects").asLong()).isZero();
        // latency from the send time the speaker wrote into each chunk: real, and the second half's within the whole
        JsonNode whole = f.get("latencyMs");
        JsonNode steady = f.get("secondHalfLatencyMs");
        assertThat(whole.get("p50").asDouble()).isPositive().isLessThanOrEqualTo(whole.get("p99").asDouble());
        assertThat(steady.get("p50").asDouble()).isPositive().isLessThanOrEqualTo(steady.get("max").asDouble());
        assertThat(steady.get("max").asDouble()).isLessThanOrEqualTo(whole.get("max").asDouble());
        assertThat(f.get("cpuMicrosPerChunk").asDouble()).isPositive();
        assertThat(f.get("heapBytesPerListener").isNumber()).as("heap per listener (meaningful for hundreds, noise for 20)").isTrue();
        assertThat(f.get("peakThreads").asInt()).isPositive();
        assertThat(f.get("gatewayInThisJvm").asBoolean()).isTrue();
        assertThat(run.out()).contains("load: 20 listeners, delivered 600 of 600, gap chunks 0, disconnects 0")
                .contains("latency of the second half's chunks");
    }

    /**
     * The side-by-side's mode: listeners join a session an outside speaker streams, and the command returns
     * once that session has ended, with every chunk counted (the heap is read after the last one arrived,
     * not while the speaker streams).
     */
    @Test
    void anOutsideSpeakersSessionIsCountedUntilItEnds() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0).build()).build()) {
            URI endpoint = gateway.start();
            try (JettyTransport transport = JettyTransport.builder(endpoint).build()) {
                SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").build())
                        .transport(transport).tokenProvider(FixedTokenProvider.of("alice")).build();
                SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
                CompletableFuture<Run> load = CompletableFuture.supplyAsync(() -> Run.of("load", "--endpoint", endpoint.toString(),
                        "--session", id.value(), "--listeners", "5", "--seconds", "2", "--rate", "10", "--wait", "30", "--json"));
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> gateway.listenerCount(id) == 5 || load.isDone());
                for (int k = 0; k < 20; k++) { // stamped as speaker.mjs does: index at byte 0, send time at byte 4
                    byte[] pcm = new byte[AudioChunk.BYTES_PER_100_MS];
                    ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).putInt(0, k).putDouble(4, System.currentTimeMillis());
                    speaker.send(AudioChunk.of(pcm));
                }
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> speaker.counters().sent() == 20);
                speaker.end("done");
                Run run = load.get(40, TimeUnit.SECONDS);

                assertThat(run.exit()).as(run.out() + run.err()).isZero();
                JsonNode f = new ObjectMapper().readTree(run.lastLine());
                assertThat(f.get("expected").asLong()).isEqualTo(5 * 20);
                assertThat(f.get("delivered").asLong()).isEqualTo(5 * 20);
                assertThat(f.get("gapChunks").asLong()).isZero();
                assertThat(f.get("disconnects").asLong()).isZero();
                assertThat(f.get("latencyMs").get("max").asDouble()).isPositive();
                assertThat(f.get("heapBytesPerListener").isNumber()).isTrue();
                assertThat(f.get("gatewayInThisJvm").asBoolean()).isFalse();
                speaker.close();
            }
        }
    }

    @Test
    void listenersOnSegmentsPlayEverySegmentWithOneFetchPerUrl() throws Exception {
        Run run = Run.of("load", "--segments", "--listeners", "12", "--seconds", "7", "--languages", "es,de", "--json");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        JsonNode f = new ObjectMapper().readTree(run.lastLine());
        assertThat(f.get("segments").asInt()).as("7 s of speech in 3 s batches").isGreaterThanOrEqualTo(2);
        assertThat(f.get("played").asLong()).isEqualTo(f.get("expected").asLong());
        assertThat(f.get("fetches").asLong()).as("one fetch per URL: a segment, two languages").isEqualTo(f.get("urls").asLong())
                .isEqualTo(2L * f.get("segments").asInt());
        assertThat(f.get("failedSegments").asLong()).isZero();
        assertThat(f.get("cpuMicrosPerSegmentPerListener").asDouble()).isPositive();
    }

    @Test
    void noListenersMeasuresTheSpeakerAlone() throws Exception {
        Run run = Run.of("load", "--embedded", "--listeners", "0", "--seconds", "2", "--json");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        JsonNode f = new ObjectMapper().readTree(run.lastLine());
        assertThat(f.get("speakerSent").asLong()).isEqualTo(20);
        assertThat(f.get("cpuMicrosPerSentChunk").asDouble()).isPositive()
                .isGreaterThanOrEqualTo(f.get("streamingCpuMicrosPerSentChunk").asDouble());
        assertThat(run.out()).contains("speaker alone: sent 20 of 20 chunks");
    }

    @Test
    void optionsThatDoNothingWithSegmentsAreRefusedNotIgnored() {
        for (String[] extra : new String[][] {{"--rate", "20"}, {"--wait", "5"}, {"--selector-threads", "2"}}) {
            Run run = Run.of("load", "--segments", "--listeners", "2", "--seconds", "3", extra[0], extra[1]);
            assertThat(run.exit()).as(extra[0]).isEqualTo(2);
            assertThat(run.err()).contains(extra[0] + " does nothing with --segments");
        }
    }

    @Test
    void aBadCountIsAUsageError() {
        Run run = Run.of("load", "--embedded", "--listeners", "-1", "--seconds", "1");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--listeners must be 0 or more");

        Run both = Run.of("load", "--embedded", "--listeners", "0", "--session", "golden-eagle-427");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("leave out --session");
    }
}

package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    void aBadCountIsAUsageError() {
        Run run = Run.of("load", "--embedded", "--listeners", "-1", "--seconds", "1");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--listeners must be 0 or more");

        Run both = Run.of("load", "--embedded", "--listeners", "0", "--session", "golden-eagle-427");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("leave out --session");
    }
}

package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lectern.gateway.GatewayCommand;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeDemoOnRealSocketsPlaysEveryChunkToEveryListenerThroughRefreshes() throws Exception {
        Run run = Run.of("demo", "--seconds", "5", "--json", "--out", dir.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        JsonNode figures = new ObjectMapper().readTree(run.lastLine());
        long sent = figures.get("speaker").get("sent").asLong();
        assertThat(sent).isEqualTo(50);
        assertThat(figures.get("speaker").get("endReason").asText()).isEqualTo("ENDED_BY_USER");
        assertThat(figures.get("speaker").get("refreshes").asInt()).isPositive();
        assertThat(figures.get("listeners")).hasSize(3);
        for (JsonNode listener : figures.get("listeners")) {
            assertThat(listener.get("played").asLong()).as(listener.toString()).isEqualTo(sent);
            assertThat(listener.get("gapChunks").asLong()).isZero();
            assertThat(listener.get("refreshes").asInt()).as("at least one refresh each").isPositive();
            assertThat(listener.get("endReason").asText()).isEqualTo("SESSION_ENDED");
            assertThat(listener.get("wavEqualsSent").asBoolean()).isTrue();
        }
        assertThat(figures.get("listeners").findValuesAsText("language")).containsExactly("es", "de", "fr");
        assertThat(figures.get("latencyMs").get("p50").asDouble()).isPositive();
        assertThat(run.out()).contains("every listener's WAV equals what the speaker sent, sample for sample");
        System.out.println("DEMO " + run.out());
    }

    @Test
    void theDeployedFlavorDemoRefreshesListenersWithoutConfirmationFramesAndKeepsTheSpeakersConnection() throws Exception {
        Run run = Run.of("demo", "--flavor", "deployed", "--seconds", "6", "--refresh-every", "2s", "--json", "--out", dir.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        JsonNode figures = new ObjectMapper().readTree(run.lastLine());
        assertThat(figures.get("speaker").get("sent").asLong()).isEqualTo(60);
        assertThat(figures.get("speaker").get("refreshes").asInt()).as("its connection outlives the demo").isZero();
        for (JsonNode listener : figures.get("listeners")) {
            assertThat(listener.get("refreshes").asInt()).as(listener.toString()).isPositive();
            assertThat(listener.get("gapChunks").asLong()).isZero();
            assertThat(listener.get("endReason").asText()).isEqualTo("SESSION_ENDED");
            assertThat(listener.get("wavEqualsSent").asBoolean()).isTrue();
        }
        assertThat(run.out()).contains("deployed-flavor gateway").contains("hand-over is turned off")
                .contains("ending, mark").contains("rejoin refused");
    }

    @Test
    void theVirtualDemoRunsHoursOfSessionWithRefreshesAndEndsEveryone() {
        Run run = Run.of("demo", "--virtual", "--hours", "4", "--listeners", "2", "--drop-every", "50m");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains(" created, spoken in en").contains("connection replaced: ")
                .contains("back online after ").contains("the session ended").contains("ended: SESSION_ENDED")
                .contains("ended: ENDED_BY_USER").as("plain words, not record dumps").doesNotContain("[reason=", "Created[");
        assertThat(run.out()).containsPattern("speaker: Counters\\[captured=144000, sent=14\\d{4}");
    }

    @Test
    void aBadFlagIsAUsageErrorWithTheUsage() {
        Run run = Run.of("demo", "--listeners", "0");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--listeners must be between 1 and 100, was: 0").contains("Usage: lectern demo");
        assertThat(Run.of("demo", "--no-such-flag").exit()).isEqualTo(2);
        assertThat(Run.of("no-such-command").exit()).isEqualTo(2);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"speak", "listen", "gateway", "devices", "demo", "doctor"}) {
            Run run = Run.of(command, "--help");
            assertThat(run.exit()).as(command).isZero();
            assertThat(run.out()).as(command).startsWith("Usage: lectern " + command);
        }
    }

    @Test
    void durationsAreWrittenTheShortWay() {
        GatewayCommand.DurationOption d = new GatewayCommand.DurationOption();
        assertThat(d.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(d.convert("100m")).isEqualTo(Duration.ofMinutes(100));
        assertThat(d.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(d.convert("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> d.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("'soon'");
    }
}

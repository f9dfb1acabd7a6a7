package dev.lectern.app;

import static dev.lectern.app.SpeakAndListenIT.listen;
import static dev.lectern.app.SpeakAndListenIT.pcm;
import static dev.lectern.app.SpeakAndListenIT.speak;
import static dev.lectern.app.SpeakAndListenIT.talk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lectern.app.SpeakAndListenIT.Running;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.LocalGateway;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code speak} and {@code listen} against the gateway's deployed flavor (protocol section 11), as a person
 * runs them: the session created over the HTTP API, the listener joined with no first frame, the talk heard
 * sample for sample, the end in the deployed service's order; and the sentence a person reads when {@code speak} meets that
 * service without {@code --session-api}.
 */
class SpeakAndListenDeployedIT {
    @TempDir
    Path dir;

    static GatewaySettings.Builder deployed() {
        // PCM audioData, so that the WAV heard can equal the WAV spoken (the segment tests hear MP3)
        return SpeakAndListenIT.gateway().flavor(GatewaySettings.Flavor.DEPLOYED).segments(false).maxConnectionAge(Duration.ofMinutes(2))
                .warnAfter(Duration.ofMinutes(1));
    }

    @Test
    void speakCreatesOverTheSessionApiAndListenHearsEverySampleAndExitsZero() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().settings(deployed().build()).build()) {
            URI endpoint = gateway.start();
            Path talk = talk(dir, 3);
            Path heard = dir.resolve("heard.wav");
            Running speaker = Running.of(speak(Map.of("LECTERN_TOKEN", "alice")), "--endpoint", endpoint.toString(),
                    "--session-api", gateway.sessionApiUri().toString(), "--input", talk.toString(), "--hold", "3s", "--json");
            String id = CompletableFuture.anyOf(speaker.out().session, speaker.exit()).thenApply(x -> speaker.out().session.getNow(null))
                    .get(30, TimeUnit.SECONDS);
            assertThat(id).as("speak printed its session; stderr: " + speaker.err()).isNotNull();
            Running listener = Running.of(listen(), "--endpoint", endpoint.toString(), "--session", id, "--language", "es",
                    "--output", heard.toString(), "--json");

            assertThat(speaker.exitWithin(Duration.ofSeconds(30))).as(speaker.out().text + "" + speaker.err()).isZero();
            assertThat(listener.exitWithin(Duration.ofSeconds(15))).as(listener.out().text + "" + listener.err()).isZero();
            assertThat(pcm(heard)).as("the WAV heard equals the WAV spoken, sample for sample").isEqualTo(pcm(talk));
            ObjectMapper json = new ObjectMapper();
            JsonNode spoke = json.readTree(speaker.out().lastLine());
            JsonNode listened = json.readTree(listener.out().lastLine());
            assertThat(spoke.get("sent").asLong()).isEqualTo(30);
            assertThat(spoke.get("endReason").asText()).isEqualTo("ENDED_BY_USER");
            assertThat(listened.get("played").asLong()).isEqualTo(30);
            assertThat(listened.get("endReason").asText()).as("told by the close, its rejoin refused after the PATCH")
                    .isEqualTo("SESSION_ENDED");
        }
    }

    @Test
    void speakWithoutTheSessionApiTellsThePersonToPassIt() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().settings(deployed().build()).build()) {
            URI endpoint = gateway.start();
            Run run = Run.of(Main.commandLine(speak(Map.of("LECTERN_TOKEN", "alice"))), "--endpoint", endpoint.toString(),
                    "--input", talk(dir, 1).toString());
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).contains("MISSING_SESSION_ID").contains("pass --session-api");
            assertThat(run.err().strip().lines()).as("one sentence").hasSize(1);
        }
    }

    @Test
    void waitingForListenersIsRefusedWithTheSessionApiForItCannotCountThem() {
        Run run = Run.of(Main.commandLine(speak(Map.of("LECTERN_TOKEN", "alice"))), "--endpoint", "ws://127.0.0.1:9",
                "--session-api", "http://127.0.0.1:9", "--input", "x.wav", "--wait-for-listeners", "2");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("use --hold");
    }
}

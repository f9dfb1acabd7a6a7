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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of a talk on the stand-in's deployed flavor (protocol sections 11.3 to 11.5), as a person runs it:
 * {@code speak --session-api} keeps its socket open for the last batch, marks the session ended, closes and
 * deletes it; every {@code listen} hears the last words and exits by itself. A speaker killed without any of
 * that still lets its listeners end, within their bounded wait.
 */
class DeployedEndRunnerIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static LocalGateway deployed() {
        return LocalGateway.builder().settings(GatewaySettings.builder().port(0).flavor(GatewaySettings.Flavor.DEPLOYED).build()).build();
    }

    static String session(Running speaker) throws Exception {
        String id = CompletableFuture.anyOf(speaker.out().session, speaker.exit()).thenApply(x -> speaker.out().session.getNow(null))
                .get(30, TimeUnit.SECONDS);
        assertThat(id).as("speak printed its session; stderr: " + speaker.err()).isNotNull();
        return id;
    }

    @Test
    void aTwentySecondTalkEndsWithEveryListenerHearingTheLastWordsAndExitingByItself() throws Exception {
        Path talk = talk(dir, 20);
        try (LocalGateway gateway = deployed()) {
            URI endpoint = gateway.start();
            Running speaker = Running.of(speak(Map.of("LECTERN_TOKEN", "alice")), "--endpoint", endpoint.toString(),
                    "--session-api", gateway.sessionApiUri().toString(), "--input", talk.toString(), "--hold", "3s", "--json");
            String id = session(speaker);
            List<Running> listeners = new ArrayList<>();
            for (String language : new String[] {"es", "de", "fr"}) {
                String[] args = {"--endpoint", endpoint.toString(), "--session", id, "--language", language,
                        "--output", dir.resolve(language + ".wav").toString(), "--json"};
                if (language.equals("fr")) { // reads the session before its rejoin: the public GET, no token
                    args = SpeakAndListenIT.concat(args, "--session-api", gateway.sessionApiUri().toString());
                }
                listeners.add(Running.of(listen(), args));
            }

            assertThat(speaker.exitWithin(Duration.ofSeconds(60))).as(speaker.out().text + "" + speaker.err()).isZero();
            long spokeUntil = System.nanoTime();
            JsonNode spoke = JSON.readTree(speaker.out().lastLine());
            assertThat(spoke.get("sent").asLong()).isEqualTo(200);
            assertThat(speaker.out().text.toString()).as("each step of the end, in order")
                    .containsSubsequence("ending, flush", "ending, mark: rejoins are refused", "ending, close", "ending, delete");
            double talkSeconds = pcm(talk).length / 32_000.0;
            for (int i = 0; i < listeners.size(); i++) {
                Running r = listeners.get(i);
                long left = Math.max(1, Duration.ofSeconds(10).toNanos() - (System.nanoTime() - spokeUntil));
                assertThat(r.exit().get(left, TimeUnit.NANOSECONDS)).as("exits 0 within 10 s of speak: " + r.out().text + r.err()).isZero();
                JsonNode heard = JSON.readTree(r.out().lastLine());
                assertThat(heard.get("endReason").asText()).isEqualTo("SESSION_ENDED");
                double heardSeconds = pcm(dir.resolve(new String[] {"es", "de", "fr"}[i] + ".wav")).length / 32_000.0;
                System.out.printf("listener %d heard %.2f s of a %.2f s talk: %s%n", i, heardSeconds, talkSeconds, heard);
                assertThat(heardSeconds).as("the last words heard: the WAV within 3.5 s of the talk").isGreaterThan(talkSeconds - 3.5);
                assertThat(r.out().text.toString()).contains("rejoin refused");
                if (i == 2) {
                    assertThat(r.out().text.toString()).as("told by the session API, with no connect")
                            .contains("the session API says the session is ended");
                }
            }
            HttpResponse<String> after = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(gateway.sessionApiUri() + "/sessions/" + id)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode() == 404 || JSON.readTree(after.body()).get("status").asText().equals("ended"))
                    .as("the session is over: " + after.statusCode() + " " + after.body()).isTrue();
        }
    }

    @Test
    void aListenerWhoseSpeakerIsKilledEndsWithinItsBoundedWaitAndSaysWhy() throws Exception {
        Path talk = talk(dir, 5);
        try (LocalGateway gateway = deployed()) {
            URI endpoint = gateway.start();
            Process speak = SignalIT.run("speak", "--endpoint", endpoint.toString(), "--session-api", gateway.sessionApiUri().toString(),
                    "--input", talk.toString(), "--loop");
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(speak.getInputStream(), StandardCharsets.UTF_8));
                String id = SignalIT.lineMatching(out, SignalIT.SESSION);
                Running listener = Running.of(listen(), "--endpoint", endpoint.toString(), "--session", id, "--language", "es",
                        "--output", dir.resolve("heard.wav").toString(), "--json");
                org.awaitility.Awaitility.await("the listener hears segments").atMost(Duration.ofSeconds(30))
                        .until(() -> listener.out().text.toString().contains("text (es"));

                speak.destroyForcibly(); // SIGKILL: no PATCH, no close frame, no DELETE
                long killedAt = System.nanoTime();

                assertThat(listener.exitWithin(Duration.ofSeconds(40))).as(listener.out().text + "" + listener.err()).isZero();
                long took = (System.nanoTime() - killedAt) / 1_000_000;
                String told = listener.out().text.toString();
                assertThat(told).as("why: rejoined, and no audio came").contains("rejoined; waiting up to").contains("no audio within 20");
                assertThat(JSON.readTree(listener.out().lastLine()).get("endReason").asText()).isEqualTo("SESSION_ENDED");
                assertThat(took).as("within the bounded wait (spread 3 s + wait 20 s + the last segments)").isLessThan(35_000);
            } finally {
                speak.destroyForcibly();
            }
        }
    }
}

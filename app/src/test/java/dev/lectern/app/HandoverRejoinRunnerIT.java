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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A talk longer than any connection, as a person runs it against the stand-in's deployed flavor with API
 * Gateway's 2-hour cut scaled to 45 s: {@code speak --session-api} hands the session over to a new connection
 * before each cut (protocol section 11.4), each {@code listen} rejoins after the {@code sessionEnded} that
 * every hand-over costs it, and all of them hear the talk to its end, in order, and exit 0.
 */
class HandoverRejoinRunnerIT {
    static final ObjectMapper JSON = new ObjectMapper();
    /** A caption's text: "[es] 1:03-1:06 of golden-eagle-427", the stretch of the talk its batch holds. */
    static final Pattern CAPTION = Pattern.compile("text \\((\\w+), at [^)]*\\): \\[\\w+] (\\d+):(\\d{2})-(\\d+):(\\d{2}) of ");

    @TempDir
    Path dir;

    @Test
    void aTalkThreeTimesLongerThanTheCutIsHeardToItsEndByEveryListener() throws Exception {
        Path talk = talk(dir, 150);
        String cut = "45s";
        try (LocalGateway gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0)
                .flavor(GatewaySettings.Flavor.DEPLOYED).maxConnectionAge(Duration.ofSeconds(45))
                .refreshAfter(Duration.ofMillis(37_500)).warnAfter(Duration.ofMillis(39_400)).build()).build()) {
            URI endpoint = gateway.start();
            Running speaker = Running.of(speak(Map.of("LECTERN_TOKEN", "alice")), "--endpoint", endpoint.toString(),
                    "--session-api", gateway.sessionApiUri().toString(), "--input", talk.toString(), "--hold", "3s",
                    "--max-connection-age", cut, "--json");
            String id = DeployedEndRunnerIT.session(speaker);
            String[] languages = {"es", "de", "fr"};
            List<Running> listeners = new ArrayList<>();
            for (String language : languages) {
                listeners.add(Running.of(listen(), "--endpoint", endpoint.toString(), "--session", id, "--language", language,
                        "--output", dir.resolve(language + ".wav").toString(), "--max-connection-age", cut, "--json"));
            }

            assertThat(speaker.exitWithin(Duration.ofSeconds(240))).as(speaker.out().text + "" + speaker.err()).isZero();
            String spoke = speaker.out().text.toString();
            long handovers = spoke.lines().filter(l -> l.contains(" handed over ")).count();
            JsonNode figures = JSON.readTree(speaker.out().lastLine());
            System.out.println("speaker: " + handovers + " hand-overs, " + figures);
            assertThat(handovers).as("a hand-over before each cut: " + spoke).isGreaterThanOrEqualTo(3);
            assertThat(figures.get("sent").asLong()).isEqualTo(1500);
            assertThat(figures.get("dropped").asLong()).isZero();
            double talkSeconds = pcm(talk).length / 32_000.0;
            for (int i = 0; i < languages.length; i++) {
                Running r = listeners.get(i);
                assertThat(r.exitWithin(Duration.ofSeconds(30))).as(r.err().toString()).isZero();
                JsonNode heard = JSON.readTree(r.out().lastLine());
                double heardSeconds = pcm(dir.resolve(languages[i] + ".wav")).length / 32_000.0;
                System.out.printf("listener %s heard %.1f s of %.1f s: %s%n", languages[i], heardSeconds, talkSeconds, heard);
                assertThat(heard.get("endReason").asText()).isEqualTo("SESSION_ENDED");
                assertThat(heard.get("rejoins").asInt()).as("rejoined after the hand-overs").isGreaterThanOrEqualTo(3);
                assertThat(heardSeconds).as("at least 85 % of the talk").isGreaterThanOrEqualTo(0.85 * talkSeconds);
                int previous = -1;
                int captions = 0;
                Matcher m = CAPTION.matcher(r.out().text.toString());
                while (m.find()) {
                    int from = Integer.parseInt(m.group(2)) * 60 + Integer.parseInt(m.group(3));
                    assertThat(from).as("heard in the order spoken").isGreaterThanOrEqualTo(previous);
                    previous = from;
                    captions++;
                }
                assertThat(captions).as("captions read").isGreaterThan(30);
                assertThat(previous).as("heard to the end").isGreaterThanOrEqualTo((int) talkSeconds - 8);
            }
        }
    }
}

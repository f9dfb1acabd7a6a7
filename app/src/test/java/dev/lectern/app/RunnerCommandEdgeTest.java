package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad file or setting given to the runner ends it with one sentence on standard error that names the
 * file or setting and what to do, exit 1: never a framework's report, a stack trace or the word "null".
 */
class RunnerCommandEdgeTest {
    @TempDir
    Path dir;

    static void oneSentence(Run run, String... naming) {
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        String err = run.err().strip();
        assertThat(err.lines()).as("one line: " + err).hasSize(1);
        assertThat(err).contains(naming).doesNotContain("Guice", "provision", "null", "Exception", "\tat ");
    }

    @Test
    void aMissingInputFileIsNamed() {
        Run run = Run.of(Main.commandLine(SpeakAndListenIT.speak(Map.of("LECTERN_TOKEN", "alice"))), "--endpoint", "ws://127.0.0.1:9",
                "--input", dir.resolve("nope.wav").toString());
        oneSentence(run, "nope.wav", "no such file", "--input mic");
    }

    @Test
    void aFileThatIsNotWavIsNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("notes.wav"), "not a wav");
        Run run = Run.of(Main.commandLine(SpeakAndListenIT.speak(Map.of("LECTERN_TOKEN", "alice"))), "--endpoint", "ws://127.0.0.1:9",
                "--input", bad.toString());
        oneSentence(run, "notes.wav", "not a WAV file");
    }

    @Test
    void anUnreadableTrustStoreIsNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("trust.p12"), "not a key store");
        Run run = Run.of(Main.commandLine(SpeakAndListenIT.listen()), "--endpoint", "wss://127.0.0.1:9", "--session", "quiet-river-123",
                "--language", "es", "--output", dir.resolve("x.wav").toString(), "--trust-store", bad.toString());
        oneSentence(run, "trust.p12", "trust store", "LECTERN_TRUST_STORE_PASSWORD");
    }

    @Test
    void listenRefusesAnExistingOutputAndMakesNoFileBeforeItJoined() throws Exception {
        Path existing = Files.writeString(dir.resolve("kept.wav"), "keep me");
        Run refused = Run.of(Main.commandLine(SpeakAndListenIT.listen()), "--endpoint", "ws://127.0.0.1:9", "--session", "quiet-river-123",
                "--language", "es", "--output", existing.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("kept.wav exists").contains("--overwrite");
        assertThat(Files.readString(existing)).isEqualTo("keep me");

        try (dev.lectern.gateway.LocalGateway gateway = dev.lectern.gateway.LocalGateway.builder()
                .settings(dev.lectern.gateway.GatewaySettings.builder().port(0).build()).build()) {
            String endpoint = gateway.start().toString();
            Run unknown = Run.of(Main.commandLine(SpeakAndListenIT.listen()), "--endpoint", endpoint, "--session", "quiet-river-123",
                    "--language", "es", "--output", existing.toString(), "--overwrite");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(Files.readString(existing)).as("not joined: the file is not touched").isEqualTo("keep me");
            Path fresh = dir.resolve("fresh.wav");
            Run.of(Main.commandLine(SpeakAndListenIT.listen()), "--endpoint", endpoint, "--session", "quiet-river-123",
                    "--language", "es", "--output", fresh.toString());
            assertThat(fresh).as("not joined: no file made").doesNotExist();
        }
    }

    @Test
    void listenRefusesAnExistingSubtitlesFileAndLeavesNoneWhenTheJoinFails() throws Exception {
        Path kept = Files.writeString(dir.resolve("kept.vtt"), "keep me");
        Run refused = Run.of(Main.commandLine(SpeakAndListenIT.listen()), "--endpoint", "ws://127.0.0.1:9", "--session", "quiet-river-123",
                "--language", "es", "--output", dir.resolve("a.wav").toString(), "--subtitles", kept.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("kept.vtt exists").contains("--overwrite");
        assertThat(Files.readString(kept)).isEqualTo("keep me");

        try (dev.lectern.gateway.LocalGateway gateway = dev.lectern.gateway.LocalGateway.builder()
                .settings(dev.lectern.gateway.GatewaySettings.builder().port(0).build()).build()) {
            Path fresh = dir.resolve("fresh.srt");
            Run unknown = Run.of(Main.commandLine(SpeakAndListenIT.listen()), "--endpoint", gateway.start().toString(), "--session",
                    "quiet-river-123", "--language", "es", "--output", dir.resolve("b.wav").toString(), "--subtitles", fresh.toString());
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(fresh).as("not joined: no subtitles file left").doesNotExist();
        }
    }

    @Test
    void anEndpointOfTheWrongSchemeIsRefusedWithItsTokenRedacted() {
        Run run = Run.of(Main.commandLine(SpeakAndListenIT.listen()), "--endpoint", "https://example.com/prod?token=eyJsecret.part.sig",
                "--session", "quiet-river-123", "--language", "es", "--output", dir.resolve("c.wav").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("ws:// or wss://").doesNotContain("eyJsecret");
    }

    @Test
    void optionsThatDoNothingTogetherAreUsageErrors() {
        Run query = Run.of(Main.commandLine(SpeakAndListenIT.listen()), "--endpoint", "ws://127.0.0.1:9/prod?stage=x", "--session",
                "quiet-river-123", "--language", "es", "--output", dir.resolve("a.wav").toString());
        assertThat(query.exit()).isEqualTo(2);
        assertThat(query.err()).contains("--endpoint must not carry a query").doesNotContain("HTTP 400");
        Run loop = Run.of(Main.commandLine(SpeakAndListenIT.speak(Map.of("LECTERN_TOKEN", "alice"))), "--endpoint", "ws://127.0.0.1:9",
                "--input", "mic", "--loop");
        assertThat(loop.exit()).isEqualTo(2);
        assertThat(loop.err()).contains("--loop").contains("--input mic");
        Run device = Run.of(Main.commandLine(SpeakAndListenIT.listen()), "--endpoint", "ws://127.0.0.1:9", "--session", "quiet-river-123",
                "--language", "es", "--output", dir.resolve("b.wav").toString(), "--device", "USB");
        assertThat(device.exit()).isEqualTo(2);
        assertThat(device.err()).contains("--device picks a playback device");
    }

    @Test
    void listenToAFileThatCannotBeWrittenExitsOneNamingItAndTheCause() throws Exception {
        try (dev.lectern.gateway.LocalGateway gateway = dev.lectern.gateway.LocalGateway.builder()
                .settings(dev.lectern.gateway.GatewaySettings.builder().port(0).build()).build()) {
            String endpoint = gateway.start().toString();
            dev.lectern.client.SpeakerClient speaker = dev.lectern.client.SpeakerClient.builder(
                            dev.lectern.client.SpeakerConfig.builder().sourceLanguage("en").build())
                    .transport(dev.lectern.jetty.JettyTransport.builder(java.net.URI.create(endpoint)).build())
                    .tokenProvider(dev.lectern.testing.FixedTokenProvider.of("alice")).build();
            String id = speaker.start().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS).value();
            try {
                // /dev/full: every write fails with "No space left on device", as a full disk does
                Run run = Run.of(Main.commandLine(SpeakAndListenIT.listen()), "--endpoint", endpoint, "--session", id,
                        "--language", "es", "--output", "/dev/full", "--overwrite");
                oneSentence(run, "/dev/full", "cannot write");
            } finally {
                speaker.close();
            }
        }
    }
}

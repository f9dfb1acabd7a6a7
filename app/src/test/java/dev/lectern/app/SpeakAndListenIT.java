package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.util.Modules;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.gateway.CognitoLocal;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.JwksTokenVerifier;
import dev.lectern.gateway.LocalGateway;
import dev.lectern.javasound.WavAudio;
import dev.lectern.port.Transport;
import dev.lectern.testing.InMemoryGateway;
import dev.lectern.testing.RealTimeGateway;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientType;

/**
 * The runner as a person uses it, in this JVM: {@code speak --input talk.wav} and {@code listen --output
 * heard.wav} through a local gateway on real sockets; the WAV heard equals the WAV spoken, sample for sample.
 */
class SpeakAndListenIT {
    static final Pattern SESSION = Pattern.compile("(?m)^session ([a-z]+-[a-z]+-\\d{3})$");
    @TempDir
    Path dir;

    /** Standard output that tells when the session line has been printed. */
    static final class Watched extends Writer {
        final StringBuilder text = new StringBuilder();
        final CompletableFuture<String> session = new CompletableFuture<>();

        @Override
        public synchronized void write(char[] c, int off, int len) {
            text.append(c, off, len);
            Matcher m = SESSION.matcher(text);
            if (m.find()) {
                session.complete(m.group(1));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        synchronized String lastLine() {
            String[] lines = text.toString().strip().split("\\R");
            return lines[lines.length - 1];
        }
    }

    /** A command run on a thread of its own, with its output. */
    record Running(CompletableFuture<Integer> exit, Watched out, StringWriter err) {
        static Running of(Object command, String... args) {
            CommandLine cli = Main.commandLine(command);
            Watched out = new Watched();
            StringWriter err = new StringWriter();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            return new Running(CompletableFuture.supplyAsync(() -> cli.execute(args)), out, err);
        }

        int exitWithin(Duration d) throws Exception {
            return exit.get(d.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    static Path talk(Path dir, int seconds) throws Exception {
        Path file = dir.resolve("talk.wav");
        Files.write(file, WavAudio.write(SpeechLike.chunks(seconds, 7)));
        return file;
    }

    static byte[] pcm(Path wav) throws Exception {
        return DemoCommand.pcmOf(wav);
    }

    static SpeakCommand speak(Map<String, String> env) {
        SpeakCommand speak = new SpeakCommand();
        speak.env = env::get;
        speak.interactive = false;
        speak.stdin = new ByteArrayInputStream(new byte[0]);
        return speak;
    }

    static ListenCommand listen() {
        ListenCommand listen = new ListenCommand();
        listen.env = k -> null;
        listen.interactive = false;
        return listen;
    }

    /** speak then listen on {@code endpoint}; returns the speaker's and the listener's JSON figures. */
    JsonNode[] speakAndListen(URI endpoint, SpeakCommand speak, String... speakArgs) throws Exception {
        Path talk = talk(dir, 3);
        Path heard = dir.resolve("heard.wav");
        String[] args = concat(speakArgs, "--endpoint", endpoint.toString(), "--input", talk.toString(), "--wait-for-listeners", "1", "--json");
        Running speaker = Running.of(speak, args);
        String id = CompletableFuture.anyOf(speaker.out().session, speaker.exit()).thenApply(x -> speaker.out().session.getNow(null))
                .get(30, TimeUnit.SECONDS);
        assertThat(id).as("speak printed its session; stderr: " + speaker.err()).isNotNull();
        Running listener = Running.of(listen(), "--endpoint", endpoint.toString(), "--session", id, "--language", "es",
                "--output", heard.toString(), "--json");
        assertThat(speaker.exitWithin(Duration.ofSeconds(30))).as(speaker.out().text + "" + speaker.err()).isZero();
        assertThat(listener.exitWithin(Duration.ofSeconds(15))).as(listener.out().text + "" + listener.err()).isZero();
        byte[] spoken = pcm(talk);
        byte[] got = pcm(heard);
        assertThat(got.length).isEqualTo(spoken.length);
        assertThat(got).as("the WAV heard equals the WAV spoken, sample for sample").isEqualTo(spoken);
        ObjectMapper json = new ObjectMapper();
        return new JsonNode[] {json.readTree(speaker.out().lastLine()), json.readTree(listener.out().lastLine())};
    }

    static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static GatewaySettings.Builder gateway() {
        return GatewaySettings.builder().port(0).refreshAfter(Duration.ofSeconds(1)).warnAfter(Duration.ofSeconds(2))
                .maxConnectionAge(Duration.ofSeconds(4));
    }

    @Test
    void speakAWavFileAndListenToAWavFileThroughTheLocalGateway() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().settings(gateway().build()).build()) {
            JsonNode[] figures = speakAndListen(gateway.start(), speak(Map.of("LECTERN_TOKEN", "alice")));
            System.out.println("SPEAK " + figures[0] + "\nLISTEN " + figures[1]);
            assertThat(figures[0].get("sent").asLong()).isEqualTo(30);
            assertThat(figures[0].get("dropped").asLong()).isZero();
            assertThat(figures[0].get("refreshes").asInt()).as("refreshed on the way").isPositive();
            assertThat(figures[0].get("endReason").asText()).isEqualTo("ENDED_BY_USER");
            assertThat(figures[1].get("played").asLong()).isEqualTo(30);
            assertThat(figures[1].get("gapChunks").asLong()).isZero();
            assertThat(figures[1].get("refreshes").asInt()).isPositive();
            assertThat(figures[1].get("endReason").asText()).isEqualTo("SESSION_ENDED");
        }
    }

    @Test
    void speakSignsInWithCognitoAndTheGatewayChecksTheRealToken() throws Exception {
        try (CognitoLocal cognito = CognitoLocal.start()) {
            String pool = cognito.createPool("lectern-runner");
            cognito.createUser(pool, "alice@example.com", "Correct-Horse-7");
            UserPoolClientType client = cognito.createClient(pool, false, Duration.ofMinutes(60));
            try (LocalGateway gateway = LocalGateway.builder().settings(gateway().build())
                    .tokenVerifier(new JwksTokenVerifier(cognito.jwks(pool), cognito.issuer(pool), client.clientId())).build()) {
                JsonNode[] figures = speakAndListen(gateway.start(), speak(Map.of("LECTERN_PASSWORD", "Correct-Horse-7")),
                        "--username", "alice@example.com", "--client-id", client.clientId(), "--region", "us-east-1",
                        "--cognito-endpoint", cognito.endpoint.toString());
                System.out.println("SPEAK (Cognito) " + figures[0] + "\nLISTEN " + figures[1]);
                assertThat(figures[0].get("sent").asLong()).isEqualTo(30);
                assertThat(figures[0].get("refreshes").asInt()).as("every refresh accepted with the real token").isPositive();
                assertThat(figures[0].get("reconnects").asInt()).isZero();
                assertThat(figures[1].get("played").asLong()).isEqualTo(30);
            }
        }
    }

    @Test
    void theSameSpeakCommandRunsOnTheTestKitWhenItsTransportModuleIsOverridden() throws Exception {
        try (RealTimeGateway kit = RealTimeGateway.start(InMemoryGateway.Settings.ofDefaults())) {
            Path talk = talk(dir, 2);
            SpeakCommand speak = speak(Map.of("LECTERN_TOKEN", "alice"));
            speak.overrides = modules -> Modules.override(modules).with(b -> b.bind(Transport.class).toInstance(kit.transport()));
            // The endpoint is never dialled: nothing listens there.
            Running speaker = Running.of(speak, "--endpoint", "ws://127.0.0.1:9", "--input", talk.toString(),
                    "--wait-for-listeners", "1", "--json");
            String id = speaker.out().session.get(15, TimeUnit.SECONDS);
            ByteArrayOutputStream heard = new ByteArrayOutputStream();
            ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(id).targetLanguage("de").build())
                    .transport(kit.transport()).audioSink((seq, audio) -> heard.writeBytes(audio.pcm())).build();
            listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(speaker.exitWithin(Duration.ofSeconds(20))).as(speaker.err().toString()).isZero();
            listener.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(heard.toByteArray()).isEqualTo(pcm(talk));
            List<Long> received = kit.call(g -> g.session(dev.lectern.domain.SessionId.of(id)).received());
            assertThat(received).hasSize(20);
        }
    }

    @Test
    void anUnknownSessionExitsOneWithASentenceNamingIt() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().settings(gateway().build()).build()) {
            URI endpoint = gateway.start();
            Run run = Run.of(Main.commandLine(listen()), "--endpoint", endpoint.toString(), "--session", "absent-owl-123",
                    "--language", "es", "--output", dir.resolve("x.wav").toString());
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).contains("absent-owl-123").contains("SESSION_NOT_FOUND");
        }
    }

    @Test
    void speakWithNoWayToSignInIsAUsageError() {
        Run run = Run.of(Main.commandLine(speak(Map.of())), "--endpoint", "ws://127.0.0.1:9", "--input", "x.wav");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("give --username and --client-id (Cognito), or set LECTERN_TOKEN");
    }

}

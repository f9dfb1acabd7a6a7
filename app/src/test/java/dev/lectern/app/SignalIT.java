package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.EndReason;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.LocalGateway;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.testing.RecordingListener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C, as a person gives it: the packaged runner started as a process and sent SIGINT. A speaker's
 * session then ends for its listeners at once (not after the service's grace for a lost speaker), and a
 * listener leaves with its WAV file valid.
 */
class SignalIT {
    static final Pattern SESSION = Pattern.compile("^session ([a-z]+-[a-z]+-\\d{3})$");
    static final Path JAR = Path.of("target/lectern.jar");

    @TempDir
    Path dir;

    static Process run(String... args) throws Exception {
        assertThat(Files.isRegularFile(JAR)).as(JAR + " is built by the package phase").isTrue();
        String[] command = new String[args.length + 3];
        command[0] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        command[1] = "-jar";
        command[2] = JAR.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        ProcessBuilder b = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        b.environment().put("LECTERN_TOKEN", "alice");
        return b.start();
    }

    static void interrupt(Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    static String lineMatching(BufferedReader out, Pattern pattern) throws Exception {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            Matcher m = pattern.matcher(line);
            if (m.matches()) {
                return m.group(1);
            }
        }
        throw new AssertionError("the process ended without a line matching " + pattern);
    }

    @Test
    void ctrlCInSpeakEndsTheSessionForListenersAtOnce() throws Exception {
        Path talk = dir.resolve("talk.wav");
        Files.write(talk, dev.lectern.javasound.WavAudio.write(SpeechLike.chunks(3, 5)));
        // a speaker lost without a close frame is given 30 s to come back: an end that took that long was a lost speaker
        try (LocalGateway gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0)
                .speakerGrace(Duration.ofSeconds(30)).build()).build();
             JettyTransport transport = JettyTransport.builder(gateway.start()).build()) {
            URI endpoint = gateway.uri();
            Process speak = run("speak", "--endpoint", endpoint.toString(), "--input", talk.toString(), "--loop");
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(speak.getInputStream(), StandardCharsets.UTF_8));
                String id = lineMatching(out, SESSION);
                RecordingListener events = new RecordingListener();
                ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(id).targetLanguage("es").build())
                        .transport(transport).listener(events).build();
                listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
                events.await(LecternEvent.AudioReceived.class, Duration.ofSeconds(10));

                long sent = System.nanoTime();
                interrupt(speak);

                assertThat(listener.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(EndReason.SESSION_ENDED);
                long tookMillis = (System.nanoTime() - sent) / 1_000_000;
                System.out.printf("SIGNAL speak: the listener learnt of the end %d ms after SIGINT%n", tookMillis);
                assertThat(tookMillis).as("the speaker's endSession, not the 30 s grace").isLessThan(10_000);
                assertThat(speak.waitFor(15, TimeUnit.SECONDS)).as("speak exits").isTrue();
            } finally {
                speak.destroyForcibly();
            }
        }
    }

    @Test
    void ctrlCInListenLeavesAndTheWavIsValid() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0).build()).build()) {
            URI endpoint = gateway.start();
            Path talk = dir.resolve("talk.wav");
            Files.write(talk, dev.lectern.javasound.WavAudio.write(SpeechLike.chunks(3, 5)));
            Process speak = run("speak", "--endpoint", endpoint.toString(), "--input", talk.toString(), "--loop");
            Path heard = dir.resolve("heard.wav");
            Process listen = null;
            try {
                String id = lineMatching(new BufferedReader(new InputStreamReader(speak.getInputStream(), StandardCharsets.UTF_8)), SESSION);
                listen = run("listen", "--endpoint", endpoint.toString(), "--session", id, "--language", "es", "--output", heard.toString());
                lineMatching(new BufferedReader(new InputStreamReader(listen.getInputStream(), StandardCharsets.UTF_8)),
                        Pattern.compile("^(joined .*)$"));
                Process listening = listen;
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(heard) > 44 + 32_000);

                interrupt(listen);

                assertThat(listening.waitFor(15, TimeUnit.SECONDS)).as("listen exits").isTrue();
                try (AudioInputStream wav = AudioSystem.getAudioInputStream(heard.toFile())) {
                    assertThat(wav.getFormat().getSampleRate()).isEqualTo(16_000f);
                    assertThat(wav.getFrameLength()).as("every sample the header counts is there")
                            .isEqualTo((Files.size(heard) - 44) / 2).isPositive();
                }
                assertThat(gateway.listenerCount(dev.lectern.domain.SessionId.of(id))).as("left the session").isZero();
            } finally {
                speak.destroyForcibly();
                if (listen != null) {
                    listen.destroyForcibly();
                }
            }
        }
    }
}

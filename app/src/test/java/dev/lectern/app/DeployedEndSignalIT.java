package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.SessionId;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.LocalGateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in {@code speak --session-api}, as a person gives it to the packaged runner: the end takes the deployed
 * service's order (flush, PATCH, close, DELETE), bounded; a second Ctrl-C cuts the flush short.
 */
class DeployedEndSignalIT {
    @TempDir
    Path dir;

    /** Reads the process's output until it ends; the lines so far, from any thread. */
    static CompletableFuture<List<String>> lines(Process process, List<String> into) {
        return CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    synchronized (into) {
                        into.add(line);
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
            return into;
        });
    }

    static boolean has(List<String> lines, String fragment) {
        synchronized (lines) {
            return lines.stream().anyMatch(l -> l.contains(fragment));
        }
    }

    @Test
    void ctrlCEndsInTheServicesOrderAndASecondOneSkipsTheFlush() throws Exception {
        Path talk = dir.resolve("talk.wav");
        Files.write(talk, dev.lectern.javasound.WavAudio.write(SpeechLike.chunks(3, 5)));
        try (LocalGateway gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0)
                .flavor(GatewaySettings.Flavor.DEPLOYED).build()).build()) {
            URI endpoint = gateway.start();
            for (boolean twice : new boolean[] {false, true}) {
                Process speak = SignalIT.run("speak", "--endpoint", endpoint.toString(), "--session-api",
                        gateway.sessionApiUri().toString(), "--input", talk.toString(), "--loop", "--end-flush", twice ? "30s" : "2s");
                try {
                    List<String> out = new ArrayList<>();
                    CompletableFuture<List<String>> all = lines(speak, out);
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> has(out, "session "));
                    String id;
                    synchronized (out) {
                        id = out.stream().filter(l -> l.startsWith("session ")).findFirst().orElseThrow().substring("session ".length());
                    }
                    SessionId session = SessionId.of(id);
                    // streaming: the speaker's connection is confirmed and the service has its audio
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> gateway.chunksReceived(session) > 5);
                    long sent = System.nanoTime();
                    SignalIT.interrupt(speak);
                    if (twice) {
                        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> has(out, "ending, flush"));
                        SignalIT.interrupt(speak);
                    }

                    assertThat(speak.waitFor(25, TimeUnit.SECONDS)).as("speak exits: " + out).isTrue();
                    long took = (System.nanoTime() - sent) / 1_000_000;
                    String text = String.join("\n", all.get(5, TimeUnit.SECONDS));
                    System.out.printf("SIGNAL speak --session-api, %s Ctrl-C: exited %d ms after the first%n", twice ? "two" : "one", took);
                    assertThat(text).containsSubsequence("the last words reach the listeners first", "ending, flush", "ending, mark",
                            "ending, close", "ending, delete");
                    assertThat(speak.exitValue()).as(text).isZero();
                    assertThat(text.lines().filter(l -> l.contains("captured chunk dropped")).count())
                            .as("capture stopped first: at most the chunk already on its way is dropped").isLessThanOrEqualTo(1);
                    if (twice) {
                        assertThat(took).as("the second Ctrl-C skipped the 30 s flush").isLessThan(15_000);
                    }
                } finally {
                    speak.destroyForcibly();
                }
            }
        }
    }
}

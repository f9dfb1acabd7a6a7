package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.SpeakerClient;
import dev.lectern.testing.RecordingListener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The packaged jar starts with the documented command, serves clients and stops on SIGTERM. */
class GatewayJarIT {
    static final Pattern LISTENING = Pattern.compile("^Lectern gateway listening on (ws://\\S+)$");

    @Test
    void jarStartsPrintsItsAddressServesAndStopsOnSigterm() throws Exception {
        Path jar = Path.of("target/lectern-gateway.jar");
        assertThat(Files.isRegularFile(jar)).as(jar + " is built by the package phase").isTrue();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--port", "0", "--refresh-after", "90s", "--warn-after", "95s",
                "--max-connection-age", "2m").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).isNotNull();
            Matcher m = LISTENING.matcher(line);
            assertThat(m.matches()).as("first line: " + line).isTrue();
            URI endpoint = URI.create(m.group(1));
            SpeakerClient speaker = Fixtures.speaker(endpoint, new RecordingListener());
            assertThat(speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value()).matches("^[a-z]+-[a-z]+-[1-9]\\d{2}$");
            speaker.close();
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("stops within 10 s of SIGTERM").isTrue();
            assertThat(process.exitValue()).isIn(0, 143);
        } finally {
            process.destroyForcibly();
        }
    }
}

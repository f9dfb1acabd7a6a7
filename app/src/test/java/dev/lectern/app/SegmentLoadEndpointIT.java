package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code load --segments} in a shell where {@code LECTERN_ENDPOINT} is set, as it is for every other command:
 * picocli fills {@code --endpoint} from it, and that must not count as the person typing it.
 */
class SegmentLoadEndpointIT {

    @Test
    void segmentsRunsWithLecternEndpointSetInTheEnvironment() throws Exception {
        assertThat(Files.isRegularFile(SignalIT.JAR)).as(SignalIT.JAR + " is built by the package phase").isTrue();
        ProcessBuilder b = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                SignalIT.JAR.toString(), "load", "--segments", "--listeners", "2", "--seconds", "4", "--json").redirectErrorStream(true);
        b.environment().put("LECTERN_ENDPOINT", "ws://127.0.0.1:9/prod");
        Process load = b.start();
        String out = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(load.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(load.exitValue()).as(out).isZero();
        assertThat(out).contains("\"played\"");
    }
}

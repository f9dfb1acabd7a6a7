package dev.lectern.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One job per class, as a number a reviewer can hold the build to: no production source file over
 * {@value #MAX_LINES} lines. A class that grows past it has a second job to give away.
 */
class SourceFileSizeTest {
    static final int MAX_LINES = 600;

    @Test
    void noProductionSourceFileIsLongerThanTheLimit() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // the build's root: tests run in the app module
        List<String> tooLong;
        List<Path> sources;
        try (Stream<Path> files = Files.walk(root)) {
            sources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> root.relativize(p).toString().replace('\\', '/').matches("[^/]+/src/main/java/.*"))
                    .toList();
        }
        tooLong = sources.stream().filter(p -> lines(p) > MAX_LINES).map(p -> root.relativize(p) + ": " + lines(p) + " lines").toList();

        assertThat(sources).as("production sources found under " + root).hasSizeGreaterThan(100);
        assertThat(tooLong).as("production source files over " + MAX_LINES + " lines").isEmpty();
    }

    private static long lines(Path p) {
        try (Stream<String> l = Files.lines(p)) {
            return l.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

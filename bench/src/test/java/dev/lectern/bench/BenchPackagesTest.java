package dev.lectern.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The benchmarks live in a package of their own: none shares a package with a library artifact. */
class BenchPackagesTest {

    @Test
    void everyBenchClassIsInTheBenchPackage() throws Exception {
        Path classes = Path.of(CodecBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> all;
        try (Stream<Path> files = Files.walk(classes)) {
            all = files.filter(f -> f.toString().endsWith(".class")).map(f -> classes.relativize(f).toString().replace('\\', '/')).toList();
        }
        assertThat(all).as("class files of bench").isNotEmpty().allMatch(name -> name.startsWith("dev/lectern/bench/"));
    }
}

package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Scans the output every module's tests wrote (surefire and failsafe reports keep each test's standard
 * output and error, where the logs go) for anything that looks like a JWT and for the passwords the tests
 * use. The reactor builds this module last and this runs after its unit tests, so in a full build every
 * module's reports are there; in CI (the {@code CI} environment variable set) a missing report is a
 * failure, elsewhere the scan is skipped with the reason.
 */
class NoSecretsInTestLogsIT {
    /** Every module with tests; a new one must be added here, or the scan fails to find its reports. */
    static final List<String> MODULES = List.of("domain", "ports", "testkit", "adapter-jetty", "adapter-cognito", "adapter-javasound", "adapter-micrometer", "adapter-mp3",
            "local-gateway", "docs", "bench", "app");
    static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}");
    static final List<String> PASSWORDS = List.of("Correct-Horse-7", "Battery-Staple-9", "not-the-password", "hunter2");

    @Test
    void noTokenOrPasswordInAnyTestOutput() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> reports = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            List<String> found = modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml")) && Files.isDirectory(m.resolve("src/test")))
                    .map(m -> m.getFileName().toString()).sorted().toList();
            assertThat(MODULES).as("every module with tests is scanned").containsExactlyInAnyOrderElementsOf(found);
        }
        for (String module : MODULES) {
            int before = reports.size();
            for (String kind : List.of("surefire-reports", "failsafe-reports")) {
                Path dir = root.resolve(module).resolve("target").resolve(kind);
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> files = Files.list(dir)) {
                        files.filter(f -> f.toString().endsWith(".xml") || f.toString().endsWith("-output.txt")).forEach(reports::add);
                    }
                }
            }
            if (reports.size() == before) {
                missing.add(module);
            }
        }
        if (!missing.isEmpty()) {
            String why = "no test reports for " + missing + ": run the full build (./mvnw verify) first";
            assertThat(System.getenv("CI")).as(why).isNull(); // in CI the scan must run, never skip
            Assumptions.assumeTrue(false, why);
        }
        // The guides too: an example pasted from a real run must not carry a real token.
        reports.add(root.resolve("README.md"));
        try (Stream<Path> guides = Files.list(root.resolve("docs"))) {
            guides.filter(f -> f.toString().endsWith(".md")).forEach(reports::add);
        }
        long bytes = 0;
        List<String> findings = new ArrayList<>();
        for (Path report : reports) {
            String text = Files.readString(report, StandardCharsets.UTF_8);
            bytes += text.length();
            Matcher jwt = JWT.matcher(text);
            if (jwt.find()) {
                findings.add(report.getFileName() + ": a JWT near '" + text.substring(Math.max(0, jwt.start() - 40), jwt.start()) + "'");
            }
            for (String password : PASSWORDS) {
                if (text.contains(password)) {
                    findings.add(report.getFileName() + ": the password " + password.charAt(0) + "...");
                }
            }
        }
        System.out.printf("SECRETS scanned %d report files of %d modules, %d characters of test output: %d findings%n", reports.size(), MODULES.size(), bytes, findings.size());
        assertThat(findings).isEmpty();
    }
}

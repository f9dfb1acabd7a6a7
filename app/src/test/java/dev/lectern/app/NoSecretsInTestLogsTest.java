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
 * Scans the output every other module's tests wrote (surefire and failsafe reports keep each test's
 * standard output and error, where the logs go) for anything that looks like a JWT and for the
 * passwords the tests use. The reactor builds this module last, so in a full build every report is there.
 */
class NoSecretsInTestLogsTest {
    static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}");
    static final List<String> PASSWORDS = List.of("Correct-Horse-7", "Battery-Staple-9", "not-the-password", "hunter2");

    @Test
    void noTokenOrPasswordInAnyTestOutput() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> reports = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                for (String kind : List.of("surefire-reports", "failsafe-reports")) {
                    Path dir = module.resolve("target").resolve(kind);
                    if (Files.isDirectory(dir) && !module.getFileName().toString().equals("app")) {
                        try (Stream<Path> files = Files.list(dir)) {
                            files.filter(f -> f.toString().endsWith(".xml") || f.toString().endsWith("-output.txt")).forEach(reports::add);
                        }
                    }
                }
            }
        }
        Assumptions.assumeTrue(reports.stream().anyMatch(p -> p.toString().contains("failsafe-reports")),
                "run the full build (./mvnw verify) first: the other modules' reports are not there");
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
        System.out.printf("SECRETS scanned %d report files, %d characters of test output: %d findings%n", reports.size(), bytes, findings.size());
        assertThat(findings).isEmpty();
    }
}

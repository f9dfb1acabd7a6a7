package dev.lectern.app;

import com.google.inject.Guice;
import dev.lectern.domain.IdToken;
import dev.lectern.port.TokenProvider;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lectern doctor}: checks, in order, everything between this machine and a session, and prints one
 * line per check with what it measured and, when it failed, the fix. Exit 0 when none failed, 1 otherwise.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Checks the way to the service and prints one line per check: PASS, FAIL (with the fix) or SKIP.",
                "In order: the URL, DNS, TCP, TLS, the WebSocket upgrade (and which flavor answers), the sign-in (its issuer,",
                "audience and time left, never the token), the session API, the session, a listener's join, the heartbeat",
                "round trip and the first audio. Exit 0 when no check failed, 1 otherwise."})
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--endpoint", paramLabel = "URL", defaultValue = "${env:LECTERN_ENDPOINT}",
            description = "The service's WebSocket URL (default: $LECTERN_ENDPOINT).")
    URI endpoint;

    @Option(names = "--session-api", paramLabel = "URL", defaultValue = "${env:LECTERN_SESSION_API}",
            description = "The service's HTTP session API, if it has one (default: $LECTERN_SESSION_API).")
    URI sessionApi;

    @Option(names = "--session", paramLabel = "ID", description = "A session to check and join as a listener.")
    String session;

    @Option(names = "--language", paramLabel = "LANG", defaultValue = "es", description = "The language to join in (default ${DEFAULT-VALUE}).")
    String language;

    @Option(names = "--audio-wait", paramLabel = "DURATION", defaultValue = "5s", converter = dev.lectern.gateway.GatewayCommand.DurationOption.class,
            description = "How long the join waits for the first audio (default ${DEFAULT-VALUE}).")
    Duration audioWait;

    @Option(names = "--trust-store", paramLabel = "PATH",
            description = "Trust the certificates in this PKCS12/JKS store (password from $LECTERN_TRUST_STORE_PASSWORD).")
    Path trustStore;

    @Option(names = "--json", description = "End standard output with one line of JSON: every check.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Log Lectern's debug lines to standard error.")
    boolean verbose;

    @Mixin
    SignInOptions signIn;

    /** The process environment; tests substitute their own. */
    Function<String, String> env = System::getenv;

    @Override
    public Integer call() {
        if (endpoint == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--endpoint is required (or set LECTERN_ENDPOINT)");
        }
        Supplier<CompletionStage<IdToken>> token = null;
        if (signIn.given(env)) {
            TokenProvider provider = Guice.createInjector(signIn.module(env, spec.commandLine())).getInstance(TokenProvider.class);
            token = () -> provider.idToken(false);
        }
        String trimmedSession = session == null ? null : session.trim().toLowerCase(Locale.ROOT);
        Doctor doctor = new Doctor(new Doctor.Target(endpoint, sessionApi, token, trimmedSession,
                language.trim().toLowerCase(Locale.ROOT), trustStore, env.apply("LECTERN_TRUST_STORE_PASSWORD"), audioWait));
        java.io.PrintWriter out = spec.commandLine().getOut();
        List<Doctor.Check> checks = doctor.run(check -> {
            out.println(line(check));
            out.flush();
        });
        boolean passed = checks.stream().noneMatch(c -> c.status() == Doctor.Check.Status.FAIL);
        long failed = checks.stream().filter(c -> c.status() == Doctor.Check.Status.FAIL).count();
        out.println(passed ? "no check failed; the service answers as the " + doctor.flavor() + " flavor"
                : failed + " check" + (failed == 1 ? "" : "s") + " failed");
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Doctor.Check c : checks) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("check", c.name());
                m.put("status", c.status().name().toLowerCase(Locale.ROOT));
                m.put("figure", c.figure());
                m.put("fix", c.fix());
                list.add(m);
            }
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("passed", passed);
            all.put("flavor", doctor.flavor());
            all.put("checks", list);
            out.println(Json.line(all));
        }
        out.flush();
        return passed ? 0 : 1;
    }

    /** {@code PASS  tcp          connected to ...}; a failure ends with the fix. */
    static String line(Doctor.Check check) {
        return String.format("%-4s  %-11s %s%s", check.status(), check.name(), check.figure(),
                check.fix() == null ? "" : " -- fix: " + check.fix());
    }
}

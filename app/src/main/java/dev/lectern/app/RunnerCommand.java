package dev.lectern.app;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.lectern.client.LecternException;
import dev.lectern.domain.session.EndReason;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What {@code speak} and {@code listen} share: the endpoint, trust, output form, and the injector. */
abstract class RunnerCommand {
    @Spec
    CommandSpec spec;

    @Option(names = "--endpoint", paramLabel = "URL", defaultValue = "${env:LECTERN_ENDPOINT}",
            description = "The service's WebSocket URL, ws:// or wss:// (default: $LECTERN_ENDPOINT).")
    URI endpoint;

    @Option(names = "--trust-store", paramLabel = "PATH",
            description = "Trust the certificates in this PKCS12/JKS store (password from $LECTERN_TRUST_STORE_PASSWORD).")
    Path trustStore;

    @Option(names = "--json", description = "End standard output with one line of JSON: the run's figures.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Log Lectern's debug lines to standard error.")
    boolean verbose;

    /** The process environment; tests substitute their own. */
    Function<String, String> env = System::getenv;

    /** Applied to the command's modules before the injector is built; tests swap adapters with it. */
    UnaryOperator<Module> overrides = UnaryOperator.identity();

    /** Whether a person watches a terminal; tests say no. */
    boolean interactive = Terminal.isInteractive();

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    URI endpoint() {
        if (endpoint == null) {
            throw usage("--endpoint is required (or set LECTERN_ENDPOINT)");
        }
        String scheme = endpoint.getScheme();
        if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
            throw usage("--endpoint must be a ws:// or wss:// URL, was: " + dev.lectern.jetty.ConnectUrls.redact(endpoint.toString()));
        }
        if (endpoint.getRawQuery() != null) {
            throw usage("--endpoint must not carry a query (Lectern adds its own), was: " + dev.lectern.jetty.ConnectUrls.redact(endpoint.toString()));
        }
        return endpoint;
    }

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    Injector injector(List<Module> modules) {
        return Guice.createInjector(overrides.apply(Modules.combine(modules)));
    }

    /** 0 for an end the person asked for or the session's end; 1 for an end forced by an error. */
    static int exitCode(EndReason reason) {
        return reason == EndReason.ENDED_BY_USER || reason == EndReason.SESSION_ENDED ? 0 : 1;
    }

    /** The sentence a person reads when a client could not start. */
    static String explain(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException || t instanceof java.io.UncheckedIOException)) {
            t = t.getCause();
        }
        // Guice wraps what a module's provider threw in a report meant for the module's author, not a person
        Throwable provisioned = provisionCause(t);
        if (provisioned != null) {
            return explain(provisioned);
        }
        if (t instanceof LecternException e && e.error() != null) {
            return e.error().message() + " (" + e.error().code() + (e.error().status() > 0 ? ", HTTP " + e.error().status() : "")
                    + "; " + e.endReason() + ")";
        }
        String message = t.getMessage();
        return message != null && !message.isBlank() ? message : t.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    /** What a Guice provider threw, under Guice's report; null when {@code t} is no such report. */
    private static Throwable provisionCause(Throwable t) {
        java.util.Collection<com.google.inject.spi.Message> messages = t instanceof com.google.inject.ProvisionException p ? p.getErrorMessages()
                : t instanceof com.google.inject.CreationException c ? c.getErrorMessages() : null;
        if (messages == null) {
            return null;
        }
        for (com.google.inject.spi.Message m : messages) {
            if (m.getCause() != null) {
                return m.getCause();
            }
        }
        return t.getCause() != null ? t.getCause() : new IllegalStateException(messages.iterator().next().getMessage());
    }
}

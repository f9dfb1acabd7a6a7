package dev.lectern.gateway;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar local-gateway/target/lectern-gateway.jar [options]}: runs the gateway until SIGTERM or
 * Ctrl-C. Prints one line, {@code Lectern gateway listening on ws://HOST:PORT}, once it accepts
 * connections.
 */
public final class GatewayMain {

    /** Every option with its help text; the defaults come from protocol section 5. */
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("--host", "address to listen on (default 127.0.0.1)");
        OPTIONS.put("--port", "port to listen on; 0 picks a free one (default 8080)");
        OPTIONS.put("--auth", "none: any non-empty token, the user is its sub claim; jwks: verify RS256 ID tokens (default none)");
        OPTIONS.put("--jwks-url", "with --auth jwks: where the signing keys are published");
        OPTIONS.put("--issuer", "with --auth jwks: the exact iss every token must carry");
        OPTIONS.put("--audience", "with --auth jwks: the app client id every token's aud must contain");
        OPTIONS.put("--refresh-after", "connection age at which a refresh is requested (default 100m)");
        OPTIONS.put("--warn-after", "connection age at which warnings start (default 105m)");
        OPTIONS.put("--max-connection-age", "connection age at which the gateway cuts it (default 2h)");
        OPTIONS.put("--heartbeat-timeout", "close a connection that sent no heartbeat for this long (default 90s)");
        OPTIONS.put("--idle-timeout", "close a connection that sent nothing for this long (default 10m)");
        OPTIONS.put("--speaker-grace", "keep a session this long after its speaker was lost without a close frame (default 30s)");
        OPTIONS.put("--max-listeners", "listeners per session (default 500)");
        OPTIONS.put("--sessions-per-hour", "session creations per user per hour (default 50)");
        OPTIONS.put("--joins-per-minute", "listener joins per address per minute (default 10)");
        OPTIONS.put("--connects-per-minute", "connects per address per minute (default 20)");
        OPTIONS.put("--tls-keystore", "serve wss:// with this PKCS12/JKS key store (default: plain ws://)");
        OPTIONS.put("--tls-password", "the key store's password");
        OPTIONS.put("--admin-port", "serve fault injection over HTTP on 127.0.0.1 at this port (off unless given)");
        OPTIONS.put("--help", "print this help");
    }

    private GatewayMain() {}

    /** What the command line asks for. */
    record Launch(GatewaySettings settings, TokenVerifier verifier) {}

    public static void main(String[] args) throws Exception {
        Launch launch;
        try {
            launch = parse(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("lectern-gateway: " + e.getMessage());
            System.err.println("Try --help.");
            System.exit(2);
            return;
        }
        if (launch == null) {
            return; // --help
        }
        LocalGateway gateway = LocalGateway.builder().settings(launch.settings()).tokenVerifier(launch.verifier()).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.close();
            } catch (Exception e) {
                System.err.println("lectern-gateway: error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "lectern-gateway-shutdown"));
        URI uri = gateway.start();
        System.out.println("Lectern gateway listening on " + uri);
        if (gateway.adminUri() != null) {
            System.out.println("Lectern gateway admin on " + gateway.adminUri() + " (loopback only)");
        }
        System.out.flush();
        stopped.await();
    }

    /** The launch for {@code args}, or null after printing help. */
    static Launch parse(String[] args, PrintStream out) {
        GatewaySettings.Builder b = GatewaySettings.builder();
        String auth = "none";
        String jwksUrl = null;
        String issuer = null;
        String audience = null;
        String tlsKeyStore = null;
        String tlsPassword = null;
        List<String> list = new ArrayList<>(List.of(args));
        for (int i = 0; i < list.size(); i++) {
            String option = list.get(i);
            String value = null;
            int eq = option.indexOf('=');
            if (eq > 0) {
                value = option.substring(eq + 1);
                option = option.substring(0, eq);
            }
            if (option.equals("--help") || option.equals("-h")) {
                out.println("Usage: java -jar lectern-gateway.jar [options]");
                out.println("Durations are written 250ms, 90s, 100m or 2h.");
                OPTIONS.forEach((name, help) -> out.printf("  %-22s %s%n", name, help));
                return null;
            }
            if (!OPTIONS.containsKey(option)) {
                throw new IllegalArgumentException("unknown option " + option);
            }
            if (value == null) {
                if (i + 1 >= list.size()) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                value = list.get(++i);
            }
            switch (option) {
                case "--host" -> b.host(value);
                case "--port" -> b.port(integer(option, value));
                case "--auth" -> {
                    if (!value.equals("none") && !value.equals("jwks")) {
                        throw new IllegalArgumentException("--auth must be none or jwks, was: " + value);
                    }
                    auth = value;
                }
                case "--jwks-url" -> jwksUrl = value;
                case "--issuer" -> issuer = value;
                case "--audience" -> audience = value;
                case "--tls-keystore" -> tlsKeyStore = value;
                case "--tls-password" -> tlsPassword = value;
                case "--admin-port" -> b.adminPort(integer(option, value));
                case "--refresh-after" -> b.refreshAfter(duration(option, value));
                case "--warn-after" -> b.warnAfter(duration(option, value));
                case "--max-connection-age" -> b.maxConnectionAge(duration(option, value));
                case "--heartbeat-timeout" -> b.heartbeatTimeout(duration(option, value));
                case "--idle-timeout" -> b.idleTimeout(duration(option, value));
                case "--speaker-grace" -> b.speakerGrace(duration(option, value));
                case "--max-listeners" -> b.maxListeners(integer(option, value));
                case "--sessions-per-hour" -> b.sessionsPerHour(integer(option, value));
                case "--joins-per-minute" -> b.joinsPerMinute(integer(option, value));
                case "--connects-per-minute" -> b.connectsPerMinute(integer(option, value));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (tlsKeyStore != null) {
            b.tls(java.nio.file.Path.of(tlsKeyStore), tlsPassword);
        }
        GatewaySettings settings = b.build();
        if (auth.equals("none")) {
            return new Launch(settings, TokenVerifier.ANY);
        }
        if (jwksUrl == null || issuer == null || audience == null) {
            throw new IllegalArgumentException("--auth jwks needs --jwks-url, --issuer and --audience");
        }
        URI jwks;
        try {
            jwks = URI.create(jwksUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--jwks-url is not a URL, was: " + jwksUrl);
        }
        return new Launch(settings, new JwksTokenVerifier(jwks, issuer, audience));
    }

    static Duration duration(String option, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be a duration like 90s, 100m or 2h, was: " + value);
        }
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, was: " + value);
        }
    }
}

package dev.lectern.gateway;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The local gateway on the command line: {@code java -jar lectern-gateway.jar [options]} and
 * {@code java -jar lectern.jar gateway [options]} are this one command. Runs until SIGTERM or Ctrl-C and
 * prints {@code Lectern gateway listening on ws://HOST:PORT} once it accepts connections. Defaults come
 * from protocol section 5; durations are written 250ms, 90s, 100m or 2h.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true, version = "Lectern gateway 0.1.0", sortOptions = false,
        description = {"Runs the local gateway, a stand-in for the service on this machine, until Ctrl-C.",
                "Durations are written 250ms, 90s, 100m or 2h."})
public final class GatewayCommand implements Callable<Integer> {
    private static final GatewaySettings DEFAULTS = GatewaySettings.ofDefaults();

    @Spec
    CommandSpec spec;

    @Option(names = "--flavor", paramLabel = "seed|deployed", description = "seed: the seed's protocol (sessions over "
            + "the WebSocket, first frames, sendAudio); deployed: the service as deployed today (an HTTP session API, "
            + "connects by sessionId with no first frame, audioChunk, controls that answer nothing) (default ${DEFAULT-VALUE}).")
    Flavor flavor = Flavor.seed;

    @Option(names = "--http-port", paramLabel = "PORT", description = "With --flavor deployed: serve the HTTP session API on "
            + "this port too (0 picks one; default: the WebSocket port serves it).")
    Integer httpPort;

    @Option(names = "--refresh-window", converter = DurationOption.class, paramLabel = "DURATION",
            description = "With --flavor deployed: how long after --refresh-after a heartbeat still gets a refresh request (default 1m).")
    Duration refreshWindow = DEFAULTS.refreshWindow();

    @Option(names = "--listener-audio", paramLabel = "segments|pcm", description = "With --flavor deployed: what listeners get, "
            + "translated MP3 segments behind signed URLs (as deployed) or the speaker's PCM as the seed's audioData (default segments).")
    ListenerAudio listenerAudio = ListenerAudio.segments;

    @Option(names = "--segment-seconds", paramLabel = "SECONDS", description = "With --flavor deployed: seconds of speech a segment "
            + "holds, 0.5 to 30 (default 3).")
    double segmentSeconds = 3;

    @Option(names = "--segment-expires", converter = DurationOption.class, paramLabel = "DURATION",
            description = "With --flavor deployed: how long a segment's URL works (default 600s).")
    Duration segmentExpires = DEFAULTS.segmentExpires();

    @Option(names = "--segment-signing", paramLabel = "expires|sigv4", description = "With --flavor deployed: how segment URLs "
            + "are signed, the older Expires form (as deployed) or SigV4's X-Amz-* (default expires).")
    Signing segmentSigning = Signing.expires;

    @Option(names = "--segment-processing", converter = DurationOption.class, paramLabel = "DURATION",
            description = "With --flavor deployed: how long the pipeline takes for a batch before its jitter (default 500ms).")
    Duration segmentProcessing = Duration.ofMillis(500);

    @Option(names = "--segment-jitter", converter = DurationOption.class, paramLabel = "DURATION",
            description = "With --flavor deployed: the random part of each batch's processing, up to this (default 1s; 0s for none).")
    Duration segmentJitter = Duration.ofSeconds(1);

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the gateway's random draws, so that a run repeats (default 1).")
    long seed = 1;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host = DEFAULTS.host();

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int port = DEFAULTS.port();

    @Option(names = "--auth", paramLabel = "none|jwks", description = "none: any non-empty token, the user is its sub "
            + "claim; jwks: verify RS256 ID tokens (default ${DEFAULT-VALUE}).")
    Auth auth = Auth.none;

    @Option(names = "--jwks-url", paramLabel = "URL", description = "With --auth jwks: where the signing keys are published.")
    URI jwksUrl;

    @Option(names = "--issuer", description = "With --auth jwks: the exact iss every token must carry.")
    String issuer;

    @Option(names = "--audience", description = "With --auth jwks: the app client id every token's aud must contain.")
    String audience;

    @Option(names = "--refresh-after", converter = DurationOption.class, paramLabel = "DURATION",
            description = "Connection age at which a refresh is requested (default 100m).")
    Duration refreshAfter = DEFAULTS.refreshAfter();

    @Option(names = "--warn-after", converter = DurationOption.class, paramLabel = "DURATION",
            description = "Connection age at which warnings start (default 105m).")
    Duration warnAfter = DEFAULTS.warnAfter();

    @Option(names = "--max-connection-age", converter = DurationOption.class, paramLabel = "DURATION",
            description = "Connection age at which the gateway cuts it (default 2h).")
    Duration maxConnectionAge = DEFAULTS.maxConnectionAge();

    @Option(names = "--heartbeat-timeout", converter = DurationOption.class, paramLabel = "DURATION",
            description = "Close a connection that sent no heartbeat for this long (default 90s).")
    Duration heartbeatTimeout = DEFAULTS.heartbeatTimeout();

    @Option(names = "--idle-timeout", converter = DurationOption.class, paramLabel = "DURATION",
            description = "Close a connection that sent nothing for this long (default 10m).")
    Duration idleTimeout = DEFAULTS.idleTimeout();

    @Option(names = "--speaker-grace", converter = DurationOption.class, paramLabel = "DURATION",
            description = "Keep a session this long after its speaker was lost without a close frame (default 30s).")
    Duration speakerGrace = DEFAULTS.speakerGrace();

    @Option(names = "--max-listeners", paramLabel = "N", description = "Listeners per session (default ${DEFAULT-VALUE}).")
    int maxListeners = DEFAULTS.maxListeners();

    @Option(names = "--sessions-per-hour", paramLabel = "N", description = "Session creations per user per hour (default ${DEFAULT-VALUE}).")
    int sessionsPerHour = DEFAULTS.sessionsPerHour();

    @Option(names = "--joins-per-minute", paramLabel = "N", description = "Listener joins per address per minute (default ${DEFAULT-VALUE}).")
    int joinsPerMinute = DEFAULTS.joinsPerMinute();

    @Option(names = "--connects-per-minute", paramLabel = "N", description = "Connects per address per minute (default ${DEFAULT-VALUE}).")
    int connectsPerMinute = DEFAULTS.connectsPerMinute();

    @Option(names = "--tls-keystore", paramLabel = "PATH", description = "Serve wss:// with this PKCS12 or JKS key store (default: plain ws://).")
    Path tlsKeyStore;

    @Option(names = "--tls-password-file", paramLabel = "PATH",
            description = "A file whose first line is the key store's password (default: $LECTERN_TLS_PASSWORD; never a flag).")
    java.nio.file.Path tlsPasswordFile;

    @Option(names = "--allow-remote-without-auth", description = "Listen on an address other than loopback with --auth none "
            + "(anyone who reaches it can speak as anyone).")
    boolean allowRemoteWithoutAuth;

    /** The process environment; tests substitute their own. */
    java.util.function.Function<String, String> env = System::getenv;

    @Option(names = "--admin-port", paramLabel = "PORT", description = "Serve fault injection over HTTP on 127.0.0.1 at this port (off unless given).")
    Integer adminPort;

    /** How speaker tokens are checked. */
    enum Auth { none, jwks }

    /** What the deployed flavor's listeners get, as typed. */
    enum ListenerAudio { segments, pcm }

    /** How segment URLs are signed, as typed. */
    enum Signing { expires, sigv4 }

    /** Which service to stand in for, as typed. */
    public enum Flavor { seed, deployed }

    /** Picocli reads durations as the gateway writes them. */
    public static final class DurationOption implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 90s, 100m or 2h");
            }
        }
    }

    /** The gateway these options describe; a bad combination is a usage error naming the options. */
    LocalGateway gateway() {
        GatewaySettings.Builder b = GatewaySettings.builder().host(host).port(port).refreshAfter(refreshAfter)
                .warnAfter(warnAfter).maxConnectionAge(maxConnectionAge).heartbeatTimeout(heartbeatTimeout)
                .idleTimeout(idleTimeout).speakerGrace(speakerGrace).maxListeners(maxListeners)
                .sessionsPerHour(sessionsPerHour).joinsPerMinute(joinsPerMinute).connectsPerMinute(connectsPerMinute)
                .flavor(flavor == Flavor.deployed ? GatewaySettings.Flavor.DEPLOYED : GatewaySettings.Flavor.SEED)
                .refreshWindow(refreshWindow)
                .segmentLength(Duration.ofMillis(Math.round(segmentSeconds * 1000))).segmentExpires(segmentExpires)
                .sigV4(segmentSigning == Signing.sigv4).segmentProcessing(segmentProcessing, segmentJitter).seed(seed);
        if (flavor == Flavor.deployed) {
            b.segments(listenerAudio == ListenerAudio.segments);
        }
        if (httpPort != null) {
            if (flavor != Flavor.deployed) {
                throw new ParameterException(spec.commandLine(), "--http-port serves the session API of --flavor deployed only");
            }
            b.httpPort(httpPort);
        }
        if (adminPort != null) {
            b.adminPort(adminPort);
        }
        if (tlsKeyStore != null) {
            b.tls(tlsKeyStore, tlsPassword());
        }
        if (auth == Auth.none && !allowRemoteWithoutAuth && !loopback(host)) {
            throw new ParameterException(spec.commandLine(), "--host " + host + " reaches beyond this machine and --auth none lets anyone "
                    + "speak: use --auth jwks, or --allow-remote-without-auth if that is meant");
        }
        GatewaySettings settings;
        try {
            settings = b.build();
        } catch (IllegalArgumentException e) {
            // "refreshAfter is out of range, was: PT3H" names the setting; say the option the person typed
            String message = e.getMessage();
            int space = message.indexOf(' ');
            String field = space > 0 ? message.substring(0, space) : message;
            field = field.equals("segmentLength") ? "segmentSeconds" : field; // the option takes seconds
            throw new ParameterException(spec.commandLine(), "--" + field.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT)
                    + (space > 0 ? message.substring(space) : ""));
        }
        TokenVerifier verifier = TokenVerifier.ANY;
        if (auth == Auth.jwks) {
            if (jwksUrl == null || issuer == null || audience == null) {
                throw new ParameterException(spec.commandLine(), "--auth jwks needs --jwks-url, --issuer and --audience");
            }
            verifier = new JwksTokenVerifier(jwksUrl, issuer, audience);
        }
        return LocalGateway.builder().settings(settings).tokenVerifier(verifier).build();
    }

    private String tlsPassword() {
        if (tlsPasswordFile != null) {
            try {
                return java.nio.file.Files.readAllLines(tlsPasswordFile).stream().findFirst().orElse("");
            } catch (java.io.IOException e) {
                throw new ParameterException(spec.commandLine(), "cannot read --tls-password-file " + tlsPasswordFile + ": " + e.getMessage());
            }
        }
        return env.apply("LECTERN_TLS_PASSWORD");
    }

    private static boolean loopback(String host) {
        try {
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Override
    public Integer call() throws Exception {
        LocalGateway gateway = gateway();
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                gateway.close();
            } finally {
                stopped.countDown();
            }
        }, "lectern-gateway-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        URI uri = gateway.start();
        out.println("Lectern gateway listening on " + uri);
        if (gateway.sessionApiUri() != null) {
            out.println("Lectern gateway (deployed flavor) session API on " + gateway.sessionApiUri());
        }
        if (gateway.adminUri() != null) {
            out.println("Lectern gateway admin on " + gateway.adminUri() + " (loopback only; Authorization: Bearer "
                    + gateway.adminToken() + ")");
        }
        out.flush();
        stopped.await();
        return 0;
    }
}

package dev.lectern.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lectern.domain.IdToken;
import dev.lectern.jetty.ConnectUrls;
import dev.lectern.jetty.JettyTransport;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The checks of {@code lectern doctor}, in the order a connection is made: the URL, DNS, TCP, TLS, the
 * WebSocket upgrade (and which flavor of the service answers), the sign-in, the HTTP session API, the
 * session, a listener's join, the heartbeat round trip and the first audio. Each gives a {@link Check}:
 * passed, failed or skipped, with the figure it measured and, when it failed, the fix. A check whose
 * ground failed is skipped. Nothing here prints a token: the sign-in is described by its claims.
 */
final class Doctor {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP = Duration.ofSeconds(5);

    /** One check's outcome. */
    record Check(String name, Status status, String figure, String fix) {
        enum Status { PASS, FAIL, SKIP }

        static Check pass(String name, String figure) {
            return new Check(name, Status.PASS, figure, null);
        }

        static Check fail(String name, String figure, String fix) {
            return new Check(name, Status.FAIL, figure, fix);
        }

        static Check skip(String name, String why) {
            return new Check(name, Status.SKIP, why, null);
        }
    }

    /** What to check. Null fields are not given; {@code token} is asked for only when the sign-in check runs. */
    record Target(URI endpoint, URI sessionApi, Supplier<CompletionStage<IdToken>> token, String session, String language,
                  Path trustStore, String trustStorePassword, Duration audioWait) {}

    private final Target target;
    private final List<Check> checks = new ArrayList<>();
    private SSLContext tls;
    private HttpClient http;
    private String flavor = "unknown";
    private String token;

    Doctor(Target target) {
        this.target = target;
    }

    /** Runs every check, in order; {@code each} sees each one as it is made. */
    List<Check> run(java.util.function.Consumer<Check> each) {
        Check url = record(url(), each);
        if (url.status() == Check.Status.FAIL) {
            for (String name : new String[] {"dns", "tcp", "tls", "websocket"}) {
                record(Check.skip(name, "not run: the URL is not usable"), each);
            }
        } else {
            Check dns = record(dns(), each);
            Check tcp = dns.status() == Check.Status.PASS ? record(tcp(), each) : record(Check.skip("tcp", "not run: no address"), each);
            Check tls = tcp.status() == Check.Status.PASS ? record(tls(), each) : record(Check.skip("tls", "not run: no TCP connection"), each);
            if (tls.status() == Check.Status.FAIL || tcp.status() != Check.Status.PASS) {
                record(Check.skip("websocket", "not run: no " + (tls.status() == Check.Status.FAIL ? "trusted TLS" : "TCP connection")), each);
            } else {
                record(websocket(), each);
            }
        }
        Check signIn = record(signIn(), each);
        record(sessionApi(signIn), each);
        record(session(), each);
        boolean connected = checks.stream().anyMatch(c -> c.name().equals("websocket") && c.status() == Check.Status.PASS);
        if (connected && target.session() != null) {
            join(each);
        } else {
            String why = target.session() == null ? "no --session given" : "not run: no WebSocket connection";
            for (String name : new String[] {"join", "heartbeat", "audio"}) {
                record(Check.skip(name, why), each);
            }
        }
        return List.copyOf(checks);
    }

    private Check record(Check check, java.util.function.Consumer<Check> each) {
        checks.add(check);
        each.accept(check);
        return check;
    }

    // ---------------------------------------------------------------------- the way there

    private Check url() {
        URI e = target.endpoint();
        String scheme = e.getScheme() == null ? "" : e.getScheme().toLowerCase(Locale.ROOT);
        String shape = "wss://{apiId}.execute-api.{region}.amazonaws.com/{stage}";
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            return Check.fail("url", "scheme " + (scheme.isEmpty() ? "missing" : "'" + scheme + "'") + " is not ws or wss: "
                    + ConnectUrls.redact(e.toString()), "give the WebSocket URL, " + shape);
        }
        if (e.getHost() == null) {
            return Check.fail("url", "no host in " + ConnectUrls.redact(e.toString()), "give the WebSocket URL, " + shape);
        }
        if (e.getRawQuery() != null) {
            return Check.fail("url", "the URL carries a query; Lectern adds its own", "drop everything from '?' on");
        }
        String path = e.getRawPath() == null || e.getRawPath().isEmpty() ? "/" : e.getRawPath();
        return Check.pass("url", scheme + "://" + e.getHost() + ":" + port(e) + path);
    }

    private Check dns() {
        long start = System.nanoTime();
        try {
            InetAddress[] addresses = InetAddress.getAllByName(target.endpoint().getHost());
            return Check.pass("dns", target.endpoint().getHost() + " is " + addresses[0].getHostAddress()
                    + (addresses.length > 1 ? " (+" + (addresses.length - 1) + ")" : "") + " in " + millis(start) + " ms");
        } catch (UnknownHostException e) {
            return Check.fail("dns", "no address for " + target.endpoint().getHost(),
                    "check the host name: the API id and the region in it");
        }
    }

    private Check tcp() {
        URI e = target.endpoint();
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(e.getHost(), port(e)), (int) STEP.toMillis());
            return Check.pass("tcp", "connected to " + e.getHost() + ":" + port(e) + " in " + millis(start) + " ms");
        } catch (ConnectException refused) {
            return Check.fail("tcp", "nothing is listening on " + e.getHost() + ":" + port(e) + " (connection refused)",
                    "start the service (lectern gateway for a local one) or correct the port");
        } catch (SocketTimeoutException slow) {
            return Check.fail("tcp", "no answer from " + e.getHost() + ":" + port(e) + " within " + STEP.toSeconds() + " s",
                    "a firewall or proxy may drop the connection; check the network path");
        } catch (Exception other) {
            return Check.fail("tcp", "could not connect to " + e.getHost() + ":" + port(e) + ": " + other.getMessage(),
                    "check the network path to the host");
        }
    }

    private Check tls() {
        URI e = target.endpoint();
        try {
            tls = sslContext();
        } catch (Exception bad) {
            return Check.fail("tls", "the trust store " + target.trustStore() + " cannot be read: " + bad.getMessage(),
                    "check the path and $LECTERN_TRUST_STORE_PASSWORD");
        }
        if (!"wss".equalsIgnoreCase(e.getScheme())) {
            return Check.skip("tls", "ws:// has no TLS (fine for a local gateway; the service is wss://)");
        }
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(e.getHost(), port(e)), (int) STEP.toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (!Character.isDigit(e.getHost().charAt(0))) {
                parameters.setServerNames(List.of(new SNIHostName(e.getHost())));
            }
            socket.setSSLParameters(parameters);
            socket.setSoTimeout((int) STEP.toMillis());
            socket.startHandshake();
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            long days = Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).toDays();
            return Check.pass("tls", socket.getSession().getProtocol() + ", certificate " + leaf.getSubjectX500Principal().getName()
                    + " trusted, expires in " + days + " days");
        } catch (SSLException untrusted) {
            return Check.fail("tls", "the certificate is not trusted: " + rootMessage(untrusted),
                    target.trustStore() == null ? "pass --trust-store with the certificate or the CA that signed it"
                            : "the trust store " + target.trustStore() + " lacks the certificate or the CA that signed it");
        } catch (Exception other) {
            return Check.fail("tls", "TLS failed: " + rootMessage(other), "check that the port serves TLS (wss://)");
        }
    }

    private Check websocket() {
        long start = System.nanoTime();
        try {
            WebSocket socket = http().newWebSocketBuilder().connectTimeout(STEP)
                    .buildAsync(target.endpoint(), new WebSocket.Listener() {}).get(STEP.toMillis() * 2, TimeUnit.MILLISECONDS);
            socket.abort();
            return Check.pass("websocket", "a bare connect was upgraded in " + millis(start) + " ms");
        } catch (Exception e) {
            WebSocketHandshakeException refused = cause(e, WebSocketHandshakeException.class);
            if (refused == null) {
                return Check.fail("websocket", "the upgrade failed: " + rootMessage(e), "check the URL's path (the stage, e.g. /prod)");
            }
            int status = refused.getResponse().statusCode();
            String code = refused.getResponse().headers().firstValue(JettyTransport.ERROR_CODE_HEADER).orElse(null);
            if ("MISSING_SESSION_ID".equals(code)) {
                flavor = "deployed";
                return Check.pass("websocket", "the deployed service answers (a bare connect refused " + status + " MISSING_SESSION_ID): "
                        + "sessions are created over its HTTP API (--session-api)");
            }
            if ("INVALID_ACTION".equals(code)) {
                flavor = "seed";
                return Check.pass("websocket", "the seed's protocol answers (a bare connect refused " + status + " INVALID_ACTION)");
            }
            if (status == 400 || status == 401 || status == 403) {
                return Check.pass("websocket", "a WebSocket service answers (a bare connect refused " + status
                        + "); which flavor shows at the join");
            }
            return Check.fail("websocket", "HTTP " + status + " to the upgrade: no WebSocket API at this path",
                    "check the URL's path (the stage, e.g. /prod)");
        }
    }

    // ---------------------------------------------------------------------- who

    private Check signIn() {
        if (target.token() == null) {
            return Check.skip("sign-in", "no credentials given (--username and --client-id, or $LECTERN_TOKEN)");
        }
        try {
            token = target.token().get().toCompletableFuture().get(30, TimeUnit.SECONDS).value();
        } catch (Exception e) {
            return Check.fail("sign-in", "could not sign in: " + ConnectUrls.redact(rootMessage(e)),
                    "check the user name, the password, the app client id and that USER_PASSWORD_AUTH is enabled on it");
        }
        JsonNode claims = claims(token);
        if (claims == null) {
            return Check.pass("sign-in", "a token that is not a JWT (a local gateway with --auth none takes any name)");
        }
        String use = claims.path("token_use").asText("");
        long exp = claims.path("exp").asLong(0);
        long left = exp - Instant.now().getEpochSecond();
        String described = "issuer " + claims.path("iss").asText("-") + ", audience " + audience(claims) + ", "
                + (left >= 0 ? (left / 60) + " min left" : "expired " + (-left / 60) + " min ago");
        if (exp > 0 && left < 0) {
            return Check.fail("sign-in", described, "sign in again: the token has expired");
        }
        if (!use.isEmpty() && !"id".equals(use)) {
            return Check.fail("sign-in", described + ", token_use " + use, "the service takes the ID token, not the " + use + " token");
        }
        return Check.pass("sign-in", described);
    }

    private Check sessionApi(Check signIn) {
        if (target.sessionApi() == null) {
            return Check.skip("session-api", "no --session-api given" + ("deployed".equals(flavor)
                    ? " (the deployed service creates sessions over it: speak needs it)" : ""));
        }
        try {
            HttpResponse<String> health = get("/health", null);
            if (health.statusCode() != 200) {
                return Check.fail("session-api", "GET /health answered " + health.statusCode(), "the service reports itself unhealthy");
            }
            if (token == null) {
                return Check.pass("session-api", "healthy (GET /health 200); no token to try");
            }
            // an id no session has, on a route behind the authorizer (GET is public there): 404 means the
            // authorizer took the token, 401 that it did not; the empty PATCH changes nothing
            HttpResponse<String> probe = call("PATCH", "/sessions/doctor-check-000", token, "{}");
            if (probe.statusCode() == 401 || probe.statusCode() == 403) {
                JsonNode claims = claims(token);
                return Check.fail("session-api", "the session API refused the token (" + probe.statusCode() + ")"
                                + (claims == null ? "" : "; its audience is " + audience(claims) + " and its issuer " + claims.path("iss").asText("-")),
                        "sign in with the app client (--client-id) of the user pool the API's authorizer names");
            }
            return Check.pass("session-api", "healthy (GET /health 200) and the token is accepted");
        } catch (Exception e) {
            return Check.fail("session-api", "no answer from " + target.sessionApi() + ": " + rootMessage(e),
                    "check --session-api: https://{httpApiId}.execute-api.{region}.amazonaws.com");
        }
    }

    private Check session() {
        if (target.session() == null) {
            return Check.skip("session", "no --session given");
        }
        if (!dev.lectern.domain.SessionId.PATTERN.matcher(target.session()).matches()) {
            return Check.fail("session", "'" + target.session() + "' is not a session id", "session ids look like golden-eagle-427");
        }
        if (target.sessionApi() == null || token == null) {
            return Check.skip("session", "checked by the join (no session API and token to ask)");
        }
        try {
            HttpResponse<String> answer = get("/sessions/" + target.session(), token);
            if (answer.statusCode() == 404) {
                return Check.fail("session", "no session " + target.session() + " (404)", "check the id the speaker printed");
            }
            if (answer.statusCode() != 200) {
                return Check.fail("session", "GET /sessions/" + target.session() + " answered " + answer.statusCode(),
                        "see the session-api check");
            }
            JsonNode s = JSON.readTree(answer.body());
            String status = s.path("status").asText("?");
            String figure = target.session() + " is " + status + ", source " + s.path("sourceLanguage").asText("?");
            return "active".equals(status) ? Check.pass("session", figure)
                    : Check.fail("session", figure, "listeners can join an active session only: the speaker starts a new one");
        } catch (Exception e) {
            return Check.fail("session", "could not read the session: " + rootMessage(e), "see the session-api check");
        }
    }

    // ---------------------------------------------------------------------- a listener's connection

    /** Joins as a listener, sends a heartbeat at once, and waits for the confirmation, the acknowledgement and audio. */
    private void join(java.util.function.Consumer<Check> each) {
        URI url = URI.create(target.endpoint() + "?action=joinSession&sessionId=" + ConnectUrls.encode(target.session())
                + "&targetLanguage=" + ConnectUrls.encode(target.language()));
        LinkedBlockingQueue<Object[]> frames = new LinkedBlockingQueue<>(); // {nanoTime, text or "<binary>"}
        long start = System.nanoTime();
        WebSocket socket;
        try {
            socket = http().newWebSocketBuilder().connectTimeout(STEP).buildAsync(url, new Frames(frames))
                    .get(STEP.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            WebSocketHandshakeException refused = cause(e, WebSocketHandshakeException.class);
            if (refused == null) {
                record(Check.fail("join", "the join failed: " + rootMessage(e), "see the websocket check"), each);
            } else {
                int status = refused.getResponse().statusCode();
                String code = refused.getResponse().headers().firstValue(JettyTransport.ERROR_CODE_HEADER).orElse(null);
                record(Check.fail("join", "refused " + status + (code == null ? "" : " " + code) + " for " + target.session()
                        + " in " + target.language(), joinFix(status, code)), each);
            }
            record(Check.skip("heartbeat", "not run: not joined"), each);
            record(Check.skip("audio", "not run: not joined"), each);
            return;
        }
        long opened = System.nanoTime();
        socket.sendText("{\"action\":\"heartbeat\",\"timestamp\":" + System.currentTimeMillis() + "}", true);
        String confirmedBy = null;
        long ackAt = -1;
        long audioAt = -1;
        String audioKind = null;
        String ended = null;
        long deadline = opened + target.audioWait().plus(STEP).toNanos();
        try {
            while (System.nanoTime() < deadline && (ackAt < 0 || audioAt < 0) && ended == null) {
                long left = Math.min(deadline, ackAt < 0 ? opened + STEP.toNanos() : opened + target.audioWait().toNanos()) - System.nanoTime();
                Object[] frame = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
                if (frame == null) {
                    break;
                }
                String text = (String) frame[1];
                String type = "<binary>".equals(text) ? "binary" : typeOf(text);
                if (confirmedBy == null && ("sessionJoined".equals(type) || "heartbeatAck".equals(type))) {
                    confirmedBy = type;
                }
                if ("heartbeatAck".equals(type) && ackAt < 0) {
                    ackAt = (long) frame[0];
                } else if ("sessionEnded".equals(type)) {
                    ended = text;
                } else if (audioAt < 0 && ("audioData".equals(type) || "audio".equals(type) || "translatedAudio".equals(type)
                        || "binary".equals(type))) {
                    audioAt = (long) frame[0];
                    audioKind = type;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            socket.abort();
        }
        if (confirmedBy == null) {
            record(Check.fail("join", "upgraded in " + (opened - start) / 1_000_000 + " ms but nothing confirmed it within "
                    + STEP.toSeconds() + " s (no sessionJoined, no heartbeatAck)", "the service's heartbeat route does not answer"), each);
        } else {
            if ("heartbeatAck".equals(confirmedBy) && !"seed".equals(flavor)) {
                flavor = "deployed";
            } else if ("sessionJoined".equals(confirmedBy)) {
                flavor = "seed";
            }
            record(Check.pass("join", "joined " + target.session() + " in " + target.language() + " in " + (opened - start) / 1_000_000
                    + " ms, confirmed by " + ("sessionJoined".equals(confirmedBy) ? "sessionJoined (the seed's protocol)"
                    : "the heartbeat's answer (no first frame: the deployed service)")), each);
        }
        record(ackAt >= 0 ? Check.pass("heartbeat", "heartbeatAck in " + (ackAt - opened) / 1_000_000 + " ms")
                : Check.fail("heartbeat", "no heartbeatAck within " + STEP.toSeconds() + " s",
                        "the service's heartbeat route does not answer: connections will be dropped as dead"), each);
        if (ended != null) {
            record(Check.fail("audio", "the session ended while joined", "the speaker starts a new session"), each);
        } else if (audioAt >= 0) {
            record(Check.pass("audio", "first audio (" + audioKind + ") " + (audioAt - opened) / 1_000_000 + " ms after joining"), each);
        } else {
            record(Check.skip("audio", "no audio within " + target.audioWait().toSeconds() + " s: the session is not streaming now"), each);
        }
    }

    private static String joinFix(int status, String code) {
        String c = code == null ? "" : code;
        if (c.equals("UNSUPPORTED_LANGUAGE") || c.equals("INVALID_TARGET_LANGUAGE") || c.equals("INVALID_PARAMETERS")) {
            return "the session cannot be heard in that language: pick another --language";
        }
        if (c.equals("SESSION_NOT_FOUND") || status == 404) {
            return "no such session: check the id the speaker printed";
        }
        if (c.equals("SESSION_INACTIVE") || status == 403) {
            return "the session is not active (paused or ended)";
        }
        if (status == 429) {
            return "too many connects from this address: wait a minute";
        }
        if (status >= 500) {
            return "the service failed; try again later";
        }
        return "the service refused the join; check --session and --language";
    }

    /** The flavor of the service as far as the checks told: seed, deployed or unknown. */
    String flavor() {
        return flavor;
    }

    // ---------------------------------------------------------------------- helpers

    private static final class Frames implements WebSocket.Listener {
        private final LinkedBlockingQueue<Object[]> frames;
        private final StringBuilder partial = new StringBuilder();

        Frames(LinkedBlockingQueue<Object[]> frames) {
            this.frames = frames;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(new Object[] {System.nanoTime(), partial.toString()});
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (last) {
                frames.add(new Object[] {System.nanoTime(), "<binary>"});
            }
            webSocket.request(1);
            return null;
        }
    }

    private HttpClient http() throws Exception {
        if (http == null) {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(STEP);
            b.sslContext(tls != null ? tls : sslContext());
            http = b.build();
        }
        return http;
    }

    private HttpResponse<String> get(String path, String bearer) throws Exception {
        return call("GET", path, bearer, null);
    }

    private HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
        String base = target.sessionApi().toString();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path))
                .timeout(STEP).method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private SSLContext sslContext() throws Exception {
        if (target.trustStore() == null) {
            return SSLContext.getDefault();
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(target.trustStore())) {
            char[] password = target.trustStorePassword() == null ? null : target.trustStorePassword().toCharArray();
            store.load(in, password);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return node != null && node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String audience(JsonNode claims) {
        JsonNode aud = claims.has("aud") ? claims.get("aud") : claims.get("client_id");
        return aud == null ? "-" : aud.isArray() && aud.size() > 0 ? aud.get(0).asText() : aud.asText();
    }

    private static String typeOf(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node.hasNonNull("type") ? node.get("type").asText() : "(no type)";
        } catch (Exception e) {
            return "(not JSON)";
        }
    }

    private static int port(URI e) {
        return e.getPort() > 0 ? e.getPort() : "wss".equalsIgnoreCase(e.getScheme()) ? 443 : 80;
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}

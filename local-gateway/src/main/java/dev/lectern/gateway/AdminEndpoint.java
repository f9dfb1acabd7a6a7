package dev.lectern.gateway;

import dev.lectern.domain.Role;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The fault-injection admin endpoint: plain HTTP on 127.0.0.1 only, one POST per fault, answering
 * {@code {"affected":N}}. Filters: {@code role=speaker|listener} (default all connections). Every request
 * carries the gateway's admin token ({@code Authorization: Bearer <token>}, printed when the gateway
 * starts), else 401; one with an {@code Origin} header (a web page's) is refused 403; numbers are bounded.
 *
 * <pre>
 * POST /faults/drop            POST /faults/half-open       POST /faults/delay?millis=500
 * POST /faults/malformed       POST /faults/unknown         POST /faults/oversized?bytes=40000
 * POST /faults/duplicate?probability=0.1                    POST /faults/reorder?probability=0.1
 * POST /faults/refuse?count=3&amp;status=429&amp;retryAfter=2   POST /faults/restart
 * </pre>
 */
final class AdminEndpoint {
    private AdminEndpoint() {}

    /** The largest oversized frame the endpoint sends: enough to pass any client's limit, not enough to exhaust memory. */
    static final long MAX_OVERSIZED_BYTES = 1024 * 1024;

    static Server start(int port, GatewayFaults faults, String token) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1"); // never reachable from another machine
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
                int status = 200;
                String body;
                String authorization = request.getHeaders().get("Authorization");
                if (request.getHeaders().get("Origin") != null) {
                    status = 403;
                    body = "{\"error\":\"requests from web pages are refused\"}";
                } else if (authorization == null || !java.security.MessageDigest.isEqual(("Bearer " + token).getBytes(StandardCharsets.UTF_8),
                        authorization.getBytes(StandardCharsets.UTF_8))) {
                    status = 401;
                    body = "{\"error\":\"Authorization: Bearer <the admin token the gateway printed at start>\"}";
                } else if (!"POST".equals(request.getMethod()) || !path.startsWith("/faults/")) {
                    status = 404;
                    body = "{\"error\":\"POST /faults/{drop|half-open|delay|malformed|unknown|oversized|duplicate|reorder|refuse|restart}\"}";
                } else {
                    try {
                        body = "{\"affected\":" + apply(faults, path.substring("/faults/".length()), query) + "}";
                    } catch (IllegalArgumentException e) {
                        status = 400;
                        body = "{\"error\":\"" + e.getMessage().replace("\"", "'") + "\"}";
                    }
                }
                response.setStatus(status);
                response.getHeaders().put("Content-Type", "application/json");
                response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        return server;
    }

    private static int apply(GatewayFaults faults, String fault, Fields query) {
        Predicate<GatewayFaults.ConnectionInfo> filter = query.getValue("role") == null ? GatewayFaults.ALL
                : GatewayFaults.role(Role.of(query.getValue("role")));
        return switch (fault) {
            case "drop" -> faults.drop(filter);
            case "half-open" -> faults.halfOpen(filter);
            case "delay" -> faults.delay(filter, Duration.ofMillis(bounded(query, "millis", 500, 0, 60_000)));
            case "malformed" -> faults.sendMalformed(filter);
            case "unknown" -> faults.sendUnknown(filter);
            case "oversized" -> faults.sendOversized(filter, (int) bounded(query, "bytes", 40_000, 1, MAX_OVERSIZED_BYTES));
            case "duplicate" -> {
                faults.duplicateAudio(probability(query));
                yield 0;
            }
            case "reorder" -> {
                faults.reorderAudio(probability(query));
                yield 0;
            }
            case "refuse" -> {
                int count = (int) bounded(query, "count", 1, 1, 10_000);
                faults.refuseNext(count, (int) number(query, "status", 503), Duration.ofSeconds(bounded(query, "retryAfter", 1, 0, 3600)));
                yield count;
            }
            case "restart" -> {
                faults.restart();
                yield 0;
            }
            default -> throw new IllegalArgumentException("unknown fault " + fault);
        };
    }

    private static long number(Fields query, String name, long fallback) {
        String v = query.getValue(name);
        try {
            return v == null ? fallback : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was: " + v);
        }
    }

    private static long bounded(Fields query, String name, long fallback, long min, long max) {
        long v = number(query, name, fallback);
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was: " + v);
        }
        return v;
    }

    private static double probability(Fields query) {
        String v = query.getValue("probability");
        try {
            double p = v == null ? 0.1 : Double.parseDouble(v);
            if (p < 0 || p > 1) {
                throw new IllegalArgumentException("probability must be between 0 and 1, was: " + v);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("probability must be a number, was: " + v);
        }
    }
}

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
 * {@code {"affected":N}}. Filters: {@code role=speaker|listener} (default all connections).
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

    static Server start(int port, GatewayFaults faults) throws Exception {
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
                if (!"POST".equals(request.getMethod()) || !path.startsWith("/faults/")) {
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
            case "delay" -> faults.delay(filter, Duration.ofMillis(number(query, "millis", 500)));
            case "malformed" -> faults.sendMalformed(filter);
            case "unknown" -> faults.sendUnknown(filter);
            case "oversized" -> faults.sendOversized(filter, (int) number(query, "bytes", 40_000));
            case "duplicate" -> {
                faults.duplicateAudio(probability(query));
                yield 0;
            }
            case "reorder" -> {
                faults.reorderAudio(probability(query));
                yield 0;
            }
            case "refuse" -> {
                int count = (int) number(query, "count", 1);
                faults.refuseNext(count, (int) number(query, "status", 503), Duration.ofSeconds(number(query, "retryAfter", 1)));
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

package dev.lectern.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.QualityTier;
import dev.lectern.domain.SessionId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The deployed service's HTTP session API (protocol section 11.1), as the gateway's {@code --flavor
 * deployed} serves it: {@code POST /sessions}, {@code GET|PATCH|DELETE /sessions/{id}} behind a JWT check
 * ({@code Authorization: Bearer}; refused 401 {@code {"message":"Unauthorized"}} as API Gateway does), and
 * {@code GET /health}. Error bodies are {@code {"error":"<sentence>","timestamp":<ms>}}. Any other request
 * is answered 426: connect with WebSocket.
 */
final class SessionHttpApi extends Handler.Abstract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> STATUSES = Set.of("active", "paused", "ended");
    private static final long DAY_SECONDS = 24 * 3600;

    private final GatewayCore core;
    private final TokenVerifier verifier;

    SessionHttpApi(GatewayCore core, TokenVerifier verifier) {
        this.core = core;
        this.verifier = verifier;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        if ("/health".equals(path)) {
            return answer(response, callback, 200, "{\"status\":\"healthy\"}");
        }
        if (path.startsWith("/segments/") && core.store != null && "GET".equals(method)) {
            java.util.Map<String, String> query = new java.util.HashMap<>();
            for (org.eclipse.jetty.util.Fields.Field f : Request.extractQueryParameters(request, StandardCharsets.UTF_8)) {
                query.put(f.getName(), f.getValue());
            }
            SegmentStore.Answer a = core.store.get(path.substring("/segments/".length()), query);
            response.setStatus(a.status());
            response.getHeaders().put("Content-Type", a.contentType());
            response.write(true, ByteBuffer.wrap(a.body()), callback);
            return true;
        }
        if (!path.equals("/sessions") && !path.startsWith("/sessions/")) {
            return answer(response, callback, 426, "{\"error\":\"Upgrade required: connect with WebSocket\",\"timestamp\":" + core.now() + "}");
        }
        String user = user(request.getHeaders().get("Authorization"));
        boolean publicRead = "GET".equals(method) && path.startsWith("/sessions/"); // no authorizer on that route
        if (user == null && !publicRead) {
            return answer(response, callback, 401, "{\"message\":\"Unauthorized\"}");
        }
        try {
            if (path.equals("/sessions")) {
                if (!"POST".equals(method)) {
                    return error(response, callback, 405, "Method not allowed");
                }
                return create(request, response, callback, user);
            }
            String raw = path.substring("/sessions/".length());
            if (!SessionId.PATTERN.matcher(raw).matches()) {
                return error(response, callback, 400, "Invalid session ID format");
            }
            GatewaySession session = core.session(SessionId.of(raw));
            if (session == null) {
                return error(response, callback, 404, "Session not found");
            }
            switch (method) {
                case "GET":
                    return answer(response, callback, 200, body(session, true));
                case "DELETE":
                    if (!user.equals(session.owner)) {
                        return error(response, callback, 403, "Not authorized to delete this session");
                    }
                    core.deleteOverHttp(session);
                    response.setStatus(204);
                    callback.succeeded();
                    return true;
                case "PATCH":
                    if (!user.equals(session.owner)) {
                        return error(response, callback, 403, "Not authorized to update this session");
                    }
                    return patch(request, response, callback, session);
                default:
                    return error(response, callback, 405, "Method not allowed");
            }
        } catch (RuntimeException e) {
            return error(response, callback, 500, "Internal server error");
        }
    }

    private boolean create(Request request, Response response, Callback callback, String user) {
        JsonNode body = read(request);
        if (body == null) {
            return error(response, callback, 400, "Invalid JSON in request body");
        }
        String source = body.path("sourceLanguage").asText(null);
        if (source == null || !Admission.DEPLOYED_LANGUAGES.contains(source)) {
            return error(response, callback, 400, "Invalid sourceLanguage: " + source);
        }
        String tier = body.path("qualityTier").asText("standard");
        QualityTier qualityTier;
        try {
            qualityTier = QualityTier.of(tier);
        } catch (IllegalArgumentException e) {
            return error(response, callback, 400, "Invalid qualityTier: " + tier + " (standard or premium)");
        }
        try {
            GatewaySession session = core.createOverHttp(user, LanguageCode.of(source), qualityTier);
            return answer(response, callback, 201, body(session, false));
        } catch (Refusal refusal) {
            return error(response, callback, refusal.status, refusal.getMessage());
        }
    }

    private boolean patch(Request request, Response response, Callback callback, GatewaySession session) {
        JsonNode body = read(request);
        String status = body == null ? null : body.path("status").asText(null);
        if (status == null || !STATUSES.contains(status.toLowerCase(Locale.ROOT))) {
            return error(response, callback, 400, "No valid fields to update (status: active, paused or ended)");
        }
        core.updateStatus(session, status.toLowerCase(Locale.ROOT));
        return answer(response, callback, 200, body(session, true));
    }

    private String user(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        try {
            return verifier.verify(authorization.substring(7).trim());
        } catch (TokenVerifier.InvalidTokenException e) {
            return null;
        }
    }

    private static JsonNode read(Request request) {
        try {
            String text = Content.Source.asString(request, StandardCharsets.UTF_8);
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The session as JSON. {@code stored}: as GET and PATCH return it, the stored item as it is: numbers that
     * the store keeps as strings come as strings, and {@code isActive} is there (false after a speaker
     * connection's close, while {@code status} stays what it was).
     */
    private String body(GatewaySession session, boolean stored) {
        ObjectNode o = JSON.createObjectNode();
        synchronized (session) {
            o.put("sessionId", session.id.value());
            o.put("speakerId", session.owner);
            o.put("sourceLanguage", session.source.value());
            o.put("qualityTier", session.tier.wireName());
            o.put("status", session.status);
            long expiresAt = session.createdAt / 1000 + DAY_SECONDS;
            if (stored) {
                o.put("isActive", session.active);
                o.put("listenerCount", "0"); // not kept on join there (section 11.3), and a string in the item
                o.put("expiresAt", Long.toString(expiresAt));
            } else {
                o.put("listenerCount", 0);
                o.put("expiresAt", expiresAt);
            }
            o.put("createdAt", session.createdAt);
            o.put("updatedAt", session.updatedAt);
            o.put("kvsChannelArn", "arn:aws:kinesisvideo:local:000000000000:channel/" + session.id.value() + "/0");
            o.put("kvsChannelName", "session-" + session.id.value());
            o.putObject("kvsSignalingEndpoints");
        }
        return o.toString();
    }

    private boolean error(Response response, Callback callback, int status, String sentence) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", sentence);
        o.put("timestamp", core.now());
        return answer(response, callback, status, o.toString());
    }

    private static boolean answer(Response response, Callback callback, int status, String json) {
        response.setStatus(status);
        response.getHeaders().put("Content-Type", "application/json");
        response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}

package dev.lectern.jetty;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.session.CreateParams;
import dev.lectern.port.SessionResource;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The JSON of the HTTP session API (protocol section 11.1): request bodies written, session and error
 * bodies read. Unknown fields are ignored; {@code expiresAt} in seconds (as the service sends it) or
 * milliseconds is read as milliseconds.
 */
final class SessionJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper READER = new ObjectMapper(FACTORY);
    /** Below this an epoch value is seconds (protocol section 3.1: values under 10^11 are seconds). */
    private static final long SECONDS_LIMIT = 100_000_000_000L;

    private SessionJson() {}

    /** {@code {"sourceLanguage":"en","qualityTier":"standard"}}. */
    static String createBody(CreateParams params) {
        return write(g -> {
            g.writeStringField("sourceLanguage", params.sourceLanguage().value());
            g.writeStringField("qualityTier", params.qualityTier().wireName());
        });
    }

    /** {@code {"status":"paused"}}. */
    static String statusBody(String status) {
        return write(g -> g.writeStringField("status", status));
    }

    /**
     * A session body.
     *
     * @throws IllegalArgumentException if it is not JSON or has no valid {@code sessionId}
     */
    static SessionResource session(String body) {
        JsonNode o = tree(body);
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("the session API answered with something that is not a JSON object");
        }
        String id = text(o, "sessionId");
        if (id == null) {
            throw new IllegalArgumentException("the session API answered without a sessionId");
        }
        SessionId sessionId = SessionId.of(id);
        String source = text(o, "sourceLanguage");
        LanguageCode language = null;
        if (source != null) {
            try {
                language = LanguageCode.of(source);
            } catch (IllegalArgumentException e) {
                language = null; // not one Lectern knows: left out
            }
        }
        Long count = number(o.path("listenerCount"));
        Integer listeners = count == null || count < 0 || count > Integer.MAX_VALUE ? null : count.intValue();
        return new SessionResource(sessionId, text(o, "speakerId"), language, text(o, "qualityTier"), text(o, "status"),
                listeners, millis(o.path("createdAt")), millis(o.path("expiresAt")));
    }

    /** The sentence of an error body ({@code {"error":"...","timestamp":...}}, or API Gateway's {@code {"message":"..."}}), or null. */
    static String errorSentence(String body) {
        JsonNode o = tree(body);
        if (o == null || !o.isObject()) {
            return null;
        }
        String error = text(o, "error");
        return error != null ? error : text(o, "message");
    }

    private static JsonNode tree(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return READER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static Long millis(JsonNode v) {
        Long value = number(v);
        if (value == null) {
            return null;
        }
        return value < SECONDS_LIMIT ? value * 1000 : value;
    }

    /**
     * A whole number as the deployed service's GET and PATCH give it (protocol section 11.1): a JSON number, or a
     * string of digits (the store's item as it is, {@code "listenerCount":"0"}); anything else is unknown.
     */
    static Long number(JsonNode v) {
        if (v == null) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return (long) v.doubleValue();
        }
        if (v.isTextual()) {
            String t = v.textValue().trim();
            try {
                return t.contains(".") ? (long) Double.parseDouble(t) : Long.parseLong(t);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Fields fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}

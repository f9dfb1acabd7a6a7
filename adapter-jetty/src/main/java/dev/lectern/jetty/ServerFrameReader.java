package dev.lectern.jetty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.BroadcastState;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.message.ServerMessage.BroadcastChanged.Kind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the server's frames (protocol section 3): every alias of section 3.3 and every error shape of
 * section 3.5. Unknown fields are ignored, unknown types become {@link ServerMessage.Unknown}, and a frame
 * that makes no sense throws {@link MalformedFrameException}, which the transport counts and skips.
 * Thread-safe.
 */
public final class ServerFrameReader {
    /** Session ids seen lately, so the id on every audio frame is checked once, not once per frame. */
    private static final Map<String, SessionId> SESSION_IDS = new java.util.concurrent.ConcurrentHashMap<>();
    /** Language codes seen lately, for the same reason. */
    private static final Map<String, LanguageCode> LANGUAGES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int REMEMBERED = 4_096;

    private ServerFrameReader() {}

    /** Jackson's object mapper for the frames read as a tree, built on first use: a listener may never need it. */
    private static final class Tree {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    /**
     * Decodes a server frame from its UTF-8 bytes (as the transport receives it, without making a String).
     * Audio frames (nearly all of the traffic), heartbeat acknowledgements and the session's end are read by
     * {@link FlatFrameReader} in one pass, which decodes the base64 PCM straight into bytes; any other frame, or
     * one of these in a shape that reader is not sure of, is read as a tree, as {@link #read(String)} does.
     */
    public static ServerMessage read(byte[] utf8, int offset, int length) throws MalformedFrameException {
        ServerMessage flat = flatFrame(utf8, offset, length);
        if (flat != null) {
            return flat;
        }
        JsonNode o;
        try {
            o = Tree.JSON.readTree(Tree.JSON.getFactory().createParser(utf8, offset, length));
        } catch (java.io.IOException e) {
            throw new MalformedFrameException("not JSON: frame is not JSON (" + (e instanceof JsonProcessingException j
                    ? j.getOriginalMessage() : e.getMessage()) + ")");
        }
        if (o == null || !o.isObject()) {
            throw new MalformedFrameException("not JSON: frame is not a JSON object");
        }
        return read(o);
    }

    /**
     * The frame in {@code utf8} if {@link FlatFrameReader} reads it in one pass (audio, the heartbeat
     * acknowledgement, the session's end, the join's answer), built as the tree reading builds it; null for
     * the tree to decide. (Package-private for the tests, which check that the gateway's frames take this way.)
     */
    static ServerMessage flatFrame(byte[] utf8, int offset, int length) throws MalformedFrameException {
        FlatFrameReader.Fields f = FlatFrameReader.read(utf8, offset, length);
        if (f == null) {
            return null;
        }
        return switch (f.kind()) {
            case HEARTBEAT_ACK -> new ServerMessage.HeartbeatAck(f.timestamp(), f.serverTime());
            case SESSION_ENDED -> new ServerMessage.SessionEnded(sessionId(f.sessionId()),
                    f.message() != null ? f.message() : f.reason(), f.timestamp());
            case AUDIO_DATA, AUDIO -> flatAudio(f);
            case SESSION_JOINED -> flatJoined(f);
        };
    }

    /** The join's answer, or null (for the tree, which words the fault) when a field does not parse. */
    private static ServerMessage flatJoined(FlatFrameReader.Fields f) {
        if (f.sessionId() == null) {
            return null;
        }
        try {
            return new ServerMessage.SessionJoined(SessionId.of(f.sessionId()), language(f.targetLanguage()),
                    language(f.sourceLanguage()), f.connectionId(),
                    toInt(f.listenerCount()), f.qualityTier(), f.timestamp());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ServerMessage flatAudio(FlatFrameReader.Fields f) throws MalformedFrameException {
        try {
            // in the tree reading's order, so that a frame with two faults is reported the same way
            SessionId session = sessionId(f.sessionId());
            LanguageCode target = language(f.targetLanguage());
            byte[] pcm = f.audio();
            if (pcm == null) {
                throw new MalformedFrameException("INVALID_PARAMETER: audio is not base64");
            }
            if (pcm.length == 0 || pcm.length % 2 != 0) {
                throw new MalformedFrameException("INVALID_PARAMETER: audio of " + pcm.length + " bytes is not whole 16-bit samples");
            }
            return new ServerMessage.AudioData(session, target, AudioChunk.ofOwned(pcm),
                    f.sequenceNumber() == null ? null : SequenceNumber.of(f.sequenceNumber()), f.timestamp());
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException(f.kind().wireName() + " frame with a bad field: " + e.getMessage());
        }
    }

    /** Optional in audio frames: an id that does not parse is left out (the state machine knows its session). */
    private static SessionId sessionId(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return remembered(SESSION_IDS, raw, SessionId::of);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A language code, null when absent or blank; one that does not parse throws, as {@link LanguageCode#of} does. */
    private static LanguageCode language(String raw) {
        return raw == null || raw.isBlank() ? null : remembered(LANGUAGES, raw, LanguageCode::of);
    }

    /** {@code parse(raw)}, remembered in {@code seen} (forgotten all at once when it grows large); failures are not remembered. */
    private static <T> T remembered(Map<String, T> seen, String raw, java.util.function.Function<String, T> parse) {
        T known = seen.get(raw);
        if (known != null) {
            return known;
        }
        T parsed = parse.apply(raw);
        if (seen.size() > REMEMBERED) {
            seen.clear();
        }
        seen.put(raw, parsed);
        return parsed;
    }

    /** Decodes a server frame from its text, always through the tree. */
    public static ServerMessage read(String text) throws MalformedFrameException {
        return read(parse(text, "not JSON"));
    }

    private static ServerMessage read(JsonNode o) throws MalformedFrameException {
        String type = text(o, "type");
        try {
            if (type == null) {
                if (o.has("message")) {
                    return new ServerMessage.GatewayFault(text(o, "message"), text(o, "connectionId"), text(o, "requestId"));
                }
                throw new MalformedFrameException("frame has neither type nor message");
            }
            switch (type) {
                case "sessionCreated":
                    return new ServerMessage.SessionCreated(requiredSession(o), lang(o, "sourceLanguage"), text(o, "qualityTier"),
                            boolOrNull(o, "partialResultsEnabled"), doubleOrNull(o, "minStabilityThreshold"),
                            doubleOrNull(o, "maxBufferTimeout"), text(o, "connectionId"), longOrNull(o, "timestamp"),
                            epochMillis(longOrNull(o, "expiresAt")));
                case "sessionJoined":
                    return new ServerMessage.SessionJoined(requiredSession(o), lang(o, "targetLanguage"), lang(o, "sourceLanguage"),
                            text(o, "connectionId"), intOrNull(o, "listenerCount"), text(o, "qualityTier"), longOrNull(o, "timestamp"));
                case "heartbeatAck":
                    return new ServerMessage.HeartbeatAck(longOrNull(o, "timestamp"), longOrNull(o, "serverTime"));
                case "connectionRefreshRequired":
                case "connectionRefresh":
                    return new ServerMessage.ConnectionRefreshRequired(session(o), text(o, "role"), lang(o, "targetLanguage"),
                            text(o, "message"), longOrNull(o, "timestamp"));
                case "connectionRefreshComplete":
                    return new ServerMessage.ConnectionRefreshComplete(session(o), text(o, "role"), lang(o, "targetLanguage"),
                            lang(o, "sourceLanguage"), longOrNull(o, "timestamp"));
                case "connectionWarning":
                    return new ServerMessage.ConnectionWarning(text(o, "message"), doubleOrNull(o, "remainingMinutes"),
                            longOrNull(o, "timestamp"));
                case "connectionTimeout":
                    return new ServerMessage.ConnectionTimeout(text(o, "message"), intOrNull(o, "idleSeconds"), longOrNull(o, "timestamp"));
                case "sessionEnded":
                    return new ServerMessage.SessionEnded(session(o), text(o, "message") != null ? text(o, "message") : text(o, "reason"),
                            longOrNull(o, "timestamp"));
                case "sessionStatus":
                    return new ServerMessage.SessionStatus(session(o), intOrNull(o, "listenerCount"), distribution(o.get("languageDistribution")),
                            longOrNull(o, "sessionDuration"), state(o.get("broadcastState")), text(o, "updateReason"),
                            longOrNull(o, "timestamp"));
                case "languageChanged":
                    LanguageCode target = lang(o, "targetLanguage");
                    if (target == null) {
                        throw new MalformedFrameException("languageChanged without targetLanguage");
                    }
                    return new ServerMessage.LanguageChanged(session(o), target, lang(o, "sourceLanguage"), longOrNull(o, "timestamp"));
                case "playbackPaused":
                    return new ServerMessage.PlaybackPaused(session(o), longOrNull(o, "timestamp"));
                case "audio_quality_warning":
                case "audioQualityWarning":
                    return new ServerMessage.AudioQualityWarning(text(o, "issue") != null ? text(o, "issue") : text(o, "warningType"),
                            text(o, "message"), objectMap(o.get("details")), doubleOrNull(o, "timestamp"));
                case "broadcastPaused":
                case "sessionPaused":
                case "speakerPaused":
                    return broadcast(Kind.BROADCAST_PAUSED, o);
                case "broadcastResumed":
                case "sessionResumed":
                case "speakerResumed":
                    return broadcast(Kind.BROADCAST_RESUMED, o);
                case "broadcastMuted":
                case "speakerMuted":
                    return broadcast(Kind.BROADCAST_MUTED, o);
                case "broadcastUnmuted":
                case "speakerUnmuted":
                    return broadcast(Kind.BROADCAST_UNMUTED, o);
                case "volumeChanged":
                    return broadcast(Kind.VOLUME_CHANGED, o);
                case "speakerStateChanged":
                    return broadcast(Kind.SPEAKER_STATE_CHANGED, o);
                case "broadcastControl":
                    BroadcastState top = new BroadcastState(true, o.path("isPaused").asBoolean(false),
                            o.path("isMuted").asBoolean(false), o.path("volume").asDouble(1.0), o.path("timestamp").asLong(0));
                    return new ServerMessage.BroadcastChanged(Kind.SPEAKER_STATE_CHANGED, session(o), top, null, null, null,
                            longOrNull(o, "timestamp"));
                case "audioData":
                case "audio":
                    JsonNode data = o.has("audioData") ? o.get("audioData") : o.get("audio");
                    if (data == null || !data.isTextual()) {
                        throw new MalformedFrameException(type + " frame without audioData");
                    }
                    Long seq = longOrNull(o, "sequenceNumber");
                    return new ServerMessage.AudioData(session(o), lang(o, "targetLanguage"), decodeAudio(data.asText()),
                            seq == null ? null : SequenceNumber.of(seq), longOrNull(o, "timestamp"));
                case "translatedAudio":
                    Long tseq = longOrNull(o, "sequenceNumber");
                    return new ServerMessage.TranslatedAudio(session(o), lang(o, "targetLanguage"), text(o, "url"),
                            doubleOrNull(o, "duration"), text(o, "transcript"), tseq == null ? null : SequenceNumber.of(tseq),
                            longOrNull(o, "timestamp"));
                case "error":
                    return error(o);
                default:
                    return new ServerMessage.Unknown(truncate(type));
            }
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException(type + " frame with a bad field: " + e.getMessage());
        }
    }

    /** A binary frame: raw PCM s16le mono 16 kHz, no envelope, no sequence number. */
    public static ServerMessage.AudioData readBinary(byte[] pcm) throws MalformedFrameException {
        if (pcm.length == 0 || pcm.length % 2 != 0) {
            throw new MalformedFrameException("binary audio frame of " + pcm.length + " bytes is not whole 16-bit samples");
        }
        return new ServerMessage.AudioData(null, null, AudioChunk.of(pcm), null, null);
    }

    private static ServerMessage error(JsonNode o) {
        JsonNode codeNode = o.get("code");
        String code = codeNode == null || codeNode.isNull() ? (o.has("error") ? text(o, "error") : "UNKNOWN_ERROR")
                : codeNode.isNumber() ? Integer.toString(codeNode.asInt()) : codeNode.asText();
        JsonNode details = o.get("details");
        Map<String, Object> detailMap = details != null && details.isObject() ? objectMap(details)
                : details != null && details.isTextual() ? Map.of("detail", details.asText()) : Map.of();
        Long retryAfter = details != null && details.isObject() && details.has("retryAfter")
                ? Long.valueOf(details.get("retryAfter").asLong()) : longOrNull(o, "retryAfter");
        Integer status = intOrNull(o, "status");
        if (status == null) {
            status = intOrNull(o, "statusCode");
        }
        return new ServerMessage.ErrorFrame(code, text(o, "message"), status, retryAfter, detailMap, longOrNull(o, "timestamp"));
    }

    private static ServerMessage.BroadcastChanged broadcast(Kind kind, JsonNode o) {
        JsonNode state = o.has("broadcastState") ? o.get("broadcastState") : o.get("state");
        return new ServerMessage.BroadcastChanged(kind, session(o), state(state), intOrNull(o, "listenersNotified"),
                doubleOrNull(o, "volumeLevel"), longOrNull(o, "pauseDuration"), longOrNull(o, "timestamp"));
    }

    private static JsonNode parse(String text, String code) throws MalformedFrameException {
        if (text == null || text.isBlank()) {
            throw new MalformedFrameException(code + ": empty frame");
        }
        try {
            JsonNode node = Tree.JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new MalformedFrameException(code + ": frame is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedFrameException(code + ": frame is not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static AudioChunk decodeAudio(String base64) throws MalformedFrameException {
        try {
            return AudioChunk.fromBase64(base64);
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("INVALID_PARAMETER: " + e.getMessage());
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : null;
    }

    private static Long longOrNull(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.asLong();
        }
        return v.isTextual() ? parseLongOrNull(v.asText()) : null;
    }

    private static Integer intOrNull(JsonNode o, String field) {
        return toInt(longOrNull(o, field));
    }

    /** A count read as a whole number, kept to its low 32 bits as the tree reading and the one-pass reading both do. */
    private static Integer toInt(Long v) {
        return v == null ? null : Integer.valueOf(v.intValue());
    }

    private static Double doubleOrNull(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && v.isNumber() ? Double.valueOf(v.asDouble()) : null;
    }

    private static Boolean boolOrNull(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && v.isBoolean() ? Boolean.valueOf(v.asBoolean()) : null;
    }

    private static Long parseLongOrNull(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Epoch values below 10^11 are seconds (the original store writes seconds). */
    private static Long epochMillis(Long value) {
        return value == null ? null : value < 100_000_000_000L ? value * 1000 : value;
    }

    private static SessionId session(JsonNode o) {
        return sessionId(text(o, "sessionId")); // optional in these frames; the state machine knows its session
    }

    private static SessionId requiredSession(JsonNode o) throws MalformedFrameException {
        String id = text(o, "sessionId");
        if (id == null) {
            throw new MalformedFrameException("frame without sessionId");
        }
        return SessionId.of(id);
    }

    private static LanguageCode lang(JsonNode o, String field) {
        return language(text(o, field));
    }

    private static BroadcastState state(JsonNode s) {
        if (s == null || !s.isObject()) {
            return null;
        }
        return new BroadcastState(s.path("isActive").asBoolean(true), s.path("isPaused").asBoolean(false),
                s.path("isMuted").asBoolean(false), s.path("volume").asDouble(1.0), s.path("lastStateChange").asLong(0));
    }

    private static Map<String, Integer> distribution(JsonNode d) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (d != null && d.isObject()) {
            d.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> objectMap(JsonNode d) {
        if (d == null || !d.isObject()) {
            return Map.of();
        }
        Map<String, Object> raw = Tree.JSON.convertValue(d, Map.class);
        Map<String, Object> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String truncate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}

package dev.lectern.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.jetty.MalformedFrameException;
import java.util.Iterator;

/**
 * The gateway's reading of client messages (protocol section 2), with the protocol's error code as the
 * prefix of every {@link MalformedFrameException}. Public so that tests playing the gateway can read what a
 * client sends. Thread-safe.
 */
public final class ClientFrameReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientFrameReader() {}

    /**
     * Reads a client message.
     *
     * @throws MalformedFrameException with the protocol's error code as its message prefix:
     *     {@code INVALID_MESSAGE}, {@code MISSING_ACTION}, {@code INVALID_ACTION}, {@code MISSING_PARAMETER},
     *     {@code INVALID_PARAMETER}
     */
    public static ClientMessage read(String text) throws MalformedFrameException {
        JsonNode o = parse(text, "INVALID_MESSAGE");
        String action = text(o, "action");
        if (action == null) {
            throw new MalformedFrameException("MISSING_ACTION: message has no action");
        }
        try {
            switch (action) {
                case "heartbeat":
                    return new ClientMessage.Heartbeat(o.path("timestamp").asLong(0));
                case "sendAudio":
                    return new ClientMessage.SendAudio(sessionIdOrNull(o), audio(o, "audioData"), o.path("timestamp").asLong(0),
                            parseLong(text(o, "chunkId"), -1));
                case "audioChunk":
                    SessionId id = sessionIdOrNull(o);
                    if (id == null) {
                        throw new MalformedFrameException("MISSING_PARAMETER: sessionId");
                    }
                    return new ClientMessage.AudioChunkUpload(id, audio(o, "audioData"), o.path("chunkIndex").asLong(0),
                            o.path("timestamp").asLong(0));
                case "pauseBroadcast":
                    return new ClientMessage.PauseBroadcast();
                case "resumeBroadcast":
                    return new ClientMessage.ResumeBroadcast();
                case "muteBroadcast":
                    return new ClientMessage.MuteBroadcast();
                case "unmuteBroadcast":
                    return new ClientMessage.UnmuteBroadcast();
                case "setVolume":
                    JsonNode level = o.get("volumeLevel");
                    if (level == null) {
                        throw new MalformedFrameException("MISSING_PARAMETER: volumeLevel");
                    }
                    if (!level.isNumber()) {
                        throw new MalformedFrameException("INVALID_PARAMETER: volumeLevel must be a number");
                    }
                    return new ClientMessage.SetVolume(level.asDouble());
                case "speakerStateChange":
                    return stateChange(o.get("state"));
                case "getSessionStatus":
                    return new ClientMessage.GetSessionStatus();
                case "pausePlayback":
                    return new ClientMessage.PausePlayback();
                case "changeLanguage":
                    String lang = text(o, "targetLanguage");
                    if (lang == null) {
                        throw new MalformedFrameException("MISSING_PARAMETER: targetLanguage");
                    }
                    return new ClientMessage.ChangeLanguage(new LanguageCode(lang));
                case "joinSession":
                    SessionId joining = sessionIdOrNull(o);
                    String target = text(o, "targetLanguage");
                    if (joining == null || target == null) {
                        throw new MalformedFrameException("MISSING_PARAMETER: " + (joining == null ? "sessionId" : "targetLanguage"));
                    }
                    return new ClientMessage.JoinSession(joining, new LanguageCode(target));
                case "endSession":
                    return new ClientMessage.EndSession(text(o, "reason"));
                default:
                    throw new MalformedFrameException("INVALID_ACTION: unknown action " + truncate(action));
            }
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("INVALID_PARAMETER: " + e.getMessage());
        }
    }

    private static ClientMessage stateChange(JsonNode state) throws MalformedFrameException {
        if (state == null || !state.isObject()) {
            throw new MalformedFrameException("MISSING_PARAMETER: state");
        }
        Boolean paused = null;
        Boolean muted = null;
        Double volume = null;
        for (Iterator<String> names = state.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            JsonNode v = state.get(name);
            switch (name) {
                case "isPaused" -> paused = bool(v, name);
                case "isMuted" -> muted = bool(v, name);
                case "volume" -> {
                    if (!v.isNumber()) {
                        throw new MalformedFrameException("INVALID_PARAMETER: state.volume must be a number");
                    }
                    volume = v.asDouble();
                }
                default -> throw new MalformedFrameException("INVALID_PARAMETER: unknown state field " + truncate(name));
            }
        }
        return new ClientMessage.SpeakerStateChange(paused, muted, volume);
    }

    private static Boolean bool(JsonNode v, String name) throws MalformedFrameException {
        if (!v.isBoolean()) {
            throw new MalformedFrameException("INVALID_PARAMETER: state." + name + " must be a boolean");
        }
        return v.asBoolean();
    }

    private static JsonNode parse(String text, String code) throws MalformedFrameException {
        if (text == null || text.isBlank()) {
            throw new MalformedFrameException(code + ": empty frame");
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new MalformedFrameException(code + ": frame is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedFrameException(code + ": frame is not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static AudioChunk audio(JsonNode o, String field) throws MalformedFrameException {
        String data = text(o, field);
        if (data == null) {
            throw new MalformedFrameException("MISSING_PARAMETER: " + field);
        }
        return decodeAudio(data);
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

    private static SessionId sessionIdOrNull(JsonNode o) {
        String id = text(o, "sessionId");
        return id == null ? null : SessionId.of(id);
    }

    private static Long parseLongOrNull(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long parseLong(String s, long fallback) {
        Long v = s == null ? null : parseLongOrNull(s);
        return v == null ? fallback : v;
    }

    private static String truncate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}

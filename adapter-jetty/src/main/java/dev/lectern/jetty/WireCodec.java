package dev.lectern.jetty;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.BroadcastState;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.message.ServerMessage.BroadcastChanged.Kind;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON wire format of protocol sections 2 and 3, both directions. It writes canonical names and
 * reads every alias of section 3.3 and every error shape of section 3.5; unknown fields are ignored,
 * unknown types become {@link ServerMessage.Unknown}, and a frame it cannot make sense of throws
 * {@link MalformedFrameException} (which the transport counts and skips, never passing it on).
 * Thread-safe.
 */
public final class WireCodec {
    /** API Gateway's frame limit: every JSON message Lectern sends must fit one frame. */
    public static final int MAX_FRAME_BYTES = 32 * 1024;

    /** Jackson's streaming side, all a client's own messages need; cheap to build. */
    private static final JsonFactory STREAMS = new JsonFactory();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64_IN = Base64.getDecoder();
    /** Session ids seen lately, so the id on every audio frame is checked once, not once per frame. */
    private static final Map<String, SessionId> SESSION_IDS = new java.util.concurrent.ConcurrentHashMap<>();
    /** Language codes seen lately, for the same reason (each check is a regular expression and a set look-up). */
    private static final Map<String, LanguageCode> LANGUAGES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int REMEMBERED = 4_096;

    private WireCodec() {}

    /**
     * Jackson's object mapper, built on first use: the tree reading of frames the one-pass reader hands
     * back, the gateway's side and the details maps. Building it costs 0.1-0.3 s of CPU in a fresh JVM
     * (its classes), which a listener that only joins, hears audio, heartbeats and ends never needs.
     */
    private static final class Tree {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    /** A frame that cannot be decoded; its message says why and never contains a token. */
    public static final class MalformedFrameException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedFrameException(String reason) {
            super(reason);
        }
    }

    // ---------------------------------------------------------------------- client -> server

    /**
     * The JSON text of {@code message}, written field by field by Jackson's streaming generator. It used to
     * be a tree turned into text, the same cost per audio chunk, but the first heartbeat of every JVM then
     * loaded, ran and compiled Jackson's serializer machinery (type introspection, serializer caches) in the
     * middle of the stream.
     */
    public static String encode(ClientMessage message) {
        // Jackson's own writer on its pooled buffers, taken and given back as ObjectMapper.writeValueAsString does
        BufferRecycler buffers = STREAMS._getBufferRecycler();
        try (SegmentedStringWriter text = new SegmentedStringWriter(buffers)) {
            try (JsonGenerator o = STREAMS.createGenerator(text)) {
                write(o, message);
            }
            return text.getAndClear();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // writing to memory does not fail
        } finally {
            buffers.releaseToPool();
        }
    }

    private static void write(JsonGenerator o, ClientMessage message) throws java.io.IOException {
        o.writeStartObject();
        o.writeStringField("action", message.action());
        if (message instanceof ClientMessage.Heartbeat m) {
            o.writeNumberField("timestamp", m.timestamp());
        } else if (message instanceof ClientMessage.SendAudio m) {
            if (m.sessionId() != null) {
                o.writeStringField("sessionId", m.sessionId().value());
            }
            o.writeStringField("audioData", B64.encodeToString(m.audio().pcm()));
            o.writeNumberField("timestamp", m.timestamp());
            o.writeStringField("chunkId", Long.toString(m.chunkId()));
            o.writeNumberField("duration", m.audio().duration().toMillis() / 1000.0);
        } else if (message instanceof ClientMessage.AudioChunkUpload m) {
            o.writeStringField("sessionId", m.sessionId().value());
            o.writeStringField("audioData", B64.encodeToString(m.audio().pcm()));
            o.writeNumberField("chunkIndex", m.chunkIndex());
            o.writeNumberField("timestamp", m.timestamp());
            o.writeStringField("format", "pcm");
            o.writeNumberField("sampleRate", AudioChunk.SAMPLE_RATE);
            o.writeNumberField("channels", 1);
            o.writeStringField("encoding", "s16le");
        } else if (message instanceof ClientMessage.SetVolume m) {
            o.writeNumberField("volumeLevel", m.volumeLevel());
        } else if (message instanceof ClientMessage.SpeakerStateChange m) {
            o.writeObjectFieldStart("state");
            if (m.isPaused() != null) {
                o.writeBooleanField("isPaused", m.isPaused());
            }
            if (m.isMuted() != null) {
                o.writeBooleanField("isMuted", m.isMuted());
            }
            if (m.volume() != null) {
                o.writeNumberField("volume", m.volume());
            }
            o.writeEndObject();
        } else if (message instanceof ClientMessage.ChangeLanguage m) {
            o.writeStringField("targetLanguage", m.targetLanguage().value());
        } else if (message instanceof ClientMessage.EndSession m) {
            if (m.reason() != null) {
                o.writeStringField("reason", m.reason());
            }
        }
        o.writeEndObject();
    }

    /** Size in bytes of {@code json} as UTF-8. */
    public static int utf8Length(String json) {
        int n = 0;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    /**
     * Reads a client message (the gateway's side).
     *
     * @throws MalformedFrameException with the protocol's error code as its message prefix:
     *     {@code INVALID_MESSAGE}, {@code MISSING_ACTION}, {@code INVALID_ACTION}, {@code MISSING_PARAMETER},
     *     {@code INVALID_PARAMETER}
     */
    public static ClientMessage decodeClient(String text) throws MalformedFrameException {
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

    // ---------------------------------------------------------------------- server -> client

    /** The JSON text of {@code message}, with canonical names (the gateway's side). */
    public static String encode(ServerMessage message) {
        ObjectNode o = Tree.JSON.createObjectNode();
        if (message.type() != null) {
            o.put("type", message.type());
        }
        if (message instanceof ServerMessage.SessionCreated m) {
            o.put("sessionId", m.sessionId().value());
            putLang(o, "sourceLanguage", m.sourceLanguage());
            putText(o, "qualityTier", m.qualityTier());
            if (m.partialResultsEnabled() != null) {
                o.put("partialResultsEnabled", m.partialResultsEnabled());
            }
            putNumber(o, "minStabilityThreshold", m.minStabilityThreshold());
            putNumber(o, "maxBufferTimeout", m.maxBufferTimeout());
            putText(o, "connectionId", m.connectionId());
            putLong(o, "timestamp", m.timestamp());
            putLong(o, "expiresAt", m.expiresAt());
        } else if (message instanceof ServerMessage.SessionJoined m) {
            o.put("sessionId", m.sessionId().value());
            putLang(o, "targetLanguage", m.targetLanguage());
            putLang(o, "sourceLanguage", m.sourceLanguage());
            putText(o, "connectionId", m.connectionId());
            if (m.listenerCount() != null) {
                o.put("listenerCount", m.listenerCount());
            }
            putText(o, "qualityTier", m.qualityTier());
            putLong(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.HeartbeatAck m) {
            putLong(o, "timestamp", m.timestamp());
            putLong(o, "serverTime", m.serverTime());
        } else if (message instanceof ServerMessage.ConnectionRefreshRequired m) {
            putSession(o, m.sessionId());
            putText(o, "role", m.role());
            putLang(o, "targetLanguage", m.targetLanguage());
            putText(o, "message", m.message());
            putLong(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.ConnectionRefreshComplete m) {
            putSession(o, m.sessionId());
            putText(o, "role", m.role());
            putLang(o, "targetLanguage", m.targetLanguage());
            putLang(o, "sourceLanguage", m.sourceLanguage());
            putLong(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.ConnectionWarning m) {
            putText(o, "message", m.message());
            putNumber(o, "remainingMinutes", m.remainingMinutes());
            putLong(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.ConnectionTimeout m) {
            putText(o, "message", m.message());
            if (m.idleSeconds() != null) {
                o.put("idleSeconds", m.idleSeconds());
            }
            putLong(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.SessionEnded m) {
            putSession(o, m.sessionId());
            putText(o, "message", m.message());
            putLong(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.SessionStatus m) {
            putSession(o, m.sessionId());
            if (m.listenerCount() != null) {
                o.put("listenerCount", m.listenerCount());
            }
            ObjectNode dist = o.putObject("languageDistribution");
            m.languageDistribution().forEach(dist::put);
            putLong(o, "sessionDuration", m.sessionDuration());
            putState(o, "broadcastState", m.broadcastState());
            putText(o, "updateReason", m.updateReason());
            putLong(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.LanguageChanged m) {
            putSession(o, m.sessionId());
            putLang(o, "targetLanguage", m.targetLanguage());
            putLang(o, "sourceLanguage", m.sourceLanguage());
            putLong(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.PlaybackPaused m) {
            putSession(o, m.sessionId());
            putLong(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.AudioQualityWarning m) {
            putText(o, "issue", m.issue());
            putText(o, "message", m.message());
            o.set("details", Tree.JSON.valueToTree(m.details()));
            putNumber(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.BroadcastChanged m) {
            putSession(o, m.sessionId());
            putState(o, "broadcastState", m.broadcastState());
            if (m.listenersNotified() != null) {
                o.put("listenersNotified", m.listenersNotified());
            }
            putNumber(o, "volumeLevel", m.volumeLevel());
            if (m.kind() == Kind.BROADCAST_RESUMED && m.broadcastState() != null) {
                if (m.pauseDuration() != null) {
                    o.put("pauseDuration", m.pauseDuration());
                } else {
                    o.putNull("pauseDuration");
                }
            }
            putLong(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.AudioData m) {
            putSession(o, m.sessionId());
            putLang(o, "targetLanguage", m.targetLanguage());
            o.put("audioData", B64.encodeToString(m.audio().pcm()));
            o.put("format", "pcm");
            o.put("sampleRate", AudioChunk.SAMPLE_RATE);
            o.put("channels", 1);
            if (m.sequenceNumber() != null) {
                o.put("sequenceNumber", m.sequenceNumber().value());
            }
            putLong(o, "timestamp", m.timestamp());
            o.put("durationMs", m.audio().duration().toMillis());
        } else if (message instanceof ServerMessage.TranslatedAudio m) {
            putSession(o, m.sessionId());
            putLang(o, "targetLanguage", m.targetLanguage());
            putText(o, "url", m.url());
            putNumber(o, "duration", m.duration());
            putText(o, "transcript", m.transcript());
            if (m.sequenceNumber() != null) {
                o.put("sequenceNumber", m.sequenceNumber().value());
            }
            putLong(o, "timestamp", m.timestamp());
        } else if (message instanceof ServerMessage.ErrorFrame m) {
            o.put("code", m.code());
            putText(o, "message", m.message());
            putLong(o, "timestamp", m.timestamp());
            Map<String, Object> details = new LinkedHashMap<>(m.details());
            if (m.retryAfterSeconds() != null) {
                details.put("retryAfter", m.retryAfterSeconds());
            }
            if (!details.isEmpty()) {
                o.set("details", Tree.JSON.valueToTree(details));
            }
            if (m.status() != null) {
                o.put("status", m.status());
            }
        } else if (message instanceof ServerMessage.GatewayFault m) {
            putText(o, "message", m.message());
            putText(o, "connectionId", m.connectionId());
            putText(o, "requestId", m.requestId());
        }
        return o.toString();
    }

    /**
     * Decodes a server frame from its UTF-8 bytes (as the transport receives it, without making a String).
     * Audio frames (nearly all of the traffic), heartbeat acknowledgements and the session's end are read by
     * {@link FlatFrameReader} in one pass, which decodes the base64 PCM straight into bytes; any other frame, or
     * one of these in a shape that reader is not sure of, is read as a tree, as {@link #decodeServer(String)} does.
     */
    public static ServerMessage decodeServer(byte[] utf8, int offset, int length) throws MalformedFrameException {
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
        return decodeServer(o);
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

    public static ServerMessage decodeServer(String text) throws MalformedFrameException {
        return decodeServer(parse(text, "not JSON"));
    }

    private static ServerMessage decodeServer(JsonNode o) throws MalformedFrameException {
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
    public static ServerMessage.AudioData decodeBinary(byte[] pcm) throws MalformedFrameException {
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

    // ---------------------------------------------------------------------- helpers

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

    private static AudioChunk audio(JsonNode o, String field) throws MalformedFrameException {
        String data = text(o, field);
        if (data == null) {
            throw new MalformedFrameException("MISSING_PARAMETER: " + field);
        }
        return decodeAudio(data);
    }

    private static AudioChunk decodeAudio(String base64) throws MalformedFrameException {
        byte[] pcm;
        try {
            pcm = B64_IN.decode(base64);
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("INVALID_PARAMETER: audio is not base64");
        }
        if (pcm.length == 0 || pcm.length % 2 != 0) {
            throw new MalformedFrameException("INVALID_PARAMETER: audio of " + pcm.length + " bytes is not whole 16-bit samples");
        }
        return AudioChunk.ofOwned(pcm); // the decoder's fresh array: no second copy
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

    private static long parseLong(String s, long fallback) {
        Long v = s == null ? null : parseLongOrNull(s);
        return v == null ? fallback : v;
    }

    /** Epoch values below 10^11 are seconds (the original store writes seconds). */
    private static Long epochMillis(Long value) {
        return value == null ? null : value < 100_000_000_000L ? value * 1000 : value;
    }

    private static SessionId session(JsonNode o) {
        return sessionId(text(o, "sessionId")); // optional in these frames; the state machine knows its session
    }

    private static SessionId sessionIdOrNull(JsonNode o) {
        String id = text(o, "sessionId");
        return id == null ? null : SessionId.of(id);
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

    private static void putSession(ObjectNode o, SessionId id) {
        if (id != null) {
            o.put("sessionId", id.value());
        }
    }

    private static void putLang(ObjectNode o, String field, LanguageCode lang) {
        if (lang != null) {
            o.put(field, lang.value());
        }
    }

    private static void putText(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static void putLong(ObjectNode o, String field, Long value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static void putNumber(ObjectNode o, String field, Double value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static void putState(ObjectNode o, String field, BroadcastState s) {
        if (s == null) {
            return;
        }
        ObjectNode n = o.putObject(field);
        n.put("isActive", s.isActive());
        n.put("isPaused", s.isPaused());
        n.put("isMuted", s.isMuted());
        n.put("volume", s.volume());
        n.put("lastStateChange", s.lastStateChange());
    }

    private static String truncate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}

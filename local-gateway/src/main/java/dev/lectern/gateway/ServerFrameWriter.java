package dev.lectern.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.BroadcastState;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.message.ServerMessage.BroadcastChanged.Kind;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's frames (protocol section 3) as JSON text with canonical names. Public so that tests
 * playing the gateway can write what a service sends. Thread-safe.
 */
public final class ServerFrameWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private ServerFrameWriter() {}

    /** The JSON text of {@code message}, with canonical names. */
    public static String write(ServerMessage message) {
        ObjectNode o = JSON.createObjectNode();
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
            o.set("details", JSON.valueToTree(m.details()));
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
                o.set("details", JSON.valueToTree(details));
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
}

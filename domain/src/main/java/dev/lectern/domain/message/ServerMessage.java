package dev.lectern.domain.message;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import java.util.Map;
import java.util.Objects;

/**
 * A server-to-client message (protocol section 3), under its canonical {@code type} name. Nullable
 * components are optional on the wire. Codecs map every alias of section 3.3 onto these records.
 */
public sealed interface ServerMessage {

    /** The canonical {@code type} value; {@code null} for API Gateway's type-less frames. */
    String type();

    /** First frame after a {@code createSession} connect. {@code expiresAt} is epoch milliseconds. */
    record SessionCreated(SessionId sessionId, LanguageCode sourceLanguage, String qualityTier,
                          Boolean partialResultsEnabled, Double minStabilityThreshold, Double maxBufferTimeout,
                          String connectionId, Long timestamp, Long expiresAt) implements ServerMessage {
        public SessionCreated {
            Objects.requireNonNull(sessionId, "sessionId is null");
        }

        public String type() {
            return "sessionCreated";
        }
    }

    /** First frame after a {@code joinSession} connect. */
    record SessionJoined(SessionId sessionId, LanguageCode targetLanguage, LanguageCode sourceLanguage,
                         String connectionId, Integer listenerCount, String qualityTier, Long timestamp)
            implements ServerMessage {
        public SessionJoined {
            Objects.requireNonNull(sessionId, "sessionId is null");
        }

        public String type() {
            return "sessionJoined";
        }
    }

    /** Reply to a heartbeat. */
    record HeartbeatAck(Long timestamp, Long serverTime) implements ServerMessage {
        public String type() {
            return "heartbeatAck";
        }
    }

    /** The server asks the aging connection to be replaced. Carries no URL: the client rebuilds it. */
    record ConnectionRefreshRequired(SessionId sessionId, String role, LanguageCode targetLanguage,
                                     String message, Long timestamp) implements ServerMessage {
        public String type() {
            return "connectionRefreshRequired";
        }
    }

    /** First frame on the new connection of a refresh: the hand-over is confirmed. */
    record ConnectionRefreshComplete(SessionId sessionId, String role, LanguageCode targetLanguage,
                                     LanguageCode sourceLanguage, Long timestamp) implements ServerMessage {
        public String type() {
            return "connectionRefreshComplete";
        }
    }

    /** The connection nears the 120-minute cutoff; {@code remainingMinutes} = 120 - age. */
    record ConnectionWarning(String message, Double remainingMinutes, Long timestamp) implements ServerMessage {
        public String type() {
            return "connectionWarning";
        }
    }

    /** Sent just before the server closes an idle connection. */
    record ConnectionTimeout(String message, Integer idleSeconds, Long timestamp) implements ServerMessage {
        public String type() {
            return "connectionTimeout";
        }
    }

    /** The session is over; {@code message} or {@code reason} carries the text. */
    record SessionEnded(SessionId sessionId, String message, Long timestamp) implements ServerMessage {
        public String type() {
            return "sessionEnded";
        }
    }

    /** Status report to the speaker; {@code sessionDuration} is in seconds. */
    record SessionStatus(SessionId sessionId, Integer listenerCount, Map<String, Integer> languageDistribution,
                         Long sessionDuration, BroadcastState broadcastState, String updateReason, Long timestamp)
            implements ServerMessage {
        public SessionStatus {
            languageDistribution = languageDistribution == null ? Map.of() : Map.copyOf(languageDistribution);
        }

        public String type() {
            return "sessionStatus";
        }
    }

    /** The listener's language change is confirmed. */
    record LanguageChanged(SessionId sessionId, LanguageCode targetLanguage, LanguageCode sourceLanguage,
                           Long timestamp) implements ServerMessage {
        public LanguageChanged {
            Objects.requireNonNull(targetLanguage, "targetLanguage is null");
        }

        public String type() {
            return "languageChanged";
        }
    }

    /** Reply to {@code pausePlayback}. */
    record PlaybackPaused(SessionId sessionId, Long timestamp) implements ServerMessage {
        public String type() {
            return "playbackPaused";
        }
    }

    /** Audio pipeline warning to the speaker. {@code timestamp} is float seconds on the wire. */
    record AudioQualityWarning(String issue, String message, Map<String, Object> details, Double timestamp)
            implements ServerMessage {
        public AudioQualityWarning {
            details = details == null ? Map.of() : Map.copyOf(details);
        }

        public String type() {
            return "audio_quality_warning";
        }
    }

    /**
     * One of the broadcast-control notifications: to listeners, or as the speaker's acknowledgement
     * (then with {@code broadcastState} and {@code listenersNotified}).
     */
    record BroadcastChanged(Kind kind, SessionId sessionId, BroadcastState broadcastState, Integer listenersNotified,
                            Double volumeLevel, Long pauseDuration, Long timestamp) implements ServerMessage {
        /** Which notification; the wire {@code type} is the kind's name. */
        public enum Kind {
            BROADCAST_PAUSED("broadcastPaused"),
            BROADCAST_RESUMED("broadcastResumed"),
            BROADCAST_MUTED("broadcastMuted"),
            BROADCAST_UNMUTED("broadcastUnmuted"),
            VOLUME_CHANGED("volumeChanged"),
            SPEAKER_STATE_CHANGED("speakerStateChanged");

            private final String wireName;

            Kind(String wireName) {
                this.wireName = wireName;
            }

            public String wireName() {
                return wireName;
            }
        }

        public BroadcastChanged {
            Objects.requireNonNull(kind, "kind is null");
        }

        public String type() {
            return kind.wireName();
        }
    }

    /**
     * Translated audio for a listener: base64 PCM in {@code audioData} (or {@code audio}) or a binary
     * frame, s16le mono 16 kHz. {@code sequenceNumber} is null where the sender gave none (binary frames).
     */
    record AudioData(SessionId sessionId, LanguageCode targetLanguage, AudioChunk audio,
                     SequenceNumber sequenceNumber, Long timestamp) implements ServerMessage {
        public AudioData {
            Objects.requireNonNull(audio, "audio is null");
        }

        public String type() {
            return "audioData";
        }
    }

    /** Translated audio as a URL (production pipeline); fetching it is optional for clients. */
    record TranslatedAudio(SessionId sessionId, LanguageCode targetLanguage, String url, Double duration,
                           String transcript, SequenceNumber sequenceNumber, Long timestamp) implements ServerMessage {
        public String type() {
            return "translatedAudio";
        }
    }

    /**
     * An error frame (protocol section 3.5). {@code status} is the HTTP-equivalent status when known,
     * {@code retryAfterSeconds} from {@code details.retryAfter} or the top level.
     */
    record ErrorFrame(String code, String message, Integer status, Long retryAfterSeconds,
                      Map<String, Object> details, Long timestamp) implements ServerMessage {
        public ErrorFrame {
            Objects.requireNonNull(code, "code is null");
            details = details == null ? Map.of() : Map.copyOf(details);
        }

        public String type() {
            return "error";
        }
    }

    /** API Gateway's own frame with no {@code type}: {@code {"message":"Forbidden",...}}. */
    record GatewayFault(String message, String connectionId, String requestId) implements ServerMessage {
        public String type() {
            return null;
        }
    }

    /** A frame whose {@code type} no client knows; logged and ignored. */
    record Unknown(String type) implements ServerMessage {
    }
}

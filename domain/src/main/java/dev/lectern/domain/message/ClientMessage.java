package dev.lectern.domain.message;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.Checks;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import java.util.Objects;

/**
 * A client-to-server message (protocol section 2). {@link #action()} is the route key on the wire.
 *
 * <p>Left out on purpose: {@code refreshConnection} as a message (the contract makes refresh a connect
 * action) and {@code controlSession} (no server handles it; use pause/resume broadcast).
 */
public sealed interface ClientMessage {

    /** The value of the {@code action} field. */
    String action();

    /** {@code heartbeat}: keeps the connection alive; the server answers {@code heartbeatAck}. */
    record Heartbeat(long timestamp) implements ClientMessage {
        public String action() {
            return "heartbeat";
        }
    }

    /**
     * {@code sendAudio}: one captured chunk, base64 PCM on the wire. {@code chunkId} is the speaker's
     * capture index, which makes every chunk traceable end to end.
     */
    record SendAudio(SessionId sessionId, AudioChunk audio, long timestamp, long chunkId) implements ClientMessage {
        public SendAudio {
            Objects.requireNonNull(audio, "audio is null");
        }

        public String action() {
            return "sendAudio";
        }
    }

    /** {@code audioChunk}: the web app's audio variant; {@code sessionId} is required here. */
    record AudioChunkUpload(SessionId sessionId, AudioChunk audio, long chunkIndex, long timestamp)
            implements ClientMessage {
        public AudioChunkUpload {
            Objects.requireNonNull(sessionId, "sessionId is null");
            Objects.requireNonNull(audio, "audio is null");
        }

        public String action() {
            return "audioChunk";
        }
    }

    /** {@code pauseBroadcast}. */
    record PauseBroadcast() implements ClientMessage {
        public String action() {
            return "pauseBroadcast";
        }
    }

    /** {@code resumeBroadcast}. */
    record ResumeBroadcast() implements ClientMessage {
        public String action() {
            return "resumeBroadcast";
        }
    }

    /** {@code muteBroadcast}. */
    record MuteBroadcast() implements ClientMessage {
        public String action() {
            return "muteBroadcast";
        }
    }

    /** {@code unmuteBroadcast}. */
    record UnmuteBroadcast() implements ClientMessage {
        public String action() {
            return "unmuteBroadcast";
        }
    }

    /** {@code setVolume}: 0.0 (mute) to 1.0. */
    record SetVolume(double volumeLevel) implements ClientMessage {
        public SetVolume {
            Checks.require(volumeLevel >= 0.0 && volumeLevel <= 1.0, "volumeLevel", volumeLevel,
                    "must be between 0.0 and 1.0");
        }

        public String action() {
            return "setVolume";
        }
    }

    /** {@code speakerStateChange}: at least one of the three fields is set. */
    record SpeakerStateChange(Boolean isPaused, Boolean isMuted, Double volume) implements ClientMessage {
        public SpeakerStateChange {
            Checks.require(isPaused != null || isMuted != null || volume != null, "state", "{}",
                    "must set at least one of isPaused, isMuted, volume");
            Checks.require(volume == null || (volume >= 0.0 && volume <= 1.0), "state.volume", volume,
                    "must be between 0.0 and 1.0");
        }

        public String action() {
            return "speakerStateChange";
        }
    }

    /** {@code getSessionStatus}: the server replies {@code sessionStatus}. */
    record GetSessionStatus() implements ClientMessage {
        public String action() {
            return "getSessionStatus";
        }
    }

    /** {@code pausePlayback} (listener): the server replies {@code playbackPaused}. */
    record PausePlayback() implements ClientMessage {
        public String action() {
            return "pausePlayback";
        }
    }

    /**
     * {@code joinSession} as a message on an open connection (the deployed service answers it with
     * {@code sessionJoined} or an error, protocol section 11.3; its web listener sends it after connecting).
     */
    record JoinSession(SessionId sessionId, LanguageCode targetLanguage) implements ClientMessage {
        public JoinSession {
            Objects.requireNonNull(sessionId, "sessionId is null");
            Objects.requireNonNull(targetLanguage, "targetLanguage is null");
        }

        public String action() {
            return "joinSession";
        }
    }

    /** {@code changeLanguage} (listener). */
    record ChangeLanguage(LanguageCode targetLanguage) implements ClientMessage {
        public ChangeLanguage {
            Objects.requireNonNull(targetLanguage, "targetLanguage is null");
        }

        public String action() {
            return "changeLanguage";
        }
    }

    /** {@code endSession} (speaker): same effect as closing, the reason is copied into {@code sessionEnded}. */
    record EndSession(String reason) implements ClientMessage {
        public String action() {
            return "endSession";
        }
    }
}

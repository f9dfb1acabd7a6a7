package dev.lectern.domain.session;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import java.util.Objects;

/** Everything that can happen to a client: host commands, transport callbacks, timers, tokens. */
public sealed interface Input {

    // ---- host commands

    /** Connect: create the session (speaker) or join it (listener). */
    record Start() implements Input {}

    /** A captured chunk to stream (speaker). */
    record Capture(AudioChunk audio) implements Input {
        public Capture {
            Objects.requireNonNull(audio, "audio is null");
        }
    }

    /** Pause the broadcast (speaker). */
    record Pause() implements Input {}

    /** Resume the broadcast (speaker). */
    record Resume() implements Input {}

    /** Switch to another language (listener); takes effect when the server confirms. */
    record ChangeLanguage(LanguageCode language) implements Input {
        public ChangeLanguage {
            Objects.requireNonNull(language, "language is null");
        }
    }

    /** Send a control message as is on the current connection (mute, volume, status request...). */
    record SendControl(ClientMessage message) implements Input {
        public SendControl {
            Objects.requireNonNull(message, "message is null");
        }
    }

    /**
     * End: the speaker ends the session, a listener leaves. {@code immediate}: skip the wait that lets a
     * deployed service's last batch reach the listeners (a second Ctrl-C).
     */
    record End(String reason, boolean immediate) implements Input {
        public End(String reason) {
            this(reason, false);
        }
    }

    // ---- transport

    /** The upgrade of connection {@code id} completed. */
    record Opened(ConnectionId id) implements Input {}

    /** A decoded frame arrived on {@code id}. */
    record Received(ConnectionId id, ServerMessage message) implements Input {
        public Received {
            Objects.requireNonNull(id, "id is null");
            Objects.requireNonNull(message, "message is null");
        }
    }

    /** A frame on {@code id} could not be decoded; it is counted and skipped. */
    record Malformed(ConnectionId id, String reason) implements Input {}

    /** Connection {@code id} could not be opened. */
    record Refused(ConnectionId id, ConnectFailure failure) implements Input {
        public Refused {
            Objects.requireNonNull(failure, "failure is null");
        }
    }

    /** Connection {@code id} closed (by the peer, the network, or after our own close). */
    record Closed(ConnectionId id, int code, String reason) implements Input {}

    /** A message could not be written to {@code id}. */
    record SendFailed(ConnectionId id, ClientMessage message, String reason) implements Input {}

    // ---- time and tokens

    /** Timer {@code key} fired. */
    record TimerFired(TimerKey key) implements Input {}

    /** The token provider answered. */
    record TokenReady(IdToken token) implements Input {
        public TokenReady {
            Objects.requireNonNull(token, "token is null");
        }
    }

    /** The HTTP session API created the session; {@code expiresAtMillis} may be null. */
    record SessionApiCreated(dev.lectern.domain.SessionId sessionId, dev.lectern.domain.LanguageCode sourceLanguage,
                             Long expiresAtMillis) implements Input {
        public SessionApiCreated {
            Objects.requireNonNull(sessionId, "sessionId is null");
        }
    }

    /** The HTTP session API could not create the session, after the retries its adapter makes itself. */
    record SessionApiFailed(LecternError error) implements Input {
        public SessionApiFailed {
            Objects.requireNonNull(error, "error is null");
        }
    }

    /** What a call to the HTTP session API was for, when its answer comes back as {@link SessionApiAnswered}. */
    enum SessionApiCall {
        /** {@code PATCH /sessions/{id}} with {@code status:"ended"}. */
        MARK_ENDED,
        /** {@code DELETE /sessions/{id}}. */
        DELETE
    }

    /** The HTTP session API answered {@code call}: {@code error} is null on success. */
    record SessionApiAnswered(SessionApiCall call, LecternError error) implements Input {
        public SessionApiAnswered {
            Objects.requireNonNull(call, "call is null");
        }
    }

    /**
     * The HTTP session API's {@code GET} answered (a listener before a rejoin): the session's {@code status}, or
     * {@code gone} (404), or {@code error} when it could not say.
     */
    record SessionRead(String status, boolean gone, LecternError error) implements Input {}

    /** A translated segment was fetched and decoded into 16 kHz PCM. */
    record SegmentReady(dev.lectern.domain.SequenceNumber sequence, dev.lectern.domain.AudioChunk audio) implements Input {
        public SegmentReady {
            Objects.requireNonNull(sequence, "sequence is null");
            Objects.requireNonNull(audio, "audio is null");
        }
    }

    /** A translated segment could not be had; {@code reason} is short: expired, forbidden, not found, timeout, undecodable... */
    record SegmentFailed(dev.lectern.domain.SequenceNumber sequence, String reason) implements Input {
        public SegmentFailed {
            Objects.requireNonNull(sequence, "sequence is null");
        }
    }

    /** The audio sink can no longer play; {@code reason} names what failed and why. */
    record SinkFailed(String reason) implements Input {}

    /** The token provider failed; {@code permanent} when retrying cannot help (bad credentials). */
    record TokenFailed(LecternError error) implements Input {
        public TokenFailed {
            Objects.requireNonNull(error, "error is null");
        }
    }
}

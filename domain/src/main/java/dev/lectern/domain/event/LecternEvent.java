package dev.lectern.domain.event;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.BroadcastState;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.LecternError;
import java.time.Duration;

/**
 * What a client tells its host. Delivered in order; {@link Closed} is the final event and nothing
 * follows it.
 */
public sealed interface LecternEvent {

    /** The speaker's session exists; share {@code sessionId} with listeners. */
    record SessionCreated(SessionId sessionId, LanguageCode sourceLanguage, Long expiresAtMillis) implements LecternEvent {}

    /** After a drop the old session was gone, so the speaker created a new one: listeners need the new id. */
    record SessionReplaced(SessionId previous, SessionId current) implements LecternEvent {}

    /** The listener joined. */
    record SessionJoined(SessionId sessionId, LanguageCode targetLanguage, LanguageCode sourceLanguage,
                         Integer listenerCount) implements LecternEvent {}

    /** A chunk released for playing, in order, once. */
    /**
     * A chunk played. {@code sentAt} is the time (epoch ms) the audio frame carried, when it carried one and
     * was played as it arrived (not held back for reordering); the speaker's send time with the local gateway.
     */
    record AudioReceived(SequenceNumber sequence, AudioChunk audio, Long sentAt) implements LecternEvent {
        public AudioReceived(SequenceNumber sequence, AudioChunk audio) {
            this(sequence, audio, null);
        }
    }

    /** Chunks {@code from} to {@code to} (inclusive) will never be played. */
    record AudioGap(SequenceNumber from, SequenceNumber to) implements LecternEvent {
        public long chunks() {
            return to.value() - from.value() + 1;
        }
    }

    /** Captured chunks that were not sent; {@code totalDropped} counts all drops of this client. */
    record AudioDropped(long chunks, DropReason reason, long totalDropped) implements LecternEvent {}

    /** The broadcast is paused (speaker: acknowledged by the server; listener: the speaker paused). */
    record SessionPaused(SessionId sessionId) implements LecternEvent {}

    /** The broadcast is live again. */
    record SessionResumed(SessionId sessionId) implements LecternEvent {}

    /** Muted, unmuted, volume or full-state change. */
    record BroadcastChanged(ServerMessage.BroadcastChanged.Kind kind, BroadcastState state, Double volume)
            implements LecternEvent {}

    /**
     * A control the service cannot carry (protocol section 11.3: broadcast controls and status requests fail
     * on sessions created over its HTTP API). {@code action} names it; {@code outcome} says what Lectern did
     * instead: a pause is kept locally by withholding audio, anything else is not sent.
     */
    record ControlNotDelivered(String action, String outcome) implements LecternEvent {}

    /**
     * The text of a translated segment (protocol section 11.3), told as its audio is played:
     * {@code startMillis} is where it starts on this listener's timeline (audio and gaps played so far),
     * {@code duration} how long the service says it is.
     */
    record TranscriptReceived(SequenceNumber sequence, String text, LanguageCode language, long startMillis,
                              Duration duration) implements LecternEvent {}

    /** A translated segment could not be played: {@code reason} is expired, forbidden, not found, timeout, undecodable... */
    record SegmentFailed(SequenceNumber sequence, String reason) implements LecternEvent {}

    /** {@code length} of silence at {@code startMillis} on the listener's timeline, for a segment that failed ({@code cause}). */
    record SegmentGap(long startMillis, Duration length, String cause) implements LecternEvent {}

    /**
     * The timestamps of two segments leave {@code missing} beyond the end of {@code after}: enough to have held a
     * segment the service never sent (protocol section 11.3). Reported, never played as silence; {@code totalLost}
     * counts them all.
     */
    record SegmentLikelyLost(SequenceNumber after, SequenceNumber before, Duration missing, long totalLost) implements LecternEvent {}

    /**
     * A speaker's end on the deployed service took a step (protocol section 11.5): {@code step} is
     * {@code flush} (the socket kept open for the last batch), {@code mark} ({@code PATCH status:"ended"}),
     * {@code close} (listeners are told {@code sessionEnded}) or {@code delete}; {@code outcome} says how it went.
     */
    record SessionEnding(String step, boolean ok, String outcome) implements LecternEvent {}

    /**
     * The speaker handed its session over from connection {@code from} to {@code to} (protocol section 11.4).
     * The service took the old connection's close as the end: it told every listener {@code sessionEnded} and
     * forgot them; listeners that rejoin (Lectern's do) hear the rest.
     */
    record SpeakerHandedOver(ConnectionId from, ConnectionId to, String message) implements LecternEvent {}

    /** Told {@code sessionEnded} by the deployed service, the listener rejoins once, after {@code delay} (protocol section 11.5). */
    record RejoinScheduled(Duration delay) implements LecternEvent {}

    /** The rejoin was accepted: the session is still open; audio within {@code audioWait} shows the speaker handed over. */
    record RejoinAccepted(Duration audioWait) implements LecternEvent {}

    /** Audio came after the rejoin: the speaker handed over and the talk goes on. */
    record RejoinResumed() implements LecternEvent {}

    /** The rejoin was refused ({@code error}: 403 {@code SESSION_INACTIVE}, 404): the session is over. */
    record RejoinRefused(LecternError error) implements LecternEvent {}

    /** The rejoin was accepted but no audio came within {@code waited}: the speaker is gone, the session is over. */
    record RejoinNoAudio(Duration waited) implements LecternEvent {}

    /**
     * No segment in {@code language} came within {@code waited} of the change: the deployed service answers a
     * change with nothing, so the listener cannot tell whether it took effect; it keeps its old language.
     */
    record LanguageChangeUnconfirmed(LanguageCode language, Duration waited) implements LecternEvent {}

    /** The server ended the session. */
    record SessionEnded(SessionId sessionId, String message) implements LecternEvent {}

    /** The listener's new language is confirmed. */
    record LanguageChanged(LanguageCode language) implements LecternEvent {}

    /** The server's status report (speaker). */
    record StatusReceived(ServerMessage.SessionStatus status) implements LecternEvent {}

    /** The audio pipeline warns about the speaker's input. */
    record QualityWarning(String issue, String message) implements LecternEvent {}

    /** The connection nears its cutoff, or the server is about to close it for idleness. */
    record ConnectionWarning(Double remainingMinutes, String message) implements LecternEvent {}

    /** A refresh began; {@code trigger} says why (server request, own clock, warning). */
    record RefreshStarted(String trigger) implements LecternEvent {}

    /** The new connection took over; the old one is being closed. */
    record ConnectionRefreshed(ConnectionId from, ConnectionId to) implements LecternEvent {}

    /** The current connection was lost unexpectedly; a reconnect follows unless the client ends. */
    record Disconnected(ConnectionId connection, int code, String reason) implements LecternEvent {}

    /** A (re)connect attempt failed with a retryable error; attempt {@code attempt} follows after {@code delay}. */
    record RetryScheduled(int attempt, Duration delay, LecternError cause) implements LecternEvent {}

    /** Back online after {@code attempts} retries. */
    record Reconnected(int attempts) implements LecternEvent {}

    /** The retry budget ran out. */
    record ReconnectFailed(int attempts, LecternError lastError) implements LecternEvent {}

    /** Something went wrong that the host should know of. */
    record Error(LecternError error) implements LecternEvent {}

    /** A frame that could not be decoded was skipped; {@code totalRejected} counts them all. */
    record FrameRejected(ConnectionId connection, String reason, long totalRejected) implements LecternEvent {}

    /** The final event: the client is over and has released everything. */
    record Closed(EndReason reason) implements LecternEvent {}
}

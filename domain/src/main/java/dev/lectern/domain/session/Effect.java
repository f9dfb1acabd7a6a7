package dev.lectern.domain.session;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import java.time.Duration;

/** Everything the machine asks its shell to do. The engine carries effects out in order. */
public sealed interface Effect {

    /** Open connection {@code id} for {@code request}. */
    record Open(ConnectionId id, ConnectRequest request) implements Effect {}

    /** Write {@code message} on connection {@code id}. */
    record Transmit(ConnectionId id, ClientMessage message) implements Effect {}

    /** Close connection {@code id} gracefully, after its pending writes. */
    record Close(ConnectionId id, int code, String reason) implements Effect {}

    /** Drop connection {@code id} at once. */
    record Abort(ConnectionId id) implements Effect {}

    /** Start timer {@code key}, replacing a running one. */
    record StartTimer(TimerKey key, Duration delay) implements Effect {}

    /** Stop timer {@code key} if it runs. */
    record CancelTimer(TimerKey key) implements Effect {}

    /** Stop every timer (the client ends). */
    record CancelAllTimers() implements Effect {}

    /** Ask the token provider for an ID token; {@code forceRenew} after the server refused the last one. */
    record FetchToken(boolean forceRenew) implements Effect {}

    /** Create the session over the HTTP session API (protocol section 11.1); the answer comes back as an input. */
    record CreateSession(CreateParams params) implements Effect {}

    /**
     * Mark the session ended over the HTTP session API ({@code PATCH status:"ended"}); the answer comes back as
     * {@code SessionApiAnswered(MARK_ENDED)}.
     */
    record MarkSessionEnded(dev.lectern.domain.SessionId sessionId) implements Effect {}

    /** Read the session over the HTTP session API ({@code GET}, no token); the answer comes back as {@code SessionRead}. */
    record ReadSession(dev.lectern.domain.SessionId sessionId) implements Effect {}

    /** Delete the session over the HTTP session API; the answer comes back as {@code SessionApiAnswered(DELETE)}. */
    record DeleteSession(dev.lectern.domain.SessionId sessionId) implements Effect {}

    /** Fetch and decode a translated segment; the outcome comes back as {@code SegmentReady} or {@code SegmentFailed}. */
    record FetchSegment(dev.lectern.domain.audio.SegmentQueue.Segment segment) implements Effect {}

    /** Tell the audio sink that this much time has no audio (it plays or writes silence). */
    record Silence(java.time.Duration length) implements Effect {}

    /** Hand a chunk to the audio sink. */
    record Play(SequenceNumber sequence, AudioChunk audio) implements Effect {}

    /** Tell the host. */
    record Notify(LecternEvent event) implements Effect {}
}

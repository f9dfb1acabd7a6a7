package dev.lectern.domain.session;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.Role;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.audio.JitterBuffer;
import dev.lectern.domain.audio.SegmentQueue;
import dev.lectern.domain.audio.SendQueue;
import dev.lectern.domain.retry.Entropy;

/**
 * What every state carries: the plan and settings, the session as known so far, the audio structures,
 * counters and the entropy for jitter.
 *
 * @param sessionId null until a speaker's session is created
 * @param language the listener's confirmed target language (null for speakers)
 * @param pendingLanguage a language change sent but not yet confirmed
 * @param lastConnection the last connection id handed out (0 before the first)
 * @param everActive whether a connection was ever confirmed (a later connect is a reconnect)
 * @param paused speaker: paused by the host; listener: the speaker paused the broadcast
 * @param pausedDrops chunks captured while paused that are not reported yet (reported on resume)
 * @param retiring the connection a refresh replaced, closing now; its late audio is still used
 * @param tokenExpiresAt when the token of the speaker's last connect expires (epoch ms), 0 when unknown
 * @param segments the listener's translated segments (protocol section 11.3)
 * @param endingAt 0 while the session lasts; after a {@code sessionEnded} with segments still to come, when the
 *     wait for them ends (epoch ms), then -1 while what is queued finishes
 * @param deployed what the client keeps for the service as deployed (protocol section 11): its end, rejoins,
 *     local controls
 */
public record Context(SessionPlan plan, SessionSettings settings, SessionId sessionId, LanguageCode language,
                      LanguageCode pendingLanguage, long lastConnection, Entropy entropy, SendQueue queue,
                      JitterBuffer buffer, Counters counters, boolean everActive, boolean paused, long pausedDrops,
                      ConnectionId retiring, long tokenExpiresAt, SegmentQueue segments, long endingAt,
                      Deployed deployed) {

    static Context initial(SessionPlan plan, SessionSettings settings, long seed) {
        SessionId sessionId = plan instanceof SessionPlan.Listen l ? l.sessionId() : null;
        LanguageCode language = plan instanceof SessionPlan.Listen l ? l.targetLanguage() : null;
        return new Context(plan, settings, sessionId, language, null, 0, Entropy.seeded(seed),
                SendQueue.withCapacity(settings.sendQueueCapacity()),
                JitterBuffer.withCapacity(settings.jitterBufferCapacity()), Counters.ZERO, false, false, 0, null, 0, SegmentQueue.empty(settings.segments()), 0,
                Deployed.initial(plan));
    }

    public Role role() {
        return plan.role();
    }

    boolean speaker() {
        return plan.role() == Role.SPEAKER;
    }

    ConnectionId peekNextConnection() {
        return new ConnectionId(lastConnection + 1);
    }

    Context withNextConnection() {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection + 1, entropy, queue,
                buffer, counters, everActive, paused, pausedDrops, retiring, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withSessionId(SessionId value) {
        return new Context(plan, settings, value, language, pendingLanguage, lastConnection, entropy, queue, buffer,
                counters, everActive, paused, pausedDrops, retiring, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withLanguage(LanguageCode value, LanguageCode pending) {
        return new Context(plan, settings, sessionId, value, pending, lastConnection, entropy, queue, buffer,
                counters, everActive, paused, pausedDrops, retiring, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withEntropy(Entropy value) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, value, queue, buffer,
                counters, everActive, paused, pausedDrops, retiring, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withQueue(SendQueue value) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, value, buffer,
                counters, everActive, paused, pausedDrops, retiring, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withBuffer(JitterBuffer value) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, queue, value,
                counters, everActive, paused, pausedDrops, retiring, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withBufferAndCounters(JitterBuffer b, Counters c) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, queue, b,
                c, everActive, paused, pausedDrops, retiring, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withCounters(Counters value) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, queue, buffer,
                value, everActive, paused, pausedDrops, retiring, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withEverActive() {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, queue, buffer,
                counters, true, paused, pausedDrops, retiring, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withPaused(boolean value) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, queue, buffer,
                counters, everActive, value, pausedDrops, retiring, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withRetiring(ConnectionId value) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, queue, buffer,
                counters, everActive, paused, pausedDrops, value, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withPausedDrops(long value) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, queue, buffer,
                counters, everActive, paused, value, retiring, tokenExpiresAt, segments, endingAt, deployed);
    }

    Context withTokenExpiresAt(long value) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, queue, buffer,
                counters, everActive, paused, pausedDrops, retiring, value, segments, endingAt, deployed);
    }

    /** Whether this is a speaker whose session was created over the HTTP session API (protocol section 11). */
    public boolean sessionApi() {
        return plan instanceof SessionPlan.Speak speak && speak.sessionApi();
    }

    Context withSegments(SegmentQueue value) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, queue, buffer,
                counters, everActive, paused, pausedDrops, retiring, tokenExpiresAt, value, endingAt, deployed);
    }

    Context withEndingAt(long value) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, queue, buffer,
                counters, everActive, paused, pausedDrops, retiring, tokenExpiresAt, segments, value, deployed);
    }

    /** After a {@code sessionEnded}: waiting for the last segments, or finishing those queued. */
    boolean ending() {
        return endingAt != 0;
    }

    Context withDeployed(Deployed value) {
        return new Context(plan, settings, sessionId, language, pendingLanguage, lastConnection, entropy, queue, buffer,
                counters, everActive, paused, pausedDrops, retiring, tokenExpiresAt, segments, endingAt, value);
    }
}

package dev.lectern.gateway;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.Role;
import dev.lectern.domain.SessionId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Fault injection for tests and demos: what the network and the service can do to a client. Every
 * method that targets connections takes a filter and returns how many it hit. Reached programmatically
 * with {@link LocalGateway#faults()}, or over HTTP on the loopback-only admin port ({@code --admin-port}).
 */
public final class GatewayFaults {
    private final GatewayCore core;

    GatewayFaults(GatewayCore core) {
        this.core = core;
    }

    /** What a filter sees of a connection. */
    public record ConnectionInfo(Role role, SessionId sessionId, LanguageCode language) {}

    /** Every connection. */
    public static final Predicate<ConnectionInfo> ALL = c -> true;

    public static Predicate<ConnectionInfo> role(Role role) {
        return c -> c.role() == role;
    }

    private List<GatewayConnection> matching(Predicate<ConnectionInfo> filter) {
        return core.connections().stream()
                .filter(c -> filter.test(new ConnectionInfo(c.role, c.session.id, c.language)))
                .toList();
    }

    /** Breaks the connections without a close frame (the client sees 1006). */
    public int drop(Predicate<ConnectionInfo> filter) {
        List<GatewayConnection> hit = matching(filter);
        for (GatewayConnection c : hit) {
            c.silenced = true;
            c.peer.disconnect();
        }
        return hit.size();
    }

    /** Half-opens them: the gateway stops answering and reading while TCP stays up, and tells no one. */
    public int halfOpen(Predicate<ConnectionInfo> filter) {
        List<GatewayConnection> hit = matching(filter);
        hit.forEach(c -> c.silenced = true);
        return hit.size();
    }

    /** Holds back every later frame to them by {@code delay}, order kept. */
    public int delay(Predicate<ConnectionInfo> filter, Duration delay) {
        List<GatewayConnection> hit = matching(filter);
        hit.forEach(c -> c.delayMillis = delay.toMillis());
        return hit.size();
    }

    /** From now on each audio frame to a listener is sent twice with this probability. */
    public void duplicateAudio(double probability) {
        core.faults.duplicateAudio = probability;
    }

    /** From now on each audio frame to a listener is held back behind the next one with this probability. */
    public void reorderAudio(double probability) {
        core.faults.reorderAudio = probability;
    }

    /** From now on heartbeats get no answer, or again one (a deployed-flavor connection then confirms nothing). */
    public void withholdHeartbeatAcks(boolean withhold) {
        core.faults.withholdHeartbeatAcks = withhold;
    }

    /** Deployed flavor: the next {@code count} segments are not announced, as a failed upload or signing leaves them. */
    public void dropSegments(int count) {
        segmentsOrFail().dropNext.addAndGet(count);
    }

    /** Deployed flavor: the next {@code count} segments hold bytes that are no MP3, as a failed speech synthesis sends. */
    public void undecodableSegments(int count) {
        segmentsOrFail().undecodableNext.addAndGet(count);
    }

    /** Deployed flavor: the next {@code count} segments are announced twice. */
    public void duplicateSegments(int count) {
        segmentsOrFail().duplicateNext.addAndGet(count);
    }

    /**
     * Deployed flavor: the next {@code count} segments are repeated a second later, as a Kinesis retry after a
     * Lambda timeout repeats a batch: the same audio and text with a new timestamp, sequence number and URL.
     */
    public void retrySegments(int count) {
        segmentsOrFail().retryNext.addAndGet(count);
    }

    /** Deployed flavor: the next {@code count} segment URLs are signed already expired. */
    public void expireSegmentUrls(int count) {
        segmentsOrFail();
        core.store.expireEarly.addAndGet(count);
    }

    /** Deployed flavor: every segment fetch is answered {@code delay} late (zero: at once again). */
    public void slowSegmentFetches(Duration delay) {
        segmentsOrFail();
        core.store.slowFetchMillis.set(delay.toMillis());
    }

    private SegmentPipeline segmentsOrFail() {
        if (core.segments == null) {
            throw new IllegalStateException("segment faults need the deployed flavor with segments");
        }
        return core.segments;
    }

    /** Sends a frame that is not JSON. */
    public int sendMalformed(Predicate<ConnectionInfo> filter) {
        return sendRaw(filter, "{\"type\":\"audioData\",\"audioData\":");
    }

    /** Sends a frame of a type no client knows. */
    public int sendUnknown(Predicate<ConnectionInfo> filter) {
        return sendRaw(filter, "{\"type\":\"fromTheFuture\",\"value\":42}");
    }

    /** Sends a JSON frame of {@code bytes} bytes (over 32 KB to test the clients' limits). */
    public int sendOversized(Predicate<ConnectionInfo> filter, int bytes) {
        String pad = "x".repeat(Math.max(0, bytes - 40));
        return sendRaw(filter, "{\"type\":\"fromTheFuture\",\"pad\":\"" + pad + "\"}");
    }

    private int sendRaw(Predicate<ConnectionInfo> filter, String text) {
        List<GatewayConnection> hit = matching(filter);
        hit.forEach(c -> core.send(c, text));
        return hit.size();
    }

    /** Refuses the next {@code count} connects with {@code status}: 429 (with Retry-After), 503 or 500. */
    public void refuseNext(int count, int status, Duration retryAfter) {
        for (int i = 0; i < count; i++) {
            core.faults.refusals.add(switch (status) {
                case 429 -> new Refusal(429, "RATE_LIMIT_EXCEEDED", "Rate limit exceeded. Retry after "
                        + retryAfter.toSeconds() + " seconds.", Map.of(), retryAfter.toSeconds());
                case 503 -> Refusal.of(503, "SERVICE_UNAVAILABLE", "Service unavailable");
                case 500 -> Refusal.of(500, "INTERNAL_ERROR", "Internal server error");
                default -> throw new IllegalArgumentException("status must be 429, 503 or 500, was: " + status);
            });
        }
    }

    /** Restarts the gateway's state: every session is lost and every connection dropped without a close frame. */
    public void restart() {
        core.restart();
    }
}

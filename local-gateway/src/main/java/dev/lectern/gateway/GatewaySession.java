package dev.lectern.gateway;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.QualityTier;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.BroadcastState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;

/**
 * One session: its speaker, its listeners, the next sequence number of each language's stream and its
 * broadcast state. Guarded by itself; everything that touches it runs on its {@link #lane}, in arrival order.
 */
final class GatewaySession {
    final SessionId id;
    final String owner;
    final LanguageCode source;
    final QualityTier tier;
    final long createdAt;
    GatewayConnection speaker;
    final List<GatewayConnection> listeners = new ArrayList<>();
    /** The next sequence number of each language someone listens to. */
    final Map<LanguageCode, Long> streams = new LinkedHashMap<>();
    /** Seed: the session lasts. Deployed: its {@code isActive}, false after a speaker connection's close (status may stay active). */
    boolean active = true;
    /** Deployed: deleted over HTTP; its audio reaches no one. */
    boolean deleted;
    boolean paused;
    boolean muted;
    double volume = 1.0;
    long lastStateChange;
    long pausedAt;
    /** The speaker's grace period after its connection dropped, while it may come back by a refresh. */
    ScheduledFuture<?> grace;
    long received;
    final SerialLane lane;
    /** Deployed flavor: {@code active}, {@code paused} or {@code ended}, as the HTTP API shows it. */
    String status = "active";
    long updatedAt;

    GatewaySession(SessionId id, String owner, LanguageCode source, QualityTier tier, long now, Executor workers) {
        this.lane = new SerialLane(workers);
        this.id = id;
        this.owner = owner;
        this.source = source;
        this.tier = tier;
        this.createdAt = now;
        this.lastStateChange = now;
        this.updatedAt = now;
    }

    BroadcastState state() {
        return new BroadcastState(active, paused, muted, volume, lastStateChange);
    }
}

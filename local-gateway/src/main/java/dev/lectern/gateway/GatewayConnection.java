package dev.lectern.gateway;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.Role;
import dev.lectern.domain.message.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

/** One connection: its role in its session, the frame it gets first, its clocks and the faults applied to it. */
final class GatewayConnection {
    final long id;
    final Peer peer;
    final Role role;
    final GatewaySession session;
    final String user;
    /** Sent when the upgrade completes; null where the service sends none (protocol section 11.2). */
    final ServerMessage first;
    volatile LanguageCode language;
    volatile boolean open;
    volatile long connectedAt;
    volatile long lastFrameAt;
    volatile long lastHeartbeatAt;
    volatile boolean refreshSent;
    volatile boolean warned;
    /** Bytes handed to the peer and not yet written. */
    final AtomicLong pending = new AtomicLong();
    final List<ScheduledFuture<?>> timers = new ArrayList<>();
    /** Fault: the gateway neither sends to nor reads from it, and tells no one (a half-open link). */
    volatile boolean silenced;
    /** The address it connected from (rate limits on messages that count as joins). */
    volatile String remoteIp = "";
    /** Fault: every frame to it is held back this long (order kept). */
    volatile long delayMillis;
    /** Fault: an audio frame held back to be sent after the next one. */
    volatile EncodedText heldBackAudio;

    GatewayConnection(long id, Peer peer, Role role, GatewaySession session, String user, LanguageCode language, ServerMessage first) {
        this.id = id;
        this.peer = peer;
        this.role = role;
        this.session = session;
        this.user = user;
        this.language = language;
        this.first = first;
    }

    @Override
    public String toString() {
        return "conn#" + id + "(" + role.wireName() + (language == null ? "" : " " + language) + ", " + session.id + ")";
    }
}

package dev.lectern.gateway;

import dev.lectern.domain.Role;
import dev.lectern.domain.message.ServerMessage;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open connections and what their age and silence bring: the first frame when the upgrade completes,
 * the refresh request, the warning, the cutoff at the maximum age, and the idle and heartbeat timeouts,
 * checked by a sweep a few times per timeout.
 */
final class ConnectionLifetime {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLifetime.class);
    private final GatewaySettings settings;
    private final boolean deployed;
    private final GatewayClock time;
    private final Delivery delivery;
    private final GatewayObserver observer;
    private final Set<GatewayConnection> live = ConcurrentHashMap.newKeySet();

    ConnectionLifetime(GatewaySettings settings, GatewayClock time, Delivery delivery, GatewayObserver observer) {
        this.settings = settings;
        this.deployed = settings.flavor() == GatewaySettings.Flavor.DEPLOYED;
        this.time = time;
        this.delivery = delivery;
        this.observer = observer;
        time.every(Math.max(100, Math.min(settings.heartbeatTimeout().toMillis(), settings.idleTimeout().toMillis()) / 4), this::sweep);
    }

    /** The upgrade completed: send the first frame and start the connection's clocks. */
    void opened(GatewayConnection conn) {
        long now = time.now();
        conn.connectedAt = now;
        conn.lastFrameAt = now;
        conn.lastHeartbeatAt = now;
        // Live (so that faults and a restart reach it) before its first frame goes out: a client may act on
        // that frame at once. It takes part in fan-out only after, so nothing overtakes the first frame.
        // Both under the session's lock, which a fan-out holds from its first listener to its last: a chunk
        // is then sent either before the first frame (to the refreshing listener's old connection, ahead of
        // the close the client sends there once the first frame is in) or to this connection too. Without
        // it a fan-out could pass this connection over just before it opened, and reach the old one only
        // after the client, already switched, had closed it: that chunk would be lost.
        live.add(conn);
        synchronized (conn.session) {
            if (conn.first != null) { // the deployed service sends none (protocol section 11.2)
                conn.peer.sendText(new EncodedText(ServerFrameWriter.write(conn.first)), failure -> {});
            }
            conn.open = true;
        }
        synchronized (conn.timers) {
            // the deployed service asks for a refresh and warns only when a heartbeat comes (section 11.3)
            for (ScheduledFuture<?> t : new ScheduledFuture<?>[] {
                    deployed ? null : time.later(() -> requestRefresh(conn), settings.refreshAfter().toMillis()),
                    deployed ? null : time.later(() -> warn(conn), settings.warnAfter().toMillis()),
                    time.later(() -> close(conn, 1001, "Going away: maximum connection age"), settings.maxConnectionAge().toMillis())}) {
                if (t != null) {
                    conn.timers.add(t);
                }
            }
        }
        log.debug("{} open", conn);
    }

    /** The socket closed: no longer live, nothing more is sent to it. */
    void closed(GatewayConnection conn) {
        live.remove(conn);
        conn.open = false;
    }

    /** Stops the connection's clocks. */
    void stopTimers(GatewayConnection conn) {
        synchronized (conn.timers) {
            conn.timers.forEach(t -> t.cancel(false));
        }
    }

    /** The seed's protocol: the refresh request, once (protocol section 5). */
    void requestRefresh(GatewayConnection conn) {
        if (!conn.open || conn.refreshSent) {
            return;
        }
        conn.refreshSent = true;
        sendRefreshRequest(conn, time.now());
    }

    /** A {@code connectionRefreshRequired} naming the connection's role (and a listener's language). */
    void sendRefreshRequest(GatewayConnection conn, long now) {
        delivery.send(conn, ServerFrameWriter.write(new ServerMessage.ConnectionRefreshRequired(conn.session.id, conn.role.wireName(),
                conn.role == Role.LISTENER ? conn.language : null, "Connection refresh required", now)));
    }

    private void warn(GatewayConnection conn) {
        if (conn.open) {
            conn.warned = true;
            sendWarning(conn, time.now());
        }
    }

    /** A {@code connectionWarning} with the minutes left before the cutoff. */
    void sendWarning(GatewayConnection conn, long now) {
        double remaining = (settings.maxConnectionAge().toMillis() - (now - conn.connectedAt)) / 60_000.0;
        delivery.send(conn, ServerFrameWriter.write(new ServerMessage.ConnectionWarning("Connection will be closed soon; refresh it",
                remaining, now)));
    }

    private void sweep() {
        long now = time.now();
        for (GatewayConnection conn : live) {
            if (now - conn.lastFrameAt > settings.idleTimeout().toMillis()) {
                if (deployed) {
                    // API Gateway's idle cut: no frame, no close handshake (protocol section 11.3)
                    observer.closing(conn.toString(), conn.role, 1006, "Idle timeout");
                    conn.open = false;
                    conn.peer.disconnect();
                    continue;
                }
                delivery.send(conn, ServerFrameWriter.write(new ServerMessage.ConnectionTimeout("Connection idle",
                        (int) ((now - conn.lastFrameAt) / 1000), now)));
                close(conn, 1001, "Idle timeout");
            } else if (!deployed && now - conn.lastHeartbeatAt > settings.heartbeatTimeout().toMillis()) {
                // (the deployed service does not enforce the heartbeat timeout, section 9 S7)
                close(conn, 1001, "Heartbeat timeout");
            }
        }
    }

    private void close(GatewayConnection conn, int code, String reason) {
        if (conn.open) {
            log.debug("closing {}: {}", conn, reason);
            observer.closing(conn.toString(), conn.role, code, reason);
            conn.peer.close(code, reason);
        }
    }

    /** Connections open now. */
    int size() {
        return live.size();
    }

    /** The open connections. */
    List<GatewayConnection> all() {
        return List.copyOf(live);
    }
}

package dev.lectern.gateway;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.QualityTier;
import dev.lectern.domain.Role;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.BroadcastState;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.message.ServerMessage.BroadcastChanged.Kind;
import dev.lectern.jetty.MalformedFrameException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol, independent of the WebSocket library: what each client message does and how a session
 * ends. The rest is a class per concern: {@link Admission} (who may connect), {@link SessionRegistry},
 * {@link Delivery} (writing and fan-out), {@link ConnectionLifetime} (first frames, refresh requests,
 * warnings, timeouts), {@link FaultSwitches}. Each session's state is guarded by the session itself, so
 * frames of one session go out in sequence order.
 */
final class GatewayCore {
    private static final Logger log = LoggerFactory.getLogger(GatewayCore.class);
    private static final Set<String> SPEAKER_ACTIONS = Set.of("sendAudio", "audioChunk", "pauseBroadcast", "resumeBroadcast",
            "muteBroadcast", "unmuteBroadcast", "setVolume", "speakerStateChange", "getSessionStatus", "endSession");
    private static final Set<String> LISTENER_ACTIONS = Set.of("pausePlayback", "changeLanguage");
    /** The languages a deployed {@code changeLanguage} is applied for (its SUPPORTED_LANGUAGES, protocol section 11.3). */
    static final Set<String> DEPLOYED_CHANGEABLE = Set.of("en", "es", "fr", "de", "pt", "it", "ja", "ko", "zh");

    private final GatewaySettings settings;
    /** The service as deployed (protocol section 11) rather than the seed's protocol. */
    private final boolean deployed;
    private final GatewayClock time;
    private final SessionRegistry sessions;
    private final Admission admission;
    private final Delivery delivery;
    private final ConnectionLifetime lifetime;
    final FaultSwitches faults = new FaultSwitches();
    /** Deployed flavor: messages that reached no handler there and so got no answer (sendAudio, controls...). */
    private final AtomicLong undelivered = new AtomicLong();
    /** Deployed flavor with segments: the listener audio pipeline and its object store; else null. */
    final SegmentPipeline segments;
    final SegmentStore store;

    GatewayCore(GatewaySettings settings, TokenVerifier verifier, Translator translator, SessionIdGenerator ids,
                ScheduledExecutorService timer, Executor workers, Clock clock, GatewayObserver observer) {
        this.settings = settings;
        this.deployed = settings.flavor() == GatewaySettings.Flavor.DEPLOYED;
        this.time = new GatewayClock(clock, timer);
        this.store = settings.segments() ? new SegmentStore(clock, settings.segmentExpires(),
                settings.sigV4() ? SegmentStore.Signing.SIGV4 : SegmentStore.Signing.EXPIRES) : null;
        this.segments = settings.segments()
                ? new SegmentPipeline(settings, translator, store, time, this::announceSegment)
                : null;
        this.sessions = new SessionRegistry(ids, workers);
        this.admission = new Admission(settings, verifier, sessions, faults, observer, time);
        this.delivery = new Delivery(settings, translator, faults, time, observer, segments);
        this.lifetime = new ConnectionLifetime(settings, time, delivery, observer);
    }

    /** Validates a connect (protocol sections 1 and 4, 11.2); the connection is live from {@link #opened}. */
    GatewayConnection accept(Map<String, String> query, String authorization, String remoteIp, Peer peer) throws Refusal {
        return admission.accept(query, authorization, remoteIp, peer);
    }

    /** The upgrade completed: send the first frame and start the connection's clocks. */
    void opened(GatewayConnection conn) {
        lifetime.opened(conn);
    }

    // ---------------------------------------------------------------------- messages

    void received(GatewayConnection conn, String text) {
        if (conn.silenced) {
            return;
        }
        long now = time.now();
        conn.lastFrameAt = now;
        ClientMessage message;
        try {
            message = ClientFrameReader.read(text);
        } catch (MalformedFrameException e) {
            if (deployed) {
                undelivered.incrementAndGet(); // its $default route answers with a body API Gateway never delivers
                return;
            }
            String reason = e.getMessage();
            int colon = reason.indexOf(':');
            String code = colon > 0 ? reason.substring(0, colon) : "INVALID_MESSAGE";
            delivery.error(conn, "MISSING_ACTION".equals(code) ? null : 400, code,
                    colon > 0 ? reason.substring(colon + 1).trim() : reason, Map.of());
            return;
        }
        if (deployed) {
            receivedDeployed(conn, message, now);
            return;
        }
        String action = message.action();
        if (SPEAKER_ACTIONS.contains(action) && conn.role != Role.SPEAKER) {
            delivery.error(conn, 403, "UNAUTHORIZED_ACTION", "Action " + action + " requires speaker role", Map.of());
            return;
        }
        if (LISTENER_ACTIONS.contains(action) && conn.role != Role.LISTENER) {
            delivery.error(conn, 403, "UNAUTHORIZED_ACTION", "Action " + action + " requires listener role", Map.of());
            return;
        }
        if (message instanceof ClientMessage.Heartbeat) {
            heartbeat(conn, now);
            return;
        }
        // Everything that touches the session runs on its lane, in arrival order, off the reading thread,
        // so fan-out to hundreds of listeners never delays a heartbeat's answer.
        conn.session.lane.execute(() -> handle(conn, message, now));
    }

    private void heartbeat(GatewayConnection conn, long now) {
        conn.lastHeartbeatAt = now;
        if (!faults.withholdHeartbeatAcks) {
            delivery.send(conn, ServerFrameWriter.write(new ServerMessage.HeartbeatAck(now, now)));
        }
        long age = now - conn.connectedAt;
        if (age >= settings.refreshAfter().toMillis()) {
            lifetime.requestRefresh(conn);
        }
        if (age >= settings.warnAfter().toMillis() && conn.warned) {
            lifetime.sendWarning(conn, now);
        }
    }

    /**
     * The deployed service's routes (protocol section 11.3): a heartbeat is always answered, a speaker's
     * {@code audioChunk} is relayed, a listener's {@code changeLanguage} re-keys it without a reply; nothing
     * else reaches a working handler there, so nothing else is answered.
     */
    private void receivedDeployed(GatewayConnection conn, ClientMessage message, long now) {
        if (message instanceof ClientMessage.Heartbeat) {
            heartbeatDeployed(conn, now);
        } else if (message instanceof ClientMessage.AudioChunkUpload audio && conn.role == Role.SPEAKER
                && conn.session.id.equals(audio.sessionId())) {
            conn.session.lane.execute(() -> delivery.relay(conn.session, audio.audio(), audio.timestamp() > 0 ? audio.timestamp() : now));
        } else if (message instanceof ClientMessage.ChangeLanguage change && conn.role == Role.LISTENER) {
            if (!DEPLOYED_CHANGEABLE.contains(change.targetLanguage().value())) {
                return; // applied only for the service's SUPPORTED_LANGUAGES; ignored otherwise, with no reply
            }
            conn.session.lane.execute(() -> {
                synchronized (conn.session) {
                    conn.language = change.targetLanguage();
                    conn.session.streams.putIfAbsent(change.targetLanguage(), 0L);
                    conn.connectedAt = time.now(); // the record is written anew: its age starts again
                }
            });
        } else if (message instanceof ClientMessage.JoinSession join && conn.role == Role.LISTENER) {
            conn.session.lane.execute(() -> joinMessage(conn, join, now));
        } else {
            undelivered.incrementAndGet();
        }
    }

    /**
     * A listener's {@code joinSession} message there (protocol section 11.3): answered {@code sessionJoined}, or an
     * error for a session gone, not active or a language it does not take; it counts against the joins per address.
     */
    private void joinMessage(GatewayConnection conn, ClientMessage.JoinSession join, long now) {
        GatewaySession session = sessions.get(join.sessionId());
        Refusal refused = admission.joinMessage(conn, session, join, now);
        if (refused != null) {
            delivery.error(conn, refused.status, refused.code, refused.getMessage(), refused.details);
            return;
        }
        synchronized (session) {
            delivery.send(conn, ServerFrameWriter.write(new ServerMessage.SessionJoined(session.id, join.targetLanguage(),
                    session.source, null, null, session.tier.wireName(), now)));
        }
    }

    /** A heartbeat there: a refresh request while the age is in its window, warnings from warnAfter, then the ack. */
    private void heartbeatDeployed(GatewayConnection conn, long now) {
        conn.lastHeartbeatAt = now;
        long age = now - conn.connectedAt;
        long refreshAt = settings.refreshAfter().toMillis();
        if (age >= refreshAt && age < refreshAt + settings.refreshWindow().toMillis()) {
            lifetime.sendRefreshRequest(conn, now);
        } else if (age >= settings.warnAfter().toMillis()) {
            lifetime.sendWarning(conn, now);
        }
        if (!faults.withholdHeartbeatAcks) {
            delivery.send(conn, ServerFrameWriter.write(new ServerMessage.HeartbeatAck(now, null)));
        }
    }

    private void handle(GatewayConnection conn, ClientMessage message, long now) {
        GatewaySession session = conn.session;
        if (message instanceof ClientMessage.SendAudio audio) {
            delivery.relay(session, audio.audio(), audio.timestamp() > 0 ? audio.timestamp() : now);
        } else if (message instanceof ClientMessage.AudioChunkUpload audio) {
            delivery.relay(session, audio.audio(), audio.timestamp() > 0 ? audio.timestamp() : now);
        } else if (message instanceof ClientMessage.PauseBroadcast) {
            control(conn, Kind.BROADCAST_PAUSED, s -> {
                s.paused = true;
                s.pausedAt = now;
            }, now);
        } else if (message instanceof ClientMessage.ResumeBroadcast) {
            control(conn, Kind.BROADCAST_RESUMED, s -> s.paused = false, now);
        } else if (message instanceof ClientMessage.MuteBroadcast) {
            control(conn, Kind.BROADCAST_MUTED, s -> s.muted = true, now);
        } else if (message instanceof ClientMessage.UnmuteBroadcast) {
            control(conn, Kind.BROADCAST_UNMUTED, s -> s.muted = false, now);
        } else if (message instanceof ClientMessage.SetVolume v) {
            control(conn, Kind.VOLUME_CHANGED, s -> {
                s.volume = v.volumeLevel();
                s.muted = v.volumeLevel() == 0.0;
            }, now);
        } else if (message instanceof ClientMessage.SpeakerStateChange c) {
            control(conn, Kind.SPEAKER_STATE_CHANGED, s -> {
                if (c.isPaused() != null) {
                    s.paused = c.isPaused();
                }
                if (c.isMuted() != null) {
                    s.muted = c.isMuted();
                }
                if (c.volume() != null) {
                    s.volume = c.volume();
                }
            }, now);
        } else if (message instanceof ClientMessage.GetSessionStatus) {
            delivery.send(conn, ServerFrameWriter.write(status(session, "requested", now)));
        } else if (message instanceof ClientMessage.PausePlayback) {
            delivery.send(conn, ServerFrameWriter.write(new ServerMessage.PlaybackPaused(session.id, now)));
        } else if (message instanceof ClientMessage.ChangeLanguage change) {
            synchronized (session) {
                conn.language = change.targetLanguage();
                session.streams.putIfAbsent(change.targetLanguage(), 0L);
                delivery.send(conn, ServerFrameWriter.write(new ServerMessage.LanguageChanged(session.id, change.targetLanguage(),
                        session.source, now)));
            }
        } else if (message instanceof ClientMessage.EndSession end) {
            endSession(session, end.reason() != null ? end.reason() : "Speaker has ended the session");
        }
    }

    /** A broadcast control: the session's state changes, its listeners are told, the speaker gets the new state. */
    private void control(GatewayConnection speaker, Kind kind, Consumer<GatewaySession> change, long now) {
        GatewaySession session = speaker.session;
        synchronized (session) {
            long pausedFor = session.paused ? now - session.pausedAt : 0;
            change.accept(session);
            session.lastStateChange = now;
            BroadcastState state = session.state();
            Double volume = kind == Kind.VOLUME_CHANGED ? session.volume : null;
            String toListeners = ServerFrameWriter.write(new ServerMessage.BroadcastChanged(kind, session.id,
                    kind == Kind.SPEAKER_STATE_CHANGED ? state : null, null, volume, null, now));
            for (GatewayConnection listener : session.listeners) {
                delivery.send(listener, toListeners);
            }
            delivery.send(speaker, ServerFrameWriter.write(new ServerMessage.BroadcastChanged(kind, session.id, state,
                    session.listeners.size(), volume, kind == Kind.BROADCAST_RESUMED && pausedFor > 0 ? pausedFor : null, now)));
        }
    }

    private ServerMessage.SessionStatus status(GatewaySession session, String reason, long now) {
        synchronized (session) {
            Map<String, Integer> distribution = new HashMap<>();
            for (GatewayConnection l : session.listeners) {
                distribution.merge(l.language == null ? "unknown" : l.language.value(), 1, Integer::sum);
            }
            return new ServerMessage.SessionStatus(session.id, session.listeners.size(), distribution,
                    (now - session.createdAt) / 1000, session.state(), reason, now);
        }
    }

    // ---------------------------------------------------------------------- closes and ends

    void closed(GatewayConnection conn, int code, String reason) {
        lifetime.closed(conn);
        // After the frames that came before the close, so an endSession's reason is not lost.
        conn.session.lane.execute(() -> closedInLane(conn, code, reason));
    }

    private void closedInLane(GatewayConnection conn, int code, String reason) {
        lifetime.stopTimers(conn);
        GatewaySession session = conn.session;
        synchronized (session) {
            if (conn.role == Role.LISTENER) {
                session.listeners.remove(conn);
            } else if (deployed) {
                // the deployed disconnect handler runs for any speaker connection, a handed-over one too (section 11.4)
                speakerClosedDeployed(session);
            } else if (session.speaker == conn && session.active) {
                if (code == 1000 || settings.speakerGrace().isZero()) {
                    endSessionLocked(session, "Speaker has ended the session");
                } else {
                    session.grace = time.later(() -> {
                        synchronized (session) {
                            if (session.speaker == conn) {
                                endSessionLocked(session, "Speaker has ended the session");
                            }
                        }
                    }, settings.speakerGrace().toMillis());
                }
            }
        }
        log.debug("{} closed {} {}", conn, code, reason);
    }

    void endSession(GatewaySession session, String text) {
        synchronized (session) {
            endSessionLocked(session, text);
        }
    }

    private void endSessionLocked(GatewaySession session, String text) {
        if (!session.active) {
            return;
        }
        session.active = false;
        long now = time.now();
        String ended = ServerFrameWriter.write(new ServerMessage.SessionEnded(session.id, text, now));
        for (GatewayConnection listener : List.copyOf(session.listeners)) {
            delivery.send(listener, ended);
            listener.peer.close(1000, "Session ended");
        }
        log.info("Session {} ended: {}", session.id, text);
    }

    /**
     * The deployed disconnect handler for a speaker connection (protocol section 11.3): the session is marked
     * {@code isActive:false} (its status stays what it was), every listener is pushed {@code sessionEnded} and
     * its connection record deleted: the sockets stay open but get nothing more. A second speaker connection,
     * opened before, keeps working; listeners may connect again while the status is {@code active}.
     */
    private void speakerClosedDeployed(GatewaySession session) {
        long now = time.now();
        session.active = false;
        session.updatedAt = now;
        String ended = ServerFrameWriter.write(new ServerMessage.SessionEnded(session.id, "Speaker has ended the session", now));
        for (GatewayConnection listener : session.listeners) {
            delivery.send(listener, ended);
        }
        int told = session.listeners.size();
        session.listeners.clear();
        log.info("Session {}: a speaker connection closed; {} listener(s) told sessionEnded and forgotten", session.id, told);
    }

    /** A processed segment to the listeners of its language (SegmentPipeline's announcer). */
    private void announceSegment(GatewaySession session, LanguageCode language, String json) {
        delivery.announce(session, language, json);
    }

    // ---------------------------------------------------------------------- the HTTP session API (deployed)

    /** {@code POST /sessions}: a session owned by {@code user}. */
    GatewaySession createOverHttp(String user, LanguageCode source, QualityTier tier) throws Refusal {
        return sessions.create(user, source, tier, time.now(), "Failed to create session");
    }

    /**
     * {@code DELETE /sessions/{id}} as deployed (protocol section 11.1): it pushes nothing and closes nothing; it
     * deletes the listeners' connection records and the session. Listeners stay connected and are never told;
     * the speaker's socket stays open.
     */
    void deleteOverHttp(GatewaySession session) {
        synchronized (session) {
            session.deleted = true;
            session.listeners.clear();
            sessions.remove(session.id);
        }
        log.info("Session {} deleted over HTTP", session.id);
    }

    /** {@code PATCH} of the status: it only writes the item (new joins are refused once it is not {@code active}). */
    void updateStatus(GatewaySession session, String status) {
        synchronized (session) {
            session.status = status;
            session.updatedAt = time.now();
        }
    }

    // ---------------------------------------------------------------------- for the gateway, its faults and its tests

    long undeliveredMessages() {
        return undelivered.get();
    }

    long now() {
        return time.now();
    }

    /** Writes a frame to one connection, as every frame is written. */
    void send(GatewayConnection conn, String json) {
        delivery.send(conn, json);
    }

    /** Connections open now. */
    int liveConnections() {
        return lifetime.size();
    }

    /** The open connections, for fault injection. */
    List<GatewayConnection> connections() {
        return lifetime.all();
    }

    /** Forgets every session and drops every connection without a close frame: a restart that lost its state. */
    void restart() {
        for (GatewayConnection conn : lifetime.all()) {
            conn.silenced = true;
            conn.peer.disconnect();
        }
        sessions.clear();
    }

    GatewaySession session(SessionId id) {
        return sessions.get(id);
    }

    long slowConnectionsClosed() {
        return delivery.slowConnectionsClosed();
    }
}

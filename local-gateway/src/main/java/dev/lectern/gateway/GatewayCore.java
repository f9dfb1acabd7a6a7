package dev.lectern.gateway;

import dev.lectern.jetty.MalformedFrameException;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.QualityTier;
import dev.lectern.domain.Role;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.BroadcastState;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.message.ServerMessage.BroadcastChanged.Kind;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol, independent of the WebSocket library: connect validation and refusals, sessions and
 * their listeners, fan-out with a sequence number per session and language, heartbeats, refresh
 * requests, warnings, the cutoff, heartbeat and idle timeouts, rate limits, broadcast controls,
 * language changes and session end. Each session's state is guarded by the session itself, so frames of
 * one session go out in sequence order.
 */
final class GatewayCore {
    private static final Logger log = LoggerFactory.getLogger(GatewayCore.class);
    private static final Pattern LANGUAGE = Pattern.compile("^[a-z]{2}$");
    private static final Set<String> SPEAKER_ACTIONS = Set.of("sendAudio", "audioChunk", "pauseBroadcast", "resumeBroadcast",
            "muteBroadcast", "unmuteBroadcast", "setVolume", "speakerStateChange", "getSessionStatus", "endSession");
    private static final Set<String> LISTENER_ACTIONS = Set.of("pausePlayback", "changeLanguage");
    /** The languages the deployed service accepts, as a session's source and as a listener's target (section 11.1). */
    static final Set<String> DEPLOYED_LANGUAGES = Set.of("en", "es", "fr", "de", "it", "pt", "ru", "ja", "ko", "zh",
            "ar", "hi", "nl", "pl", "tr", "sv", "da", "no", "fi");

    private final GatewaySettings settings;
    private final TokenVerifier verifier;
    private final Translator translator;
    private final SessionIdGenerator ids;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Map<SessionId, Session> sessions = new ConcurrentHashMap<>();
    private final Set<Conn> live = ConcurrentHashMap.newKeySet();
    private final RateLimiter connects;
    private final RateLimiter joins;
    private final RateLimiter creations;
    private final AtomicLong connIds = new AtomicLong();
    private final java.util.concurrent.Executor workers;
    private final AtomicLong slowClosed = new AtomicLong();
    final java.util.concurrent.ConcurrentLinkedQueue<Refusal> refusals = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final GatewayObserver observer;
    /** The service as deployed (protocol section 11) rather than the seed's protocol. */
    private final boolean deployed;
    /** Deployed flavor: messages that reached no handler there and so got no answer (sendAudio, controls...). */
    private final AtomicLong undelivered = new AtomicLong();
    /** Deployed flavor with segments: the listener audio pipeline and its object store; else null. */
    final SegmentPipeline segments;
    final SegmentStore store;

    GatewayCore(GatewaySettings settings, TokenVerifier verifier, Translator translator, SessionIdGenerator ids,
                ScheduledExecutorService timer, java.util.concurrent.Executor workers, Clock clock, GatewayObserver observer) {
        this.settings = settings;
        this.deployed = settings.flavor() == GatewaySettings.Flavor.DEPLOYED;
        this.store = settings.segments() ? new SegmentStore(clock, settings.segmentExpires(),
                settings.sigV4() ? SegmentStore.Signing.SIGV4 : SegmentStore.Signing.EXPIRES) : null;
        this.segments = settings.segments() ? new SegmentPipeline(settings.segmentLength().toMillis() / 1000.0, translator, store, clock) : null;
        this.observer = observer;
        this.workers = workers;
        this.verifier = verifier;
        this.translator = translator;
        this.ids = ids;
        this.timer = timer;
        this.clock = clock;
        this.connects = new RateLimiter(settings.connectsPerMinute(), Duration.ofMinutes(1));
        this.joins = new RateLimiter(settings.joinsPerMinute(), Duration.ofMinutes(1));
        this.creations = new RateLimiter(settings.sessionsPerHour(), Duration.ofHours(1));
        long sweep = Math.max(100, Math.min(settings.heartbeatTimeout().toMillis(), settings.idleTimeout().toMillis()) / 4);
        timer.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** One session. Guarded by itself. */
    static final class Session {
        final SessionId id;
        final String owner;
        final LanguageCode source;
        final QualityTier tier;
        final long createdAt;
        Conn speaker;
        final List<Conn> listeners = new ArrayList<>();
        final Map<LanguageCode, Long> streams = new LinkedHashMap<>();
        boolean active = true;
        boolean paused;
        boolean muted;
        double volume = 1.0;
        long lastStateChange;
        long pausedAt;
        ScheduledFuture<?> grace;
        long received;
        final SerialLane lane;
        /** Deployed flavor: {@code active}, {@code paused} or {@code ended}, as the HTTP API shows it. */
        String status = "active";
        long updatedAt;

        Session(SessionId id, String owner, LanguageCode source, QualityTier tier, long now, java.util.concurrent.Executor workers) {
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

    /** One connection. */
    final class Conn {
        final long id = connIds.incrementAndGet();
        final Peer peer;
        final Role role;
        final Session session;
        final String user;
        final ServerMessage first;
        volatile LanguageCode language;
        volatile boolean open;
        volatile long connectedAt;
        volatile long lastFrameAt;
        volatile long lastHeartbeatAt;
        volatile boolean refreshSent;
        volatile boolean warned;
        final AtomicLong pending = new AtomicLong();
        final List<ScheduledFuture<?>> timers = new ArrayList<>();
        /** Fault: the gateway neither sends to nor reads from it, and tells no one (a half-open link). */
        volatile boolean silenced;
        /** Fault: every frame to it is held back this long (order kept). */
        volatile long delayMillis;
        volatile EncodedText heldBackAudio;

        Conn(Peer peer, Role role, Session session, String user, LanguageCode language, ServerMessage first) {
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

    // ---------------------------------------------------------------------- connect

    /** Validates a connect (protocol sections 1 and 4); the connection is live from {@link #opened}. */
    Conn accept(Map<String, String> query, String authorization, String remoteIp, Peer peer) throws Refusal {
        observer.connectAttempt(clock.millis());
        Refusal injected = refusals.poll();
        if (injected != null) {
            throw injected;
        }
        long now = clock.millis();
        if (deployed) {
            return acceptDeployed(query, authorization, remoteIp, peer, now);
        }
        String action = query.get("action");
        if (action == null || !Set.of("createSession", "joinSession", "refreshConnection").contains(action)) {
            throw Refusal.field("INVALID_ACTION", "action", "Unknown or missing connect action");
        }
        long wait = connects.acquire("connect:ip:" + remoteIp, now);
        if (wait >= 0) {
            throw rateLimited(wait);
        }
        return switch (action) {
            case "createSession" -> create(query, token(query, authorization), peer, now);
            case "joinSession" -> join(query, remoteIp, peer, now);
            default -> refresh(query, token(query, authorization), peer, now);
        };
    }

    /**
     * A connect to the deployed service (protocol section 11.2): any {@code action} is ignored; the session
     * is named by {@code sessionId}; a valid token whose {@code sub} owns it makes a speaker, anything else
     * with no {@code targetLanguage} is refused as a listener without one (an invalid token is let in as
     * anonymous first). No first frame follows.
     */
    private Conn acceptDeployed(Map<String, String> q, String authorization, String remoteIp, Peer peer, long now) throws Refusal {
        String rawId = q.get("sessionId");
        if (rawId == null || rawId.isBlank()) {
            throw Refusal.field("MISSING_SESSION_ID", "sessionId", "sessionId is required");
        }
        if (!SessionId.PATTERN.matcher(rawId).matches()) {
            throw Refusal.field("INVALID_SESSION_ID", "sessionId", "Invalid session ID format");
        }
        long wait = connects.acquire("connect:ip:" + remoteIp, now);
        if (wait >= 0) {
            throw rateLimited(wait);
        }
        SessionId id = SessionId.of(rawId);
        Session session = sessions.get(id);
        if (session == null) {
            throw notFound(id, "Session not found");
        }
        String user = null;
        String token = token(q, authorization);
        if (token != null && !token.isBlank()) {
            try {
                user = verifier.verify(token);
            } catch (TokenVerifier.InvalidTokenException e) {
                user = null; // the authorizer lets an invalid token in as anonymous
            }
        }
        String rawTarget = q.get("targetLanguage");
        synchronized (session) {
            if (!"active".equals(session.status)) {
                throw new Refusal(403, "SESSION_INACTIVE", "Session is not active", Map.of("sessionId", id.value()), null);
            }
            if (rawTarget == null && user != null && user.equals(session.owner)) {
                Conn conn = new Conn(peer, Role.SPEAKER, session, user, null, null);
                session.speaker = conn;
                return conn;
            }
            if (rawTarget == null || rawTarget.isBlank()) {
                throw Refusal.field("MISSING_TARGET_LANGUAGE", "targetLanguage", "targetLanguage is required for listeners");
            }
            if (!LANGUAGE.matcher(rawTarget).matches()) {
                throw Refusal.field("INVALID_TARGET_LANGUAGE", "targetLanguage", "Invalid target language code");
            }
            LanguageCode target;
            try {
                if (!DEPLOYED_LANGUAGES.contains(rawTarget)) {
                    throw new IllegalArgumentException(rawTarget);
                }
                target = LanguageCode.of(rawTarget);
            } catch (IllegalArgumentException e) {
                throw new Refusal(400, "UNSUPPORTED_LANGUAGE", "Language " + rawTarget + " is not supported",
                        Map.of("languageCode", rawTarget), null);
            }
            long joinWait = joins.acquire("join:ip:" + remoteIp, now);
            if (joinWait >= 0) {
                throw rateLimited(joinWait);
            }
            Conn conn = new Conn(peer, Role.LISTENER, session, null, target, null);
            session.listeners.add(conn);
            session.streams.putIfAbsent(target, 0L);
            return conn;
        }
    }

    private Conn create(Map<String, String> q, String token, Peer peer, long now) throws Refusal {
        LanguageCode source = language(q.get("sourceLanguage"), "sourceLanguage", "INVALID_PARAMETERS");
        QualityTier tier;
        try {
            tier = q.get("qualityTier") == null ? QualityTier.STANDARD : QualityTier.of(q.get("qualityTier"));
        } catch (IllegalArgumentException e) {
            throw Refusal.field("INVALID_PARAMETERS", "qualityTier", "qualityTier must be standard or premium");
        }
        boolean partial = !"false".equalsIgnoreCase(q.getOrDefault("partialResults", "true"));
        double stability = number(q.get("minStability"), 0.85, 0.70, 0.95, "minStability");
        double buffer = number(q.get("maxBufferTimeout"), 5.0, 2.0, 10.0, "maxBufferTimeout");
        String user = user(token, "Speaker token required");
        long wait = creations.acquire("create:user:" + user, now);
        if (wait >= 0) {
            throw rateLimited(wait);
        }
        SessionId id;
        Session session;
        synchronized (sessions) {
            try {
                id = ids.next(sessions::containsKey);
            } catch (IllegalStateException e) {
                throw Refusal.of(500, "INTERNAL_ERROR", "Could not generate a session id");
            }
            session = new Session(id, user, source, tier, now, workers);
            sessions.put(id, session);
        }
        ServerMessage first = new ServerMessage.SessionCreated(id, source, tier.wireName(), partial, stability, buffer,
                null, now, now + Duration.ofHours(2).toMillis());
        Conn conn = new Conn(peer, Role.SPEAKER, session, user, null, first);
        synchronized (session) {
            session.speaker = conn;
        }
        return conn;
    }

    private Conn join(Map<String, String> q, String remoteIp, Peer peer, long now) throws Refusal {
        SessionId id = sessionId(q.get("sessionId"));
        LanguageCode target = language(q.get("targetLanguage"), "targetLanguage", "INVALID_PARAMETERS");
        long wait = joins.acquire("join:ip:" + remoteIp, now);
        if (wait >= 0) {
            throw rateLimited(wait);
        }
        Session session = activeSession(id);
        synchronized (session) {
            if (!session.active) {
                throw notFound(id, "Session is no longer active");
            }
            if (session.listeners.size() >= settings.maxListeners()) {
                throw new Refusal(503, "SESSION_FULL", "Session has reached its maximum of " + settings.maxListeners() + " listeners",
                        Map.of("sessionId", id.value(), "maxListeners", settings.maxListeners()), null);
            }
            ServerMessage first = new ServerMessage.SessionJoined(id, target, session.source, null,
                    session.listeners.size() + 1, session.tier.wireName(), now);
            Conn conn = new Conn(peer, Role.LISTENER, session, null, target, first);
            session.listeners.add(conn);
            session.streams.putIfAbsent(target, 0L);
            return conn;
        }
    }

    private Conn refresh(Map<String, String> q, String token, Peer peer, long now) throws Refusal {
        String rawId = q.get("sessionId");
        if (rawId == null || rawId.isBlank()) {
            throw Refusal.field("MISSING_PARAMETER", "sessionId", "sessionId is required");
        }
        SessionId id = sessionId(rawId);
        String rawRole = q.get("role");
        Role role;
        try {
            role = Role.of(rawRole == null ? "" : rawRole);
        } catch (IllegalArgumentException e) {
            throw Refusal.field("INVALID_PARAMETER", "role", "role must be speaker or listener");
        }
        LanguageCode target = null;
        if (role == Role.LISTENER) {
            if (q.get("targetLanguage") == null) {
                throw Refusal.field("MISSING_PARAMETER", "targetLanguage", "targetLanguage is required for a listener");
            }
            target = language(q.get("targetLanguage"), "targetLanguage", "INVALID_PARAMETER");
        }
        Session session = activeSession(id);
        String user = role == Role.SPEAKER ? user(token, "Speaker token required") : null;
        synchronized (session) {
            if (!session.active) {
                throw notFound(id, "Session is no longer active");
            }
            ServerMessage first = new ServerMessage.ConnectionRefreshComplete(id, role.wireName(), target, session.source, now);
            Conn conn = new Conn(peer, role, session, user, target, first);
            if (role == Role.SPEAKER) {
                if (!user.equals(session.owner)) {
                    throw Refusal.of(403, "FORBIDDEN", "Speaker identity mismatch");
                }
                session.speaker = conn; // the old speaker connection is retired: its close no longer ends the session
                if (session.grace != null) {
                    session.grace.cancel(false);
                    session.grace = null;
                }
            } else {
                session.listeners.add(conn); // no capacity check: the overlap of a refresh may exceed the maximum
                session.streams.putIfAbsent(target, 0L);
            }
            return conn;
        }
    }

    /** The upgrade completed: send the first frame and start the connection's clocks. */
    void opened(Conn conn) {
        long now = clock.millis();
        conn.connectedAt = now;
        conn.lastFrameAt = now;
        conn.lastHeartbeatAt = now;
        // Live (so that faults and a restart reach it) before its first frame goes out: a client may act on
        // that frame at once. It takes part in fan-out only after, so nothing overtakes the first frame.
        // Both under the session's lock, which a fan-out holds from its first listener to its last: a chunk
        // is then sent either before the first frame (to the refreshing listener's old connection, ahead of
        // the close the client sends there once the first frame is in) or to this connection too. Without
        // it a fan-out could pass this connection over just before it opened, and reach the old one only
        // after the client, already switched, had closed it: that chunk was lost (seen under CPU load).
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
                    deployed ? null : later(() -> requestRefresh(conn), settings.refreshAfter().toMillis()),
                    deployed ? null : later(() -> warn(conn), settings.warnAfter().toMillis()),
                    later(() -> close(conn, 1001, "Going away: maximum connection age"), settings.maxConnectionAge().toMillis())}) {
                if (t != null) {
                    conn.timers.add(t);
                }
            }
        }
        log.debug("{} open", conn);
    }

    // ---------------------------------------------------------------------- messages

    void received(Conn conn, String text) {
        if (conn.silenced) {
            return;
        }
        long now = clock.millis();
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
            error(conn, "MISSING_ACTION".equals(code) ? null : 400, code, colon > 0 ? reason.substring(colon + 1).trim() : reason, Map.of());
            return;
        }
        if (deployed) {
            receivedDeployed(conn, message, now);
            return;
        }
        String action = message.action();
        if (SPEAKER_ACTIONS.contains(action) && conn.role != Role.SPEAKER) {
            error(conn, 403, "UNAUTHORIZED_ACTION", "Action " + action + " requires speaker role", Map.of());
            return;
        }
        if (LISTENER_ACTIONS.contains(action) && conn.role != Role.LISTENER) {
            error(conn, 403, "UNAUTHORIZED_ACTION", "Action " + action + " requires listener role", Map.of());
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

    private void heartbeat(Conn conn, long now) {
        conn.lastHeartbeatAt = now;
        if (!withholdHeartbeatAcks) {
            send(conn, ServerFrameWriter.write(new ServerMessage.HeartbeatAck(now, now)));
        }
        long age = now - conn.connectedAt;
        if (age >= settings.refreshAfter().toMillis()) {
            requestRefresh(conn);
        }
        if (age >= settings.warnAfter().toMillis() && conn.warned) {
            sendWarning(conn, now);
        }
    }

    /**
     * The deployed service's routes (protocol section 11.3): a heartbeat is always answered, a speaker's
     * {@code audioChunk} is relayed, a listener's {@code changeLanguage} re-keys it without a reply; nothing
     * else reaches a working handler there, so nothing else is answered.
     */
    private void receivedDeployed(Conn conn, ClientMessage message, long now) {
        if (message instanceof ClientMessage.Heartbeat) {
            heartbeatDeployed(conn, now);
        } else if (message instanceof ClientMessage.AudioChunkUpload audio && conn.role == Role.SPEAKER
                && conn.session.id.equals(audio.sessionId())) {
            conn.session.lane.execute(() -> relay(conn.session, audio.audio(), audio.timestamp() > 0 ? audio.timestamp() : now));
        } else if (message instanceof ClientMessage.ChangeLanguage change && conn.role == Role.LISTENER) {
            conn.session.lane.execute(() -> {
                synchronized (conn.session) {
                    conn.language = change.targetLanguage();
                    conn.session.streams.putIfAbsent(change.targetLanguage(), 0L);
                }
            });
        } else {
            undelivered.incrementAndGet();
        }
    }

    /** A heartbeat there: a refresh request while the age is in its window, warnings from warnAfter, then the ack. */
    private void heartbeatDeployed(Conn conn, long now) {
        conn.lastHeartbeatAt = now;
        long age = now - conn.connectedAt;
        long refreshAt = settings.refreshAfter().toMillis();
        if (age >= refreshAt && age < refreshAt + settings.refreshWindow().toMillis()) {
            send(conn, ServerFrameWriter.write(new ServerMessage.ConnectionRefreshRequired(conn.session.id, conn.role.wireName(),
                    conn.role == Role.LISTENER ? conn.language : null, "Connection refresh required", now)));
        } else if (age >= settings.warnAfter().toMillis()) {
            sendWarning(conn, now);
        }
        if (!withholdHeartbeatAcks) {
            send(conn, ServerFrameWriter.write(new ServerMessage.HeartbeatAck(now, null)));
        }
    }

    private void handle(Conn conn, ClientMessage message, long now) {
        Session session = conn.session;
        if (message instanceof ClientMessage.SendAudio audio) {
            relay(session, audio.audio(), audio.timestamp() > 0 ? audio.timestamp() : now);
        } else if (message instanceof ClientMessage.AudioChunkUpload audio) {
            relay(session, audio.audio(), audio.timestamp() > 0 ? audio.timestamp() : now);
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
            send(conn, ServerFrameWriter.write(status(session, "requested", now)));
        } else if (message instanceof ClientMessage.PausePlayback) {
            send(conn, ServerFrameWriter.write(new ServerMessage.PlaybackPaused(session.id, now)));
        } else if (message instanceof ClientMessage.ChangeLanguage change) {
            synchronized (session) {
                conn.language = change.targetLanguage();
                session.streams.putIfAbsent(change.targetLanguage(), 0L);
                send(conn, ServerFrameWriter.write(new ServerMessage.LanguageChanged(session.id, change.targetLanguage(), session.source, now)));
            }
        } else if (message instanceof ClientMessage.EndSession end) {
            endSession(session, end.reason() != null ? end.reason() : "Speaker has ended the session");
        }
    }

    /** Fans {@code audio} out; each frame carries {@code sentAt}, the speaker's send time (or the arrival time). */
    private void relay(Session session, AudioChunk audio, long sentAt) {
        synchronized (session) {
            session.received++;
            if (!session.active || session.paused || session.muted) {
                return; // paused and muted sessions drop audio
            }
            if (segments != null) {
                segments.add(session.id, session.source, listenedLanguages(session), audio, (language, json) -> announce(session, language, json));
                return;
            }
            for (Map.Entry<LanguageCode, Long> stream : session.streams.entrySet()) {
                LanguageCode language = stream.getKey();
                long seq = stream.getValue();
                stream.setValue(seq + 1);
                EncodedText json = null;
                for (Conn listener : session.listeners) {
                    if (language.equals(listener.language)) {
                        if (json == null) {
                            AudioChunk translated = translator.translate(session.id, session.source, language, audio);
                            json = new EncodedText(ServerFrameWriter.write(new ServerMessage.AudioData(session.id, language, translated,
                                    SequenceNumber.of(seq), sentAt)));
                        }
                        sendAudio(listener, json);
                    }
                }
            }
        }
    }

    /** One audio frame to one listener, through the duplicate and reorder faults when they are on. */
    private void sendAudio(Conn listener, EncodedText json) {
        double dup = duplicateAudio;
        double reorder = reorderAudio;
        if (dup == 0 && reorder == 0 && listener.heldBackAudio == null) {
            send(listener, json);
            return;
        }
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        EncodedText held = listener.heldBackAudio;
        if (held != null) {
            listener.heldBackAudio = null;
            send(listener, json);
            send(listener, held);
            return;
        }
        if (random.nextDouble() < reorder) {
            listener.heldBackAudio = json;
            return;
        }
        send(listener, json);
        if (random.nextDouble() < dup) {
            send(listener, json);
        }
    }

    /** Fault: heartbeats get no answer (a service that confirms nothing). */
    volatile boolean withholdHeartbeatAcks;
    volatile double duplicateAudio;
    volatile double reorderAudio;

    private void control(Conn speaker, Kind kind, java.util.function.Consumer<Session> change, long now) {
        Session session = speaker.session;
        synchronized (session) {
            long pausedFor = session.paused ? now - session.pausedAt : 0;
            change.accept(session);
            session.lastStateChange = now;
            BroadcastState state = session.state();
            Double volume = kind == Kind.VOLUME_CHANGED ? session.volume : null;
            String toListeners = ServerFrameWriter.write(new ServerMessage.BroadcastChanged(kind, session.id,
                    kind == Kind.SPEAKER_STATE_CHANGED ? state : null, null, volume, null, now));
            for (Conn listener : session.listeners) {
                send(listener, toListeners);
            }
            send(speaker, ServerFrameWriter.write(new ServerMessage.BroadcastChanged(kind, session.id, state, session.listeners.size(),
                    volume, kind == Kind.BROADCAST_RESUMED && pausedFor > 0 ? pausedFor : null, now)));
        }
    }

    private ServerMessage.SessionStatus status(Session session, String reason, long now) {
        synchronized (session) {
            Map<String, Integer> distribution = new HashMap<>();
            for (Conn l : session.listeners) {
                distribution.merge(l.language == null ? "unknown" : l.language.value(), 1, Integer::sum);
            }
            return new ServerMessage.SessionStatus(session.id, session.listeners.size(), distribution,
                    (now - session.createdAt) / 1000, session.state(), reason, now);
        }
    }

    // ---------------------------------------------------------------------- lifecycle

    void closed(Conn conn, int code, String reason) {
        live.remove(conn);
        conn.open = false;
        // After the frames that came before the close, so an endSession's reason is not lost.
        conn.session.lane.execute(() -> closedInLane(conn, code, reason));
    }

    private void closedInLane(Conn conn, int code, String reason) {
        synchronized (conn.timers) {
            conn.timers.forEach(t -> t.cancel(false));
        }
        Session session = conn.session;
        synchronized (session) {
            if (conn.role == Role.LISTENER) {
                session.listeners.remove(conn);
            } else if (deployed) {
                // the deployed disconnect handler ends the session for any speaker connection (section 11.4)
                endDeployed(session, false);
            } else if (session.speaker == conn && session.active) {
                if (code == 1000 || settings.speakerGrace().isZero()) {
                    endSessionLocked(session, "Speaker has ended the session");
                } else {
                    session.grace = later(() -> {
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

    void endSession(Session session, String text) {
        synchronized (session) {
            endSessionLocked(session, text);
        }
    }

    private void endSessionLocked(Session session, String text) {
        if (!session.active) {
            return;
        }
        session.active = false;
        long now = clock.millis();
        String ended = ServerFrameWriter.write(new ServerMessage.SessionEnded(session.id, text, now));
        for (Conn listener : List.copyOf(session.listeners)) {
            send(listener, ended);
            listener.peer.close(1000, "Session ended");
        }
        log.info("Session {} ended: {}", session.id, text);
    }

    /**
     * The deployed service's end of a session: by the speaker's close, listeners are pushed
     * {@code sessionEnded} with a {@code message} and left open; by {@code DELETE}, every connection, the
     * speaker's too, is pushed one with a {@code reason} and then disconnected.
     */
    private void endDeployed(Session session, boolean deleted) {
        if (!session.active) {
            return;
        }
        session.active = false;
        session.status = "ended";
        long now = clock.millis();
        session.updatedAt = now;
        if (deleted) {
            String ended = "{\"type\":\"sessionEnded\",\"sessionId\":\"" + session.id.value()
                    + "\",\"reason\":\"Session was deleted by speaker\",\"timestamp\":" + now + "}";
            List<Conn> all = new ArrayList<>(session.listeners);
            if (session.speaker != null && session.speaker.open) {
                all.add(session.speaker);
            }
            for (Conn c : all) {
                send(c, ended);
                c.peer.close(1000, "Session deleted");
            }
        } else {
            String ended = ServerFrameWriter.write(new ServerMessage.SessionEnded(session.id, "Speaker has ended the session", now));
            for (Conn listener : List.copyOf(session.listeners)) {
                send(listener, ended);
            }
            if (segments != null) {
                // the last batch goes out after sessionEnded, to listeners still there (section 11.3)
                segments.finish(session.id, session.source, listenedLanguages(session), (language, json) -> announce(session, language, json));
            }
        }
        log.info("Session {} ended ({})", session.id, deleted ? "deleted over HTTP" : "speaker's connection closed");
    }

    /** The languages the session's listeners hear now. Under the session's lock. */
    private static Set<LanguageCode> listenedLanguages(Session session) {
        Set<LanguageCode> languages = new java.util.LinkedHashSet<>();
        for (Conn l : session.listeners) {
            if (l.language != null) {
                languages.add(l.language);
            }
        }
        return languages;
    }

    /** A segment's {@code translatedAudio} to every listener of {@code language}. Under the session's lock. */
    private void announce(Session session, LanguageCode language, String json) {
        EncodedText text = new EncodedText(json);
        for (Conn listener : session.listeners) {
            if (language.equals(listener.language)) {
                send(listener, text);
            }
        }
    }

    // ---------------------------------------------------------------------- the HTTP session API (deployed)

    /** {@code POST /sessions}: a session owned by {@code user}. */
    Session createOverHttp(String user, LanguageCode source, QualityTier tier) throws Refusal {
        long now = clock.millis();
        synchronized (sessions) {
            SessionId id;
            try {
                id = ids.next(sessions::containsKey);
            } catch (IllegalStateException e) {
                throw Refusal.of(500, "INTERNAL_ERROR", "Failed to create session");
            }
            Session session = new Session(id, user, source, tier, now, workers);
            sessions.put(id, session);
            return session;
        }
    }

    /** {@code DELETE /sessions/{id}}. */
    void deleteOverHttp(Session session) {
        synchronized (session) {
            endDeployed(session, true);
        }
    }

    /** {@code PATCH} of the status: {@code ended} ends the session as a delete does; the others only mark it. */
    void updateStatus(Session session, String status) {
        synchronized (session) {
            if ("ended".equals(status)) {
                endDeployed(session, true);
            } else if (session.active) {
                session.status = status;
                session.updatedAt = clock.millis();
            }
        }
    }

    long undeliveredMessages() {
        return undelivered.get();
    }

    long now() {
        return clock.millis();
    }

    private void requestRefresh(Conn conn) {
        if (!conn.open || conn.refreshSent) {
            return;
        }
        conn.refreshSent = true;
        send(conn, ServerFrameWriter.write(new ServerMessage.ConnectionRefreshRequired(conn.session.id, conn.role.wireName(),
                conn.role == Role.LISTENER ? conn.language : null, "Connection refresh required", clock.millis())));
    }

    private void warn(Conn conn) {
        if (conn.open) {
            conn.warned = true;
            sendWarning(conn, clock.millis());
        }
    }

    private void sendWarning(Conn conn, long now) {
        double remaining = (settings.maxConnectionAge().toMillis() - (now - conn.connectedAt)) / 60_000.0;
        send(conn, ServerFrameWriter.write(new ServerMessage.ConnectionWarning("Connection will be closed soon; refresh it",
                remaining, now)));
    }

    private void sweep() {
        long now = clock.millis();
        for (Conn conn : live) {
            if (now - conn.lastFrameAt > settings.idleTimeout().toMillis()) {
                send(conn, ServerFrameWriter.write(new ServerMessage.ConnectionTimeout("Connection idle",
                        (int) ((now - conn.lastFrameAt) / 1000), now)));
                close(conn, 1001, "Idle timeout");
            } else if (!deployed && now - conn.lastHeartbeatAt > settings.heartbeatTimeout().toMillis()) {
                // (the deployed service does not enforce the heartbeat timeout, section 9 S7)
                close(conn, 1001, "Heartbeat timeout");
            }
        }
    }

    /**
     * Runs {@code task} after {@code millis}. A gateway being stopped has nothing left to time: work still
     * draining from its lanes (a speaker's grace period after the server closed its socket) is not scheduled,
     * and null is returned.
     */
    private ScheduledFuture<?> later(Runnable task, long millis) {
        try {
            return timer.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (!timer.isShutdown()) {
                throw e;
            }
            log.debug("gateway stopping; not scheduled: {}", task);
            return null;
        }
    }

    private void close(Conn conn, int code, String reason) {
        if (conn.open) {
            log.debug("closing {}: {}", conn, reason);
            observer.closing(conn.toString(), conn.role, code, reason);
            conn.peer.close(code, reason);
        }
    }

    // ---------------------------------------------------------------------- output

    /** Writes a frame; a connection with too much unsent is dropped as too slow, so it never holds up the rest. */
    void send(Conn conn, String json) {
        send(conn, new EncodedText(json));
    }

    /** As {@link #send(Conn, String)}, with the frame already encoded (one encoding for a fan-out). */
    void send(Conn conn, EncodedText json) {
        if (!conn.open || conn.silenced) {
            return;
        }
        if (conn.delayMillis > 0) {
            long delay = conn.delayMillis;
            later(() -> sendNow(conn, json), delay);
            return;
        }
        sendNow(conn, json);
    }

    /** How long a connection closed as too slow gets to take its close frame before it is cut. */
    static final long SLOW_CLOSE_BOUND_MILLIS = 2_000;

    private void sendNow(Conn conn, EncodedText json) {
        if (!conn.open || conn.silenced) {
            return;
        }
        long size = json.size();
        long pending = conn.pending.addAndGet(size);
        if (pending > settings.maxOutboundBytes()) {
            conn.pending.addAndGet(-size);
            if (conn.open) {
                conn.open = false;
                slowClosed.incrementAndGet();
                log.warn("Closing {}: {} bytes waiting to be written, over the limit of {}", conn, pending,
                        settings.maxOutboundBytes());
                observer.closing(conn.toString(), conn.role, 1013, "Too slow: outbound buffer full");
                conn.peer.close(1013, "Too slow: outbound buffer full");
                // The close frame queues behind everything the peer never read, so a peer that reads
                // nothing would hold its buffers until the idle timeout: cut it after a short bound.
                later(conn.peer::disconnect, SLOW_CLOSE_BOUND_MILLIS);
            }
            return;
        }
        conn.peer.sendText(json, failure -> conn.pending.addAndGet(-size));
    }

    private void error(Conn conn, Integer status, String code, String message, Map<String, Object> details) {
        send(conn, ServerFrameWriter.write(new ServerMessage.ErrorFrame(code, message, status, null, details, clock.millis())));
    }

    // ---------------------------------------------------------------------- checks

    private static String token(Map<String, String> query, String authorization) {
        String token = query.get("token");
        if ((token == null || token.isBlank()) && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = authorization.substring(7).trim();
        }
        return token;
    }

    private String user(String token, String missing) throws Refusal {
        if (token == null || token.isBlank()) {
            throw Refusal.of(401, "UNAUTHORIZED", missing);
        }
        try {
            return verifier.verify(token);
        } catch (TokenVerifier.InvalidTokenException e) {
            throw Refusal.of(401, "UNAUTHORIZED", e.getMessage());
        }
    }

    private static LanguageCode language(String raw, String field, String code) throws Refusal {
        if (raw == null || !LANGUAGE.matcher(raw).matches()) {
            throw Refusal.field(code, field, field + " must be a two-letter language code");
        }
        try {
            return LanguageCode.of(raw);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "UNSUPPORTED_LANGUAGE", "Language " + raw + " is not supported",
                    Map.of("languageCode", raw), null);
        }
    }

    private static double number(String raw, double fallback, double min, double max, String field) throws Refusal {
        if (raw == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(raw);
            if (v < min || v > max) {
                throw Refusal.field("INVALID_CONFIGURATION", field, field + " must be between " + min + " and " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw Refusal.field("INVALID_PARAMETERS", field, field + " must be a number");
        }
    }

    private static SessionId sessionId(String raw) throws Refusal {
        if (raw == null || !SessionId.PATTERN.matcher(raw.trim().toLowerCase(Locale.ROOT)).matches()) {
            throw Refusal.field("INVALID_SESSION_ID", "sessionId", "sessionId must look like adjective-noun-123");
        }
        return SessionId.of(raw);
    }

    private Session activeSession(SessionId id) throws Refusal {
        Session session = sessions.get(id);
        if (session == null || !session.active) {
            throw notFound(id, "Session not found");
        }
        return session;
    }

    private static Refusal notFound(SessionId id, String message) {
        return new Refusal(404, "SESSION_NOT_FOUND", message, Map.of("sessionId", id.value()), null);
    }

    private static Refusal rateLimited(long seconds) {
        return new Refusal(429, "RATE_LIMIT_EXCEEDED", "Rate limit exceeded. Retry after " + seconds + " seconds.",
                Map.of(), seconds);
    }

    // ---------------------------------------------------------------------- observation

    /** Connections open now. */
    int liveConnections() {
        return live.size();
    }

    /** The open connections, for fault injection. */
    List<Conn> connections() {
        return List.copyOf(live);
    }

    /** Forgets every session and drops every connection without a close frame: a restart that lost its state. */
    void restart() {
        for (Conn conn : List.copyOf(live)) {
            conn.silenced = true;
            conn.peer.disconnect();
        }
        sessions.clear();
    }

    Session session(SessionId id) {
        return sessions.get(id);
    }

    long slowConnectionsClosed() {
        return slowClosed.get();
    }
}

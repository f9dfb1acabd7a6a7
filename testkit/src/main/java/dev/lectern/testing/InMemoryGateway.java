package dev.lectern.testing;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.Role;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.BroadcastState;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.message.ServerMessage.BroadcastChanged.Kind;
import dev.lectern.domain.session.ConnectFailure;
import dev.lectern.domain.session.ConnectRequest;
import dev.lectern.port.Scheduler;
import dev.lectern.port.Transport;
import dev.lectern.port.TransportConnection;
import dev.lectern.port.TransportListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A scripted, in-memory stand-in for the service, on a {@link ManualScheduler}: the protocol's three
 * connect actions, fan-out per session and language with a sequence number per stream, heartbeats,
 * one refresh request per connection at {@code refreshAfter}, warnings and the cutoff, broadcast controls,
 * language changes and session end. Frames travel with a latency and in order per connection, as over
 * TCP. Faults are injected by the test: drops, half-open links, stalls, refused connects, and per-frame
 * duplication, reordering and malformed frames.
 *
 * <p>A speaker connection lost without a close frame keeps its session for {@code speakerGrace}, so the
 * speaker can resume it with {@code refreshConnection}; a clean close or {@code endSession} ends it.
 */
public final class InMemoryGateway {
    private static final String[] ADJECTIVES = {"golden", "quiet", "bright", "gentle", "swift", "brave", "calm", "eager"};
    private static final String[] NOUNS = {"eagle", "river", "harbor", "meadow", "lantern", "falcon", "orchard", "summit"};

    private final ManualScheduler scheduler;
    private final Settings settings;
    private final Map<SessionId, Session> sessions = new LinkedHashMap<>();
    private final List<Conn> live = new ArrayList<>();
    private final Deque<ConnectFailure> refusals = new ArrayDeque<>();
    private final List<Long> transmittedChunks = new ArrayList<>();
    private SplittableRandom frameRandom;
    private double duplicateProbability;
    private double reorderProbability;
    private double malformedProbability;
    private long serverIds;
    private int sessionCount;
    private long framesDuplicated;
    private long framesReordered;
    private long framesMalformed;
    private int maxLiveConnections;

    /** Gateway timings; defaults as protocol section 5. */
    public record Settings(Duration latency, Duration refreshAfter, Duration warnAfter, Duration maxConnectionAge,
                           Duration speakerGrace, int maxListeners) {
        public static Settings ofDefaults() {
            return new Settings(Duration.ofMillis(20), Duration.ofMinutes(100), Duration.ofMinutes(105),
                    Duration.ofMinutes(120), Duration.ofSeconds(60), 500);
        }

        public Settings withLatency(Duration value) {
            return new Settings(value, refreshAfter, warnAfter, maxConnectionAge, speakerGrace, maxListeners);
        }

        public Settings withRefresh(Duration refresh, Duration warn, Duration cutoff) {
            return new Settings(latency, refresh, warn, cutoff, speakerGrace, maxListeners);
        }

        public Settings withSpeakerGrace(Duration value) {
            return new Settings(latency, refreshAfter, warnAfter, maxConnectionAge, value, maxListeners);
        }

        public Settings withMaxListeners(int value) {
            return new Settings(latency, refreshAfter, warnAfter, maxConnectionAge, speakerGrace, value);
        }
    }

    /** What the gateway knows of one session. */
    public static final class Session {
        final SessionId id;
        final String owner;
        final LanguageCode source;
        Conn speaker;
        final List<Conn> listeners = new ArrayList<>();
        final Map<LanguageCode, Long> streams = new LinkedHashMap<>();
        final List<Long> received = new ArrayList<>();
        boolean active = true;
        boolean paused;
        Scheduler.Cancellable grace;

        Session(SessionId id, String owner, LanguageCode source) {
            this.id = id;
            this.owner = owner;
            this.source = source;
        }

        public SessionId id() {
            return id;
        }

        public boolean active() {
            return active;
        }

        /** Chunk ids the gateway received from the speaker, in arrival order. */
        public List<Long> received() {
            return List.copyOf(received);
        }

        /** Chunks relayed so far on the stream of {@code language} (the next sequence number). */
        public long relayed(LanguageCode language) {
            return streams.getOrDefault(language, 0L);
        }

        /** Listener connections the gateway counts (the overlap of a refresh counts twice). */
        public int listenerCount() {
            return listeners.size();
        }
    }

    public InMemoryGateway(ManualScheduler scheduler, Settings settings) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler is null");
        this.settings = Objects.requireNonNull(settings, "settings is null");
    }

    /** A transport that reaches this gateway; give each client its own or share one. */
    public Transport transport() {
        return this::open;
    }

    // ---------------------------------------------------------------------- fault controls

    /** The next {@code count} connects are refused with {@code failure}. */
    public void refuseNext(int count, ConnectFailure failure) {
        for (int i = 0; i < count; i++) {
            refusals.add(failure);
        }
    }

    /** From now on, each audio frame to a listener is duplicated, held back past the next one, or preceded by a malformed frame with these probabilities. */
    public void frameFaults(long seed, double duplicate, double reorder, double malformed) {
        frameRandom = new SplittableRandom(seed);
        duplicateProbability = duplicate;
        reorderProbability = reorder;
        malformedProbability = malformed;
    }

    /** The connections the gateway holds open. */
    public List<Conn> connections() {
        return List.copyOf(live);
    }

    /** Breaks {@code conn} without a close frame: both ends see it gone (code 1006 at the client). */
    public void drop(Conn conn) {
        serverClose(conn, 1006, "connection lost", true);
    }

    /** Makes {@code conn} half-open: nothing more arrives at either end, and neither end is told. */
    public void silence(Conn conn) {
        conn.silent = true;
    }

    /** Holds back every frame to {@code conn} for {@code delay} (order kept). */
    public void stall(Conn conn, Duration delay) {
        conn.deliverAfter = Math.max(conn.deliverAfter, scheduler.now()) + delay.toMillis();
    }

    /** Sends a frame the client cannot decode. */
    public void sendMalformed(Conn conn, String reason) {
        deliver(conn, null, reason);
    }

    // ---------------------------------------------------------------------- observation

    public List<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    public Session session(SessionId id) {
        return sessions.get(id);
    }

    /** Every chunk id a speaker handed to this transport, in order (the client side of the wire). */
    public List<Long> transmittedChunks() {
        return List.copyOf(transmittedChunks);
    }

    /** The most connections ever open at once. */
    public int maxLiveConnections() {
        return maxLiveConnections;
    }

    public long framesDuplicated() {
        return framesDuplicated;
    }

    public long framesReordered() {
        return framesReordered;
    }

    public long framesMalformed() {
        return framesMalformed;
    }

    // ---------------------------------------------------------------------- connections

    /** One connection as both ends see it. */
    public final class Conn implements TransportConnection {
        private final long serverId;
        private final ConnectionId clientId;
        private final TransportListener client;
        private Role role;
        private Session session;
        private LanguageCode language;
        private String user;
        private boolean serverOpen;
        private boolean clientOpen = true;
        private boolean silent;
        private long deliverAfter;
        private final List<Scheduler.Cancellable> timers = new ArrayList<>();
        private ServerMessage heldBack;

        Conn(long serverId, ConnectionId clientId, TransportListener client) {
            this.serverId = serverId;
            this.clientId = clientId;
            this.client = client;
        }

        @Override
        public ConnectionId id() {
            return clientId;
        }

        public Role role() {
            return role;
        }

        public LanguageCode language() {
            return language;
        }

        public Session session() {
            return session;
        }

        @Override
        public CompletionStage<Void> send(ClientMessage message) {
            if (!clientOpen) {
                return CompletableFuture.failedFuture(new IllegalStateException("connection " + clientId + " is closed"));
            }
            if (message instanceof ClientMessage.SendAudio audio) {
                transmittedChunks.add(audio.chunkId());
            } else if (message instanceof ClientMessage.AudioChunkUpload audio) {
                transmittedChunks.add(audio.chunkIndex());
            }
            scheduler.schedule(settings.latency(), () -> receive(this, message));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close(int code, String reason) {
            if (!clientOpen) {
                return;
            }
            clientOpen = false;
            scheduler.schedule(settings.latency(), () -> {
                disconnected(this, code == 1000);
                scheduler.schedule(settings.latency(), () -> client.onClosed(clientId, code, reason));
            });
        }

        @Override
        public void abort() {
            if (!clientOpen) {
                return;
            }
            clientOpen = false;
            // No close handshake: the server sees the link gone, the client hears of it once, as 1006.
            scheduler.schedule(settings.latency(), () -> disconnected(this, false));
            scheduler.schedule(Duration.ZERO, () -> client.onClosed(clientId, 1006, "aborted"));
        }

        @Override
        public String toString() {
            return "Conn[" + serverId + "/" + clientId + ", " + role + (language == null ? "" : " " + language) + "]";
        }
    }

    private TransportConnection open(ConnectionId id, ConnectRequest request, TransportListener listener) {
        Conn conn = new Conn(++serverIds, id, listener);
        scheduler.schedule(settings.latency(), () -> accept(conn, request));
        return conn;
    }

    private void accept(Conn conn, ConnectRequest request) {
        if (!conn.clientOpen) {
            return;
        }
        if (!refusals.isEmpty()) {
            refuse(conn, refusals.poll());
            return;
        }
        ServerMessage first;
        long now = scheduler.now();
        if (request instanceof ConnectRequest.CreateSession create) {
            String user = userOf(create.idToken().value());
            SessionId id = newSessionId();
            Session session = new Session(id, user, create.params().sourceLanguage());
            sessions.put(id, session);
            conn.role = Role.SPEAKER;
            conn.user = user;
            conn.session = session;
            session.speaker = conn;
            first = new ServerMessage.SessionCreated(id, create.params().sourceLanguage(),
                    create.params().qualityTier().wireName(), create.params().partialResults(),
                    create.params().minStability(), create.params().maxBufferTimeoutSeconds(), "srv-" + conn.serverId,
                    now, now + Duration.ofHours(2).toMillis());
        } else if (request instanceof ConnectRequest.JoinSession join) {
            Session session = sessions.get(join.sessionId());
            if (session == null || !session.active) {
                refuse(conn, new ConnectFailure(404, "SESSION_NOT_FOUND", "Session not found", null));
                return;
            }
            if (session.listeners.size() >= settings.maxListeners()) {
                refuse(conn, new ConnectFailure(503, "SESSION_FULL", "Session is full", null));
                return;
            }
            conn.role = Role.LISTENER;
            conn.session = session;
            conn.language = join.targetLanguage();
            session.listeners.add(conn);
            session.streams.putIfAbsent(join.targetLanguage(), 0L);
            first = new ServerMessage.SessionJoined(session.id, join.targetLanguage(), session.source,
                    "srv-" + conn.serverId, session.listeners.size(), "standard", now);
        } else {
            ConnectRequest.RefreshConnection refresh = (ConnectRequest.RefreshConnection) request;
            Session session = sessions.get(refresh.sessionId());
            if (session == null || !session.active) {
                refuse(conn, new ConnectFailure(404, "SESSION_NOT_FOUND", "Session not found", null));
                return;
            }
            conn.role = refresh.role();
            conn.session = session;
            if (refresh.role() == Role.SPEAKER) {
                String user = userOf(refresh.idToken().value());
                if (!user.equals(session.owner)) {
                    refuse(conn, new ConnectFailure(403, "FORBIDDEN", "Speaker identity mismatch", null));
                    return;
                }
                conn.user = user;
                session.speaker = conn;
                if (session.grace != null) {
                    session.grace.cancel();
                    session.grace = null;
                }
            } else {
                conn.language = refresh.targetLanguage();
                session.listeners.add(conn);
                session.streams.putIfAbsent(refresh.targetLanguage(), 0L);
            }
            first = new ServerMessage.ConnectionRefreshComplete(session.id, refresh.role().wireName(),
                    conn.language, session.source, now);
        }
        conn.serverOpen = true;
        live.add(conn);
        maxLiveConnections = Math.max(maxLiveConnections, live.size());
        conn.client.onOpen(conn.clientId);
        deliver(conn, first, null);
        conn.timers.add(scheduler.schedule(settings.refreshAfter(), () -> deliver(conn,
                new ServerMessage.ConnectionRefreshRequired(conn.session.id, conn.role.wireName(), conn.language,
                        "Connection refresh required", scheduler.now()), null)));
        conn.timers.add(scheduler.schedule(settings.warnAfter(), () -> deliver(conn,
                new ServerMessage.ConnectionWarning("Connection will close soon",
                        (double) (settings.maxConnectionAge().toMinutes() - settings.warnAfter().toMinutes()),
                        scheduler.now()), null)));
        conn.timers.add(scheduler.schedule(settings.maxConnectionAge(), () -> serverClose(conn, 1001, "Going away", false)));
    }

    private void refuse(Conn conn, ConnectFailure failure) {
        conn.clientOpen = false;
        conn.client.onRefused(conn.clientId, failure);
    }

    private void receive(Conn conn, ClientMessage message) {
        if (!conn.serverOpen || conn.silent) {
            return; // lost in flight
        }
        Session session = conn.session;
        long now = scheduler.now();
        if (message instanceof ClientMessage.Heartbeat) {
            deliver(conn, new ServerMessage.HeartbeatAck(now, now), null);
        } else if (message instanceof ClientMessage.SendAudio audio && conn.role == Role.SPEAKER) {
            session.received.add(audio.chunkId());
            if (session.active && !session.paused) {
                fanOut(session, audio.audio());
            }
        } else if (message instanceof ClientMessage.AudioChunkUpload audio && conn.role == Role.SPEAKER) {
            session.received.add(audio.chunkIndex());
            if (session.active && !session.paused) {
                fanOut(session, audio.audio());
            }
        } else if (message instanceof ClientMessage.PauseBroadcast && conn.role == Role.SPEAKER) {
            session.paused = true;
            broadcast(conn, Kind.BROADCAST_PAUSED);
        } else if (message instanceof ClientMessage.ResumeBroadcast && conn.role == Role.SPEAKER) {
            session.paused = false;
            broadcast(conn, Kind.BROADCAST_RESUMED);
        } else if (message instanceof ClientMessage.MuteBroadcast && conn.role == Role.SPEAKER) {
            broadcast(conn, Kind.BROADCAST_MUTED);
        } else if (message instanceof ClientMessage.UnmuteBroadcast && conn.role == Role.SPEAKER) {
            broadcast(conn, Kind.BROADCAST_UNMUTED);
        } else if (message instanceof ClientMessage.GetSessionStatus && conn.role == Role.SPEAKER) {
            Map<String, Integer> languages = new HashMap<>();
            for (Conn l : session.listeners) {
                languages.merge(l.language.value(), 1, Integer::sum);
            }
            deliver(conn, new ServerMessage.SessionStatus(session.id, session.listeners.size(), languages, 0L,
                    state(session), "requested", now), null);
        } else if (message instanceof ClientMessage.ChangeLanguage change && conn.role == Role.LISTENER) {
            conn.language = change.targetLanguage();
            session.streams.putIfAbsent(change.targetLanguage(), 0L);
            deliver(conn, new ServerMessage.LanguageChanged(session.id, change.targetLanguage(), session.source, now), null);
        } else if (message instanceof ClientMessage.EndSession end && conn.role == Role.SPEAKER) {
            endSession(session, end.reason() != null ? end.reason() : "Speaker has ended the session");
        } else {
            deliver(conn, new ServerMessage.ErrorFrame("INVALID_ACTION", "Unsupported action " + message.action(),
                    400, null, Map.of(), now), null);
        }
    }

    private void fanOut(Session session, dev.lectern.domain.AudioChunk audio) {
        long now = scheduler.now();
        for (Map.Entry<LanguageCode, Long> stream : session.streams.entrySet()) {
            LanguageCode language = stream.getKey();
            long seq = stream.getValue();
            stream.setValue(seq + 1);
            ServerMessage.AudioData frame = new ServerMessage.AudioData(session.id, language, audio,
                    SequenceNumber.of(seq), now);
            List<Conn> listeners = session.listeners;
            for (int i = 0; i < listeners.size(); i++) {
                Conn listener = listeners.get(i);
                if (language.equals(listener.language)) {
                    deliverAudio(listener, frame);
                }
            }
        }
    }

    private void deliverAudio(Conn conn, ServerMessage.AudioData frame) {
        if (frameRandom == null) {
            deliver(conn, frame, null);
            return;
        }
        if (frameRandom.nextDouble() < malformedProbability) {
            framesMalformed++;
            deliver(conn, null, "injected malformed frame");
        }
        if (conn.heldBack != null) {
            deliver(conn, frame, null);
            deliver(conn, conn.heldBack, null);
            conn.heldBack = null;
            return;
        }
        if (frameRandom.nextDouble() < reorderProbability) {
            framesReordered++;
            conn.heldBack = frame;
            return;
        }
        deliver(conn, frame, null);
        if (frameRandom.nextDouble() < duplicateProbability) {
            framesDuplicated++;
            deliver(conn, frame, null);
        }
    }

    private void broadcast(Conn speaker, Kind kind) {
        Session session = speaker.session;
        long now = scheduler.now();
        BroadcastState state = state(session);
        for (Conn listener : List.copyOf(session.listeners)) {
            deliver(listener, new ServerMessage.BroadcastChanged(kind, session.id, null, null, null, null, now), null);
        }
        deliver(speaker, new ServerMessage.BroadcastChanged(kind, session.id, state, session.listeners.size(), null,
                null, now), null);
    }

    private static BroadcastState state(Session session) {
        return new BroadcastState(session.active, session.paused, false, 1.0, 0);
    }

    private void endSession(Session session, String text) {
        if (!session.active) {
            return;
        }
        session.active = false;
        long now = scheduler.now();
        for (Conn listener : List.copyOf(session.listeners)) {
            if (listener.heldBack != null) {
                deliver(listener, listener.heldBack, null);
                listener.heldBack = null;
            }
            deliver(listener, new ServerMessage.SessionEnded(session.id, text, now), null);
            serverClose(listener, 1000, "Session ended", false);
        }
    }

    /** The server's side of a connection going away; a current speaker lost without a close frame gets a grace period. */
    private void disconnected(Conn conn, boolean clean) {
        if (!conn.serverOpen) {
            return;
        }
        conn.serverOpen = false;
        live.remove(conn);
        conn.timers.forEach(Scheduler.Cancellable::cancel);
        Session session = conn.session;
        if (conn.role == Role.LISTENER) {
            session.listeners.remove(conn);
        } else if (session.speaker == conn) {
            if (clean) {
                endSession(session, "Speaker has ended the session");
            } else {
                session.grace = scheduler.schedule(settings.speakerGrace(), () -> {
                    if (session.speaker == conn) {
                        endSession(session, "Speaker has ended the session");
                    }
                });
            }
        }
    }

    /** The server closes {@code conn}: after the frames already on their way, the client sees the close. */
    private void serverClose(Conn conn, int code, String reason, boolean abrupt) {
        if (!conn.serverOpen) {
            return;
        }
        disconnected(conn, false); // a speaker the server cut may resume within the grace period
        long at = abrupt ? scheduler.now() + settings.latency().toMillis()
                : Math.max(scheduler.now() + settings.latency().toMillis(), conn.deliverAfter);
        if (abrupt) {
            conn.silent = true; // frames still on their way are lost with the link
        }
        conn.deliverAfter = at;
        scheduler.schedule(Duration.ofMillis(at - scheduler.now()), () -> {
            if (conn.clientOpen) {
                conn.clientOpen = false;
                conn.client.onClosed(conn.clientId, code, reason);
            }
        });
    }

    /** Sends {@code message} (or, when null, a malformed frame) in order after what is already on its way. */
    private void deliver(Conn conn, ServerMessage message, String malformedReason) {
        if (!conn.serverOpen || conn.silent) {
            return;
        }
        long at = Math.max(scheduler.now() + settings.latency().toMillis(), conn.deliverAfter);
        conn.deliverAfter = at;
        scheduler.schedule(Duration.ofMillis(at - scheduler.now()), () -> {
            if (!conn.clientOpen || conn.silent) {
                return;
            }
            if (message == null) {
                conn.client.onMalformed(conn.clientId, malformedReason);
            } else {
                conn.client.onMessage(conn.clientId, message);
            }
        });
    }

    private SessionId newSessionId() {
        int n = sessionCount++;
        String adjective = ADJECTIVES[n % ADJECTIVES.length];
        String noun = NOUNS[(n / ADJECTIVES.length) % NOUNS.length];
        return new SessionId(adjective + "-" + noun + "-" + (100 + n % 900));
    }

    /** The user a token stands for: the part before the last dash ({@code alice-3} is alice). */
    private static String userOf(String token) {
        int dash = token.lastIndexOf('-');
        return dash > 0 ? token.substring(0, dash) : token;
    }
}

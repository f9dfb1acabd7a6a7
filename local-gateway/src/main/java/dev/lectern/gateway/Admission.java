package dev.lectern.gateway;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.QualityTier;
import dev.lectern.domain.Role;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.ServerMessage;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Who may connect, and as what (protocol sections 1 and 4, and 11.2 for the deployed service): the connect
 * query's checks, the token, the rate limits per address and per user, the session's capacity. A connect
 * that passes becomes a {@link GatewayConnection} in its session; one that does not, a {@link Refusal}.
 */
final class Admission {
    private static final Pattern LANGUAGE = Pattern.compile("^[a-z]{2}$");
    /** The languages the deployed service accepts, as a session's source and as a listener's target (section 11.1). */
    static final Set<String> DEPLOYED_LANGUAGES = Set.of("en", "es", "fr", "de", "it", "pt", "ru", "ja", "ko", "zh",
            "ar", "hi", "nl", "pl", "tr", "sv", "da", "no", "fi");

    private final GatewaySettings settings;
    private final boolean deployed;
    private final TokenVerifier verifier;
    private final SessionRegistry sessions;
    private final FaultSwitches faults;
    private final GatewayObserver observer;
    private final GatewayClock time;
    private final RateLimiter connects;
    private final RateLimiter joins;
    private final RateLimiter creations;
    private final AtomicLong connectionIds = new AtomicLong();

    Admission(GatewaySettings settings, TokenVerifier verifier, SessionRegistry sessions, FaultSwitches faults,
              GatewayObserver observer, GatewayClock time) {
        this.settings = settings;
        this.deployed = settings.flavor() == GatewaySettings.Flavor.DEPLOYED;
        this.verifier = verifier;
        this.sessions = sessions;
        this.faults = faults;
        this.observer = observer;
        this.time = time;
        this.connects = new RateLimiter(settings.connectsPerMinute(), Duration.ofMinutes(1));
        this.joins = new RateLimiter(settings.joinsPerMinute(), Duration.ofMinutes(1));
        this.creations = new RateLimiter(settings.sessionsPerHour(), Duration.ofHours(1));
    }

    /** Validates a connect; the connection is live once it is opened. */
    GatewayConnection accept(Map<String, String> query, String authorization, String remoteIp, Peer peer) throws Refusal {
        GatewayConnection conn = admit(query, authorization, remoteIp, peer);
        conn.remoteIp = remoteIp;
        return conn;
    }

    /**
     * A deployed listener's {@code joinSession} message (protocol section 11.3): null when it may join, else why
     * not; it counts against the joins per address, as a join does.
     */
    Refusal joinMessage(GatewayConnection conn, GatewaySession session, dev.lectern.domain.message.ClientMessage.JoinSession join,
                        long now) {
        long wait = joins.acquire("join:ip:" + conn.remoteIp, now);
        if (wait >= 0) {
            return rateLimited(wait);
        }
        if (session == null) {
            return notFound(join.sessionId(), "Session not found");
        }
        synchronized (session) {
            if (!"active".equals(session.status)) {
                return new Refusal(403, "SESSION_INACTIVE", "Session is not active", Map.of("sessionId", session.id.value()), null);
            }
        }
        if (!DEPLOYED_LANGUAGES.contains(join.targetLanguage().value())) {
            return new Refusal(400, "UNSUPPORTED_LANGUAGE", "Language " + join.targetLanguage().value() + " is not supported",
                    Map.of("languageCode", join.targetLanguage().value()), null);
        }
        return null;
    }

    private GatewayConnection admit(Map<String, String> query, String authorization, String remoteIp, Peer peer) throws Refusal {
        observer.connectAttempt(time.now());
        Refusal injected = faults.refusals.poll();
        if (injected != null) {
            throw injected;
        }
        long now = time.now();
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

    private GatewayConnection connection(Peer peer, Role role, GatewaySession session, String user, LanguageCode language,
                                         ServerMessage first) {
        return new GatewayConnection(connectionIds.incrementAndGet(), peer, role, session, user, language, first);
    }

    /**
     * A connect to the deployed service (protocol section 11.2): any {@code action} is ignored; the session
     * is named by {@code sessionId}; a valid token whose {@code sub} owns it makes a speaker, anything else
     * with no {@code targetLanguage} is refused as a listener without one (an invalid token is let in as
     * anonymous first). No first frame follows.
     */
    private GatewayConnection acceptDeployed(Map<String, String> q, String authorization, String remoteIp, Peer peer, long now)
            throws Refusal {
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
        GatewaySession session = sessions.get(id);
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
                GatewayConnection conn = connection(peer, Role.SPEAKER, session, user, null, null);
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
            GatewayConnection conn = connection(peer, Role.LISTENER, session, null, target, null);
            session.listeners.add(conn);
            session.streams.putIfAbsent(target, 0L);
            return conn;
        }
    }

    private GatewayConnection create(Map<String, String> q, String token, Peer peer, long now) throws Refusal {
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
        GatewaySession session = sessions.create(user, source, tier, now, "Could not generate a session id");
        ServerMessage first = new ServerMessage.SessionCreated(session.id, source, tier.wireName(), partial, stability, buffer,
                null, now, now + Duration.ofHours(2).toMillis());
        GatewayConnection conn = connection(peer, Role.SPEAKER, session, user, null, first);
        synchronized (session) {
            session.speaker = conn;
        }
        return conn;
    }

    private GatewayConnection join(Map<String, String> q, String remoteIp, Peer peer, long now) throws Refusal {
        SessionId id = sessionId(q.get("sessionId"));
        LanguageCode target = language(q.get("targetLanguage"), "targetLanguage", "INVALID_PARAMETERS");
        long wait = joins.acquire("join:ip:" + remoteIp, now);
        if (wait >= 0) {
            throw rateLimited(wait);
        }
        GatewaySession session = activeSession(id);
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
            GatewayConnection conn = connection(peer, Role.LISTENER, session, null, target, first);
            session.listeners.add(conn);
            session.streams.putIfAbsent(target, 0L);
            return conn;
        }
    }

    private GatewayConnection refresh(Map<String, String> q, String token, Peer peer, long now) throws Refusal {
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
        GatewaySession session = activeSession(id);
        String user = role == Role.SPEAKER ? user(token, "Speaker token required") : null;
        synchronized (session) {
            if (!session.active) {
                throw notFound(id, "Session is no longer active");
            }
            ServerMessage first = new ServerMessage.ConnectionRefreshComplete(id, role.wireName(), target, session.source, now);
            GatewayConnection conn = connection(peer, role, session, user, target, first);
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

    private GatewaySession activeSession(SessionId id) throws Refusal {
        GatewaySession session = sessions.get(id);
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
}

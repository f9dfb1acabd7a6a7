package dev.lectern.micrometer;

/** The names of Lectern's meters, in one place; tags are {@code role}, {@code language} and the host's own. */
public final class LecternMeters {
    /** Audio chunks, tag {@code kind}: captured and sent (speaker), played (listener). */
    public static final String AUDIO_CHUNKS = "lectern.audio.chunks";
    /** Chunks a speaker dropped, tag {@code reason} (QUEUE_FULL, PAUSED, ...). */
    public static final String AUDIO_DROPPED = "lectern.audio.dropped";
    /** Chunks a listener never got, reported in gaps. */
    public static final String AUDIO_GAP_CHUNKS = "lectern.audio.gap.chunks";
    /** Chunks a listener received twice and discarded (the overlap of a refresh). */
    public static final String AUDIO_DUPLICATES = "lectern.audio.duplicates";
    /** Frames from the service, tag {@code outcome}: rejected (unreadable), ignored (unknown type), stale (a retired connection). */
    public static final String FRAMES = "lectern.frames";
    /** Connections replaced make-before-break. */
    public static final String REFRESHES = "lectern.connection.refreshes";
    /** Connections re-established after a drop. */
    public static final String RECONNECTS = "lectern.connection.reconnects";
    /** Errors the client reported, tag {@code code}. */
    public static final String ERRORS = "lectern.errors";
    /** 1 for the state the client is in, 0 for the others, tag {@code state}. */
    public static final String STATE = "lectern.state";
    /** Captured chunks waiting to be sent (speaker). */
    public static final String SEND_QUEUE = "lectern.send.queue";
    /** Audio waiting in the jitter buffer, milliseconds (listener). */
    public static final String JITTER_BUFFER = "lectern.jitter.buffer";
    /** Age of the current connection, seconds (the service cuts at 2 hours). */
    public static final String CONNECTION_AGE = "lectern.connection.age";
    /** From the start of a refresh to the switch to the new connection. */
    public static final String REFRESH_DURATION = "lectern.refresh.duration";
    /** At a listener: the interval between the last chunk before a refresh completed and the first after. */
    public static final String REFRESH_AUDIO_GAP = "lectern.refresh.audio.gap";
    /** At a listener: from the time the audio frame carried (the speaker's send time) to playing it. */
    public static final String AUDIO_LATENCY = "lectern.audio.latency";
    /** From a dropped connection to being back. */
    public static final String RECONNECT_DURATION = "lectern.reconnect.duration";

    /**
     * The error codes {@link #ERRORS} is tagged with as they are; any other code a service sends is tagged
     * {@code other}, so that a service cannot grow the number of series without bound.
     */
    public static final java.util.Set<String> ERROR_CODES = java.util.Set.of(
            // the protocol's (section 4)
            "UNAUTHORIZED", "FORBIDDEN", "INVALID_ACTION", "INVALID_PARAMETERS", "INVALID_SESSION_ID", "INVALID_LANGUAGE",
            "UNSUPPORTED_LANGUAGE", "INVALID_CONFIGURATION", "SESSION_NOT_FOUND", "SESSION_FULL", "RATE_LIMIT_EXCEEDED",
            "MISSING_PARAMETER", "INVALID_PARAMETER", "INVALID_MESSAGE", "MISSING_ACTION", "CONNECTION_NOT_FOUND",
            "UNAUTHORIZED_ACTION", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "MISSING_SESSION_ID", "SESSION_INACTIVE",
            "MISSING_TARGET_LANGUAGE", "INVALID_TARGET_LANGUAGE", "DB_WRITE_FAILED",
            // Lectern's own
            "NETWORK_ERROR", "CONFIRM_TIMEOUT", "TLS_CERTIFICATE_REJECTED", "INVALID_REQUEST", "NOT_CONNECTED", "REFRESH_FAILED",
            "CONNECTION_LOST", "GATEWAY_ERROR", "SPEAKER_CONNECTION_CLOSED", "NO_TOKEN_PROVIDER", "AUTH_FAILED",
            "NO_SESSION_API", "SESSION_API_FAILED", "INVALID_RESPONSE", "SINK_FAILED", "COGNITO_CIRCUIT_OPEN", "COGNITO_UNAVAILABLE",
            // sign-in (CognitoErrors)
            "INVALID_CREDENTIALS", "USER_NOT_CONFIRMED", "CONFIG_ERROR", "NEW_PASSWORD_REQUIRED", "PASSWORD_RESET_REQUIRED",
            "TOO_MANY_REQUESTS", "SESSION_EXPIRED", "NO_AUTH_RESULT", "MISSING_TOKENS", "UNKNOWN_ERROR", "REFRESH_ERROR");

    /** The tag value for {@code code}: itself when it is one of {@link #ERROR_CODES}, else {@code other}. */
    public static String errorCodeTag(String code) {
        return code != null && ERROR_CODES.contains(code) ? code : "other";
    }

    private LecternMeters() {}
}

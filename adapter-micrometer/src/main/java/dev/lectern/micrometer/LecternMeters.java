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

    private LecternMeters() {}
}

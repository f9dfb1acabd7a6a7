package dev.lectern.domain.session;

import static dev.lectern.domain.Checks.positive;
import static dev.lectern.domain.Checks.require;

import dev.lectern.domain.retry.BackoffPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Timings and bounds of one client's session. Defaults follow protocol sections 5 and 7; tests shrink
 * them to seconds. Build with {@link #builder()}; invalid values fail in {@link Builder#build()} with a
 * message naming the field and the value.
 */
public record SessionSettings(
        Duration confirmTimeout,
        Duration heartbeatInterval,
        Duration heartbeatAckTimeout,
        Duration silenceTimeout,
        Duration refreshAfter,
        Duration selfRefreshGrace,
        Duration maxConnectionAge,
        Duration refreshConfirmTimeout,
        BackoffPolicy reconnectBackoff,
        BackoffPolicy refreshBackoff,
        Duration sendQueueCapacity,
        Duration jitterBufferCapacity,
        Duration reorderWait,
        Duration audioStallTimeout,
        Duration probeAckTimeout,
        dev.lectern.domain.audio.SegmentQueue.Settings segments,
        Duration endLinger,
        DeployedSettings deployed) {

    public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEARTBEAT_ACK_TIMEOUT = Duration.ofSeconds(8);
    public static final Duration DEFAULT_SILENCE_TIMEOUT = Duration.ofSeconds(90);
    public static final Duration DEFAULT_REFRESH_AFTER = Duration.ofMinutes(100);
    public static final Duration DEFAULT_SELF_REFRESH_GRACE = Duration.ofMinutes(1);
    public static final Duration DEFAULT_MAX_CONNECTION_AGE = Duration.ofMinutes(120);
    public static final Duration DEFAULT_REFRESH_CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    public static final BackoffPolicy DEFAULT_RECONNECT_BACKOFF = BackoffPolicy.DEFAULT;
    /** Refresh retries keep the old connection, so they may be patient: 1 s up to 60 s, unlimited. */
    public static final BackoffPolicy DEFAULT_REFRESH_BACKOFF =
            new BackoffPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), BackoffPolicy.Jitter.FULL, 0);
    public static final Duration DEFAULT_SEND_QUEUE_CAPACITY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_JITTER_BUFFER_CAPACITY = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REORDER_WAIT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_AUDIO_STALL_TIMEOUT = Duration.ofMillis(1500);
    public static final Duration DEFAULT_PROBE_ACK_TIMEOUT = Duration.ofMillis(2000);
    /**
     * Translated segments (protocol section 11.3): 3 fetched ahead of playback, 40 queued at most (two
     * minutes), a spacing of more than 2 s beyond a segment's end is reported as a likely lost segment, a failed
     * segment's silence is 10 s at most.
     */
    public static final dev.lectern.domain.audio.SegmentQueue.Settings DEFAULT_SEGMENTS =
            new dev.lectern.domain.audio.SegmentQueue.Settings(3, 40, Duration.ofSeconds(2), Duration.ofSeconds(10));
    /** After {@code sessionEnded}, a listener that was sent segments waits this long for the last ones (default 8 s). */
    public static final Duration DEFAULT_END_LINGER = Duration.ofSeconds(8);

    public SessionSettings {
        positive(confirmTimeout, "confirmTimeout");
        positive(heartbeatInterval, "heartbeatInterval");
        positive(heartbeatAckTimeout, "heartbeatAckTimeout");
        positive(silenceTimeout, "silenceTimeout");
        positive(refreshAfter, "refreshAfter");
        positive(selfRefreshGrace, "selfRefreshGrace");
        positive(maxConnectionAge, "maxConnectionAge");
        positive(refreshConfirmTimeout, "refreshConfirmTimeout");
        Objects.requireNonNull(reconnectBackoff, "reconnectBackoff is null");
        Objects.requireNonNull(refreshBackoff, "refreshBackoff is null");
        positive(sendQueueCapacity, "sendQueueCapacity");
        positive(jitterBufferCapacity, "jitterBufferCapacity");
        positive(reorderWait, "reorderWait");
        positive(audioStallTimeout, "audioStallTimeout");
        positive(probeAckTimeout, "probeAckTimeout");
        Objects.requireNonNull(segments, "segments is null");
        positive(endLinger, "endLinger");
        Objects.requireNonNull(deployed, "deployed is null");
        require(heartbeatAckTimeout.compareTo(heartbeatInterval) < 0, "heartbeatAckTimeout", heartbeatAckTimeout,
                "must be shorter than heartbeatInterval " + heartbeatInterval);
        require(silenceTimeout.compareTo(heartbeatInterval.multipliedBy(2)) > 0, "silenceTimeout", silenceTimeout,
                "must be longer than twice heartbeatInterval " + heartbeatInterval
                        + " (while audio flows a heartbeat goes out every two intervals)");
        require(refreshAfter.plus(selfRefreshGrace).compareTo(maxConnectionAge) < 0, "refreshAfter", refreshAfter,
                "plus selfRefreshGrace " + selfRefreshGrace + " must be less than maxConnectionAge " + maxConnectionAge);
    }

    public static SessionSettings ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private Duration confirmTimeout = DEFAULT_CONFIRM_TIMEOUT;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration heartbeatAckTimeout = DEFAULT_HEARTBEAT_ACK_TIMEOUT;
        private Duration silenceTimeout = DEFAULT_SILENCE_TIMEOUT;
        private Duration refreshAfter = DEFAULT_REFRESH_AFTER;
        private Duration selfRefreshGrace = DEFAULT_SELF_REFRESH_GRACE;
        private Duration maxConnectionAge = DEFAULT_MAX_CONNECTION_AGE;
        private Duration refreshConfirmTimeout = DEFAULT_REFRESH_CONFIRM_TIMEOUT;
        private BackoffPolicy reconnectBackoff = DEFAULT_RECONNECT_BACKOFF;
        private BackoffPolicy refreshBackoff = DEFAULT_REFRESH_BACKOFF;
        private Duration sendQueueCapacity = DEFAULT_SEND_QUEUE_CAPACITY;
        private Duration jitterBufferCapacity = DEFAULT_JITTER_BUFFER_CAPACITY;
        private Duration reorderWait = DEFAULT_REORDER_WAIT;
        private Duration audioStallTimeout = DEFAULT_AUDIO_STALL_TIMEOUT;
        private Duration probeAckTimeout = DEFAULT_PROBE_ACK_TIMEOUT;
        private dev.lectern.domain.audio.SegmentQueue.Settings segments = DEFAULT_SEGMENTS;
        private Duration endLinger = DEFAULT_END_LINGER;
        private DeployedSettings deployed = DeployedSettings.DEFAULTS;

        private Builder() {}

        private Builder(SessionSettings s) {
            confirmTimeout = s.confirmTimeout;
            heartbeatInterval = s.heartbeatInterval;
            heartbeatAckTimeout = s.heartbeatAckTimeout;
            silenceTimeout = s.silenceTimeout;
            refreshAfter = s.refreshAfter;
            selfRefreshGrace = s.selfRefreshGrace;
            maxConnectionAge = s.maxConnectionAge;
            refreshConfirmTimeout = s.refreshConfirmTimeout;
            reconnectBackoff = s.reconnectBackoff;
            refreshBackoff = s.refreshBackoff;
            sendQueueCapacity = s.sendQueueCapacity;
            jitterBufferCapacity = s.jitterBufferCapacity;
            reorderWait = s.reorderWait;
            audioStallTimeout = s.audioStallTimeout;
            probeAckTimeout = s.probeAckTimeout;
            segments = s.segments;
            endLinger = s.endLinger;
            deployed = s.deployed;
        }

        /** How long to wait for the first frame after connecting (default 10 s). */
        public Builder confirmTimeout(Duration value) {
            confirmTimeout = value;
            return this;
        }

        /** Heartbeat period on the current connection (default 30 s; the service allows 2 a minute). */
        public Builder heartbeatInterval(Duration value) {
            heartbeatInterval = value;
            return this;
        }

        /** A heartbeat unanswered this long, with no other frame either, means the link is dead (8 s). */
        public Builder heartbeatAckTimeout(Duration value) {
            heartbeatAckTimeout = value;
            return this;
        }

        /** No frame at all for this long means the link is dead (default 90 s). */
        public Builder silenceTimeout(Duration value) {
            silenceTimeout = value;
            return this;
        }

        /** Connection age at which the server asks for a refresh (default 100 min). */
        public Builder refreshAfter(Duration value) {
            refreshAfter = value;
            return this;
        }

        /** The client refreshes by itself at refreshAfter plus this if the server has not asked (1 min). */
        public Builder selfRefreshGrace(Duration value) {
            selfRefreshGrace = value;
            return this;
        }

        /** The service cuts connections at this age (default 120 min). */
        public Builder maxConnectionAge(Duration value) {
            maxConnectionAge = value;
            return this;
        }

        /** How long a refresh's new connection may take to confirm (default 10 s). */
        public Builder refreshConfirmTimeout(Duration value) {
            refreshConfirmTimeout = value;
            return this;
        }

        public Builder reconnectBackoff(BackoffPolicy value) {
            reconnectBackoff = value;
            return this;
        }

        public Builder refreshBackoff(BackoffPolicy value) {
            refreshBackoff = value;
            return this;
        }

        /** Audio a speaker keeps while it cannot send (default 30 s); older audio is dropped first. */
        public Builder sendQueueCapacity(Duration value) {
            sendQueueCapacity = value;
            return this;
        }

        /** Audio a listener holds while waiting for a missing chunk (default 5 s). */
        public Builder jitterBufferCapacity(Duration value) {
            jitterBufferCapacity = value;
            return this;
        }

        /** How long a listener waits for a missing chunk before reporting a gap (default 1 s). */
        public Builder reorderWait(Duration value) {
            reorderWait = value;
            return this;
        }

        /** A listener whose audio stops this long without a pause probes its link (default 1.5 s). */
        public Builder audioStallTimeout(Duration value) {
            audioStallTimeout = value;
            return this;
        }

        /** How long that probe may go unanswered before the link counts as dead (default 2 s). */
        public Builder probeAckTimeout(Duration value) {
            probeAckTimeout = value;
            return this;
        }

        /**
         * How translated segments are fetched and queued: fetched ahead of playback (1 to 16, default 3), kept
         * at most (default 40), the spacing beyond a segment's end that is reported as a likely lost segment (2 s;
         * reported only, never played as silence), the longest silence for a failed segment (10 s).
         */
        public Builder segments(int ahead, int capacity, Duration gapTolerance, Duration maxGap) {
            segments = new dev.lectern.domain.audio.SegmentQueue.Settings(ahead, capacity, gapTolerance, maxGap);
            return this;
        }

        /** After {@code sessionEnded}, how long a listener that was sent segments waits for the last ones (8 s). */
        public Builder endLinger(Duration value) {
            endLinger = value;
            return this;
        }

        /** How the client meets the service as deployed today (defaults: {@link DeployedSettings#DEFAULTS}). */
        public Builder deployed(DeployedSettings value) {
            deployed = value;
            return this;
        }

        public SessionSettings build() {
            return new SessionSettings(confirmTimeout, heartbeatInterval, heartbeatAckTimeout, silenceTimeout,
                    refreshAfter, selfRefreshGrace, maxConnectionAge, refreshConfirmTimeout, reconnectBackoff,
                    refreshBackoff, sendQueueCapacity, jitterBufferCapacity, reorderWait, audioStallTimeout,
                    probeAckTimeout, segments, endLinger, deployed);
        }
    }
}

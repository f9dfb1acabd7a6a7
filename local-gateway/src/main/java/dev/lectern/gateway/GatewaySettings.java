package dev.lectern.gateway;

import java.time.Duration;
import java.util.Objects;

/**
 * The gateway's timings and limits; defaults from protocol section 5. Invalid values fail in
 * {@link Builder#build()} naming the field and the value.
 */
public record GatewaySettings(String host, int port, Duration refreshAfter, Duration warnAfter, Duration maxConnectionAge,
                              Duration heartbeatTimeout, Duration idleTimeout, Duration speakerGrace, int maxListeners,
                              int sessionsPerHour, int joinsPerMinute, int connectsPerMinute, long maxOutboundBytes,
                              java.nio.file.Path tlsKeyStore, String tlsKeyStorePassword, int adminPort,
                              Flavor flavor, int httpPort, Duration refreshWindow, boolean segments,
                              Duration segmentLength, Duration segmentExpires, boolean sigV4,
                              Duration segmentProcessing, Duration segmentJitter, long seed) {

    /**
     * Which service the gateway stands in for: {@code SEED}, the protocol of sections 1-10; {@code DEPLOYED},
     * the service as deployed today (section 11): an HTTP session API, connects by {@code sessionId} with no
     * first frame, heartbeat-driven refresh requests and warnings, {@code audioChunk} only, and the
     * deployed service's limits (controls that answer nothing, a speaker whose old connection's close ends
     * the session).
     */
    public enum Flavor {
        SEED, DEPLOYED;

        /** {@code seed} or {@code deployed}, as the command line writes it. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public GatewaySettings {
        Objects.requireNonNull(host, "host is null");
        check(port >= 0 && port <= 65535, "port", port);
        positive(refreshAfter, "refreshAfter");
        positive(warnAfter, "warnAfter");
        positive(maxConnectionAge, "maxConnectionAge");
        positive(heartbeatTimeout, "heartbeatTimeout");
        positive(idleTimeout, "idleTimeout");
        check(speakerGrace != null && !speakerGrace.isNegative(), "speakerGrace", speakerGrace);
        check(refreshAfter.compareTo(maxConnectionAge) < 0, "refreshAfter", refreshAfter);
        check(warnAfter.compareTo(maxConnectionAge) < 0, "warnAfter", warnAfter);
        check(maxListeners > 0, "maxListeners", maxListeners);
        check(sessionsPerHour >= 0, "sessionsPerHour", sessionsPerHour);
        check(joinsPerMinute >= 0, "joinsPerMinute", joinsPerMinute);
        check(connectsPerMinute >= 0, "connectsPerMinute", connectsPerMinute);
        check(maxOutboundBytes >= 64 * 1024, "maxOutboundBytes", maxOutboundBytes);
        check(tlsKeyStore == null || java.nio.file.Files.isReadable(tlsKeyStore), "tlsKeyStore", tlsKeyStore);
        check(adminPort >= -1 && adminPort <= 65535, "adminPort", adminPort);
        Objects.requireNonNull(flavor, "flavor is null");
        check(httpPort >= -1 && httpPort <= 65535, "httpPort", httpPort);
        positive(refreshWindow, "refreshWindow");
        check(segmentLength != null && segmentLength.toMillis() >= 500 && segmentLength.toSeconds() <= 30, "segmentLength", segmentLength);
        positive(segmentExpires, "segmentExpires");
        check(!segments || flavor == Flavor.DEPLOYED, "segments", segments);
        check(segmentProcessing != null && !segmentProcessing.isNegative() && segmentProcessing.toSeconds() <= 60,
                "segmentProcessing", segmentProcessing);
        check(segmentJitter != null && !segmentJitter.isNegative() && segmentJitter.toSeconds() <= 60, "segmentJitter", segmentJitter);
    }

    @Override
    public String toString() {
        return "GatewaySettings[" + flavor.wireName() + ", " + host + ":" + port + ", refreshAfter=" + refreshAfter + ", tls="
                + (tlsKeyStore == null ? "off" : tlsKeyStore + " (password <redacted>)") + "]";
    }

    private static void positive(Duration d, String field) {
        check(d != null && !d.isNegative() && !d.isZero(), field, d);
    }

    private static void check(boolean ok, String field, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(field + " is out of range, was: " + value);
        }
    }

    public static GatewaySettings ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.refreshAfter = refreshAfter;
        b.warnAfter = warnAfter;
        b.maxConnectionAge = maxConnectionAge;
        b.heartbeatTimeout = heartbeatTimeout;
        b.idleTimeout = idleTimeout;
        b.speakerGrace = speakerGrace;
        b.maxListeners = maxListeners;
        b.sessionsPerHour = sessionsPerHour;
        b.joinsPerMinute = joinsPerMinute;
        b.connectsPerMinute = connectsPerMinute;
        b.maxOutboundBytes = maxOutboundBytes;
        b.tlsKeyStore = tlsKeyStore;
        b.tlsKeyStorePassword = tlsKeyStorePassword;
        b.adminPort = adminPort;
        b.flavor = flavor;
        b.httpPort = httpPort;
        b.refreshWindow = refreshWindow;
        b.segments = segments;
        b.segmentLength = segmentLength;
        b.segmentExpires = segmentExpires;
        b.sigV4 = sigV4;
        b.segmentProcessing = segmentProcessing;
        b.segmentJitter = segmentJitter;
        b.seed = seed;
        return b;
    }

    /** Builder with the protocol's defaults. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private Duration refreshAfter = Duration.ofMinutes(100);
        private Duration warnAfter = Duration.ofMinutes(105);
        private Duration maxConnectionAge = Duration.ofMinutes(120);
        private Duration heartbeatTimeout = Duration.ofSeconds(90);
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration speakerGrace = Duration.ofSeconds(30);
        private int maxListeners = 500;
        private int sessionsPerHour = 50;
        private int joinsPerMinute = 10;
        private int connectsPerMinute = 20;
        private long maxOutboundBytes = 1024 * 1024;
        private java.nio.file.Path tlsKeyStore;
        private String tlsKeyStorePassword;
        private int adminPort = -1;
        private Flavor flavor = Flavor.SEED;
        private int httpPort = -1;
        private Duration refreshWindow = Duration.ofMinutes(1);
        private Boolean segments;
        private Duration segmentLength = Duration.ofSeconds(3);
        private Duration segmentExpires = Duration.ofSeconds(600);
        private boolean sigV4;
        private Duration segmentProcessing = Duration.ofMillis(500);
        private Duration segmentJitter = Duration.ofSeconds(1);
        private long seed = 1;

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder refreshAfter(Duration v) { refreshAfter = v; return this; }
        public Builder warnAfter(Duration v) { warnAfter = v; return this; }
        public Builder maxConnectionAge(Duration v) { maxConnectionAge = v; return this; }
        public Builder heartbeatTimeout(Duration v) { heartbeatTimeout = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        /** How long a speaker lost without a close frame may take to resume before its session ends (30 s; 0 ends at once). */
        public Builder speakerGrace(Duration v) { speakerGrace = v; return this; }
        public Builder maxListeners(int v) { maxListeners = v; return this; }
        public Builder sessionsPerHour(int v) { sessionsPerHour = v; return this; }
        public Builder joinsPerMinute(int v) { joinsPerMinute = v; return this; }
        public Builder connectsPerMinute(int v) { connectsPerMinute = v; return this; }
        /** Bytes a connection may have waiting to be written before it is dropped as too slow (1 MiB). */
        public Builder maxOutboundBytes(long v) { maxOutboundBytes = v; return this; }

        /** Serve {@code wss://} with the key and certificate in this PKCS12 or JKS key store. */
        public Builder tls(java.nio.file.Path keyStore, String password) {
            tlsKeyStore = keyStore;
            tlsKeyStorePassword = password;
            return this;
        }

        /** Serve the fault-injection admin endpoint on 127.0.0.1 at this port (0 picks one; default -1: off). */
        public Builder adminPort(int v) {
            adminPort = v;
            return this;
        }

        /** Which service to stand in for (default {@link Flavor#SEED}). */
        public Builder flavor(Flavor v) {
            flavor = v;
            return this;
        }

        /**
         * {@code DEPLOYED}: serve the HTTP session API on this port too (0 picks one); by default (-1) it is
         * served on the WebSocket port.
         */
        public Builder httpPort(int v) {
            httpPort = v;
            return this;
        }

        /**
         * {@code DEPLOYED}: how long after {@code refreshAfter} a heartbeat is still answered with a refresh
         * request (the deployed service: [100, 101) minutes, so one minute).
         */
        public Builder refreshWindow(Duration v) {
            refreshWindow = v;
            return this;
        }

        /**
         * {@code DEPLOYED}: listeners get translated MP3 segments behind signed URLs ({@code translatedAudio}, the
         * default there, as deployed) rather than the speaker's PCM ({@code audioData}, the seed's way, for tests
         * of other things). The seed flavor has PCM only.
         */
        public Builder segments(boolean v) {
            segments = v;
            return this;
        }

        /** The wall-clock window that cuts the speaker's audio into batches, one segment each (default 3 s, 0.5 s to 30 s). */
        public Builder segmentLength(Duration v) {
            segmentLength = v;
            return this;
        }

        /** How long a segment's URL works (default 600 s). */
        public Builder segmentExpires(Duration v) {
            segmentExpires = v;
            return this;
        }

        /** Sign segment URLs the SigV4 way ({@code X-Amz-*}) instead of the older {@code Expires} way (the deployed default). */
        public Builder sigV4(boolean v) {
            sigV4 = v;
            return this;
        }

        /**
         * How long the deployed pipeline takes for a batch after its cut: {@code processing} plus a uniform random
         * part up to {@code jitter}, drawn from a generator seeded by {@link #seed} (defaults 0.5 s and 1 s). Batches
         * of a session are processed one after another, so their timestamps keep their order and carry this jitter.
         */
        public Builder segmentProcessing(Duration processing, Duration jitter) {
            segmentProcessing = processing;
            segmentJitter = jitter;
            return this;
        }

        /** The seed of the gateway's random draws (processing jitter), so that a run can be repeated (default 1). */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public GatewaySettings build() {
            boolean withSegments = segments != null ? segments : flavor == Flavor.DEPLOYED;
            return new GatewaySettings(host, port, refreshAfter, warnAfter, maxConnectionAge, heartbeatTimeout, idleTimeout,
                    speakerGrace, maxListeners, sessionsPerHour, joinsPerMinute, connectsPerMinute, maxOutboundBytes,
                    tlsKeyStore, tlsKeyStorePassword, adminPort, flavor, httpPort, refreshWindow, withSegments,
                    segmentLength, segmentExpires, sigV4, segmentProcessing, segmentJitter, seed);
        }
    }
}

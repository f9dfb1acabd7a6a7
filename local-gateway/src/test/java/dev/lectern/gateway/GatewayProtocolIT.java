package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.domain.SessionId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway's side of the protocol, frame by frame, with a bare WebSocket peer. */
class GatewayProtocolIT {
    static final Duration WAIT = Duration.ofSeconds(5);
    static final Pattern SESSION = Pattern.compile("\"sessionId\":\"([a-z]+-[a-z]+-\\d{3})\"");
    static final String CHUNK_B64 = Base64.getEncoder().encodeToString(new byte[3200]);
    LocalGateway gateway;

    /** What the gateway closed on its own initiative: "role code reason". */
    final java.util.List<String> closedByGateway = new java.util.concurrent.CopyOnWriteArrayList<>();

    URI start(GatewaySettings.Builder settings) throws Exception {
        gateway = recordingCloses(settings, closedByGateway);
        return gateway.start();
    }

    /** A gateway that adds to {@code closed} each connection it closes on its own initiative: "role code reason". */
    static LocalGateway recordingCloses(GatewaySettings.Builder settings, java.util.List<String> closed) {
        return LocalGateway.builder().settings(settings.build()).observer(new GatewayObserver() {
            @Override
            public void closing(String connection, dev.lectern.domain.Role role, int code, String reason) {
                closed.add(role.wireName() + " " + code + " " + reason);
            }
        }).build();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    static String sessionOf(String frame) {
        Matcher m = SESSION.matcher(frame);
        assertThat(m.find()).as(frame).isTrue();
        return m.group(1);
    }

    @Test
    void refreshIsRequestedExactlyOnceThenWarningsThenTheCutoff() throws Exception {
        URI endpoint = start(Fixtures.gateway().refreshAfter(Duration.ofMillis(800)).warnAfter(Duration.ofMillis(1600))
                .maxConnectionAge(Duration.ofMillis(2600)).heartbeatTimeout(Duration.ofSeconds(10)));
        try (RawPeer speaker = RawPeer.connect(endpoint, "action=createSession&sourceLanguage=en&token=alice")) {
            speaker.await("sessionCreated", WAIT);
            for (int i = 0; i < 8; i++) { // heartbeats through the refresh and warning ages
                speaker.send("{\"action\":\"heartbeat\",\"timestamp\":" + i + "}");
                speaker.await("heartbeatAck", WAIT);
                speaker.collect(Duration.ofMillis(250));
            }
            speaker.collect(Duration.ofMillis(1200));
            List<String> all = speaker.seen;
            assertThat(all.stream().filter(f -> f.contains("connectionRefreshRequired"))).hasSize(1);
            assertThat(all.stream().filter(f -> f.contains("connectionWarning"))).isNotEmpty()
                    .allSatisfy(f -> assertThat(f).contains("remainingMinutes"));
            assertThat(speaker.closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
        }
    }

    @Test
    void badMessagesGetErrorFramesAndTheConnectionGoesOn() throws Exception {
        URI endpoint = start(Fixtures.gateway());
        try (RawPeer speaker = RawPeer.connect(endpoint, "action=createSession&sourceLanguage=en&token=alice")) {
            String id = sessionOf(speaker.await("sessionCreated", WAIT));
            speaker.send("not json");
            assertThat(speaker.await("\"type\":\"error\"", WAIT)).contains("\"code\":\"INVALID_MESSAGE\"");
            speaker.send("{\"hello\":1}");
            assertThat(speaker.await("\"type\":\"error\"", WAIT)).contains("\"code\":\"MISSING_ACTION\"");
            speaker.send("{\"action\":\"dance\"}");
            assertThat(speaker.await("\"type\":\"error\"", WAIT)).contains("\"code\":\"INVALID_ACTION\"");
            speaker.send("{\"action\":\"setVolume\",\"volumeLevel\":7}");
            assertThat(speaker.await("\"type\":\"error\"", WAIT)).contains("\"code\":\"INVALID_PARAMETER\"");
            try (RawPeer listener = RawPeer.connect(endpoint, "action=joinSession&sessionId=" + id + "&targetLanguage=es")) {
                listener.await("sessionJoined", WAIT);
                listener.send("{\"action\":\"pauseBroadcast\"}");
                assertThat(listener.await("\"type\":\"error\"", WAIT)).contains("\"code\":\"UNAUTHORIZED_ACTION\"")
                        .contains("requires speaker role");
                speaker.send("{\"action\":\"heartbeat\"}");
                speaker.await("heartbeatAck", WAIT);
            }
        }
    }

    @Test
    void silentConnectionIsClosedAfterTheHeartbeatTimeout() throws Exception {
        URI endpoint = start(Fixtures.gateway().heartbeatTimeout(Duration.ofMillis(600)));
        try (RawPeer speaker = RawPeer.connect(endpoint, "action=createSession&sourceLanguage=en&token=alice")) {
            speaker.await("sessionCreated", WAIT);
            assertThat(speaker.closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
        }
    }

    @Test
    void idleConnectionIsToldThenClosed() throws Exception {
        URI endpoint = start(Fixtures.gateway().idleTimeout(Duration.ofMillis(600)).heartbeatTimeout(Duration.ofSeconds(30)));
        try (RawPeer speaker = RawPeer.connect(endpoint, "action=createSession&sourceLanguage=en&token=alice")) {
            speaker.await("sessionCreated", WAIT);
            assertThat(speaker.await("connectionTimeout", WAIT)).contains("idleSeconds");
            assertThat(speaker.closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
        }
    }

    @Test
    void connectAndSessionRateLimitsAnswer429WithRetryAfter() throws Exception {
        URI endpoint = start(Fixtures.gateway().sessionsPerHour(1).connectsPerMinute(10_000));
        try (RawPeer first = RawPeer.connect(endpoint, "action=createSession&sourceLanguage=en&token=alice")) {
            first.await("sessionCreated", WAIT);
            try {
                RawPeer.connect(endpoint, "action=createSession&sourceLanguage=en&token=alice");
                throw new AssertionError("second session in the hour must be refused");
            } catch (java.util.concurrent.ExecutionException e) {
                java.net.http.WebSocketHandshakeException h = (java.net.http.WebSocketHandshakeException) e.getCause();
                assertThat(h.getResponse().statusCode()).isEqualTo(429);
                assertThat(h.getResponse().headers().firstValue("Retry-After")).isPresent();
                assertThat(String.valueOf(h.getResponse().body())).contains("RATE_LIMIT_EXCEEDED").contains("\"retryAfter\"");
            }
        }
    }

    @Test
    void retiredSpeakerConnectionDoesNotEndTheSession() throws Exception {
        URI endpoint = start(Fixtures.gateway().speakerGrace(Duration.ZERO));
        RawPeer old = RawPeer.connect(endpoint, "action=createSession&sourceLanguage=en&token=alice");
        String id = sessionOf(old.await("sessionCreated", WAIT));
        try (RawPeer listener = RawPeer.connect(endpoint, "action=joinSession&sessionId=" + id + "&targetLanguage=es");
             RawPeer fresh = RawPeer.connect(endpoint, "action=refreshConnection&sessionId=" + id + "&role=speaker&token=alice")) {
            listener.await("sessionJoined", WAIT);
            fresh.await("connectionRefreshComplete", WAIT);
            old.socket.sendClose(1000, "Connection refresh").get(5, TimeUnit.SECONDS);
            old.closedWith.get(5, TimeUnit.SECONDS);
            fresh.send("{\"action\":\"sendAudio\",\"audioData\":\"" + CHUNK_B64 + "\",\"chunkId\":\"1\"}");
            assertThat(listener.await("audioData", WAIT)).contains("\"sequenceNumber\":0");
            assertThat(listener.seen).noneMatch(f -> f.contains("sessionEnded"));
        }
    }

    @Test
    void refreshWithAnotherUsersTokenIsForbidden() throws Exception {
        URI endpoint = start(Fixtures.gateway());
        try (RawPeer speaker = RawPeer.connect(endpoint, "action=createSession&sourceLanguage=en&token=alice")) {
            String id = sessionOf(speaker.await("sessionCreated", WAIT));
            try {
                RawPeer.connect(endpoint, "action=refreshConnection&sessionId=" + id + "&role=speaker&token=mallory");
                throw new AssertionError("must be refused");
            } catch (java.util.concurrent.ExecutionException e) {
                java.net.http.WebSocketHandshakeException h = (java.net.http.WebSocketHandshakeException) e.getCause();
                assertThat(h.getResponse().statusCode()).isEqualTo(403);
                assertThat(String.valueOf(h.getResponse().body())).contains("FORBIDDEN");
            }
        }
    }

    @Test
    void aListenerThatStopsReadingIsDroppedAndNeverStallsTheOthers() throws Exception {
        URI endpoint = start(Fixtures.gateway().maxOutboundBytes(256 * 1024).heartbeatTimeout(Duration.ofSeconds(60)));
        try (RawPeer speaker = RawPeer.connect(endpoint, "action=createSession&sourceLanguage=en&token=alice")) {
            String id = sessionOf(speaker.await("sessionCreated", WAIT));
            try (RawPeer healthy = RawPeer.connect(endpoint, "action=joinSession&sessionId=" + id + "&targetLanguage=es");
                 Socket stuck = joinAndStopReading(endpoint, id)) {
                healthy.await("sessionJoined", WAIT);
                int chunks = 3000;
                sendFast(speaker, chunks);
                for (int i = 0; i < chunks; i++) {
                    healthy.await("\"sequenceNumber\":" + i + ",", Duration.ofSeconds(20));
                }
                assertThat(gateway.slowConnectionsClosed()).isEqualTo(1);
                assertThat(closedByGateway).as("the stuck listener, and nobody else, closed 1013")
                        .containsExactly("listener 1013 Too slow: outbound buffer full");
            }
        }
    }

    /** Opens a listener with a small receive window, upgrades it, and from then on reads nothing. */
    static Socket joinAndStopReading(URI endpoint, String id) throws IOException {
        Socket stuck = new Socket();
        stuck.setReceiveBufferSize(4096);
        stuck.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
        OutputStream out = stuck.getOutputStream();
        out.write(("GET /?action=joinSession&sessionId=" + id + "&targetLanguage=es HTTP/1.1\r\nHost: localhost\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = stuck.getInputStream();
        byte[] head = new byte[12];
        assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
        assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 101");
        return stuck;
    }

    /**
     * A chunk a millisecond: ten times faster than speech, fast enough to fill a stalled listener's socket
     * buffers within seconds, slow enough for a healthy reader.
     */
    static void sendFast(RawPeer speaker, int chunks) throws InterruptedException {
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch allSent = new CountDownLatch(1);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try {
            pacer.scheduleWithFixedDelay(() -> {
                int i = sent.getAndIncrement();
                if (i < chunks) {
                    speaker.send("{\"action\":\"sendAudio\",\"audioData\":\"" + CHUNK_B64 + "\",\"chunkId\":\"" + i + "\"}");
                } else {
                    allSent.countDown();
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            assertThat(allSent.await(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            pacer.shutdownNow();
        }
    }

    /** Reads until the peer's end is gone: true at end-of-stream or a reset, false if it stays open and silent. */
    static boolean drainsToEnd(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        try {
            while (in.read(buf) >= 0) {
                // what was queued before the cut is discarded
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }
}

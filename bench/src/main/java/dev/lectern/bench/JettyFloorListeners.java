package dev.lectern.bench;

import dev.lectern.jetty.JettyTransport;
import dev.lectern.jetty.internal.JettyClients;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.util.Callback;

/**
 * The floor under {@code lectern load}: N WebSocket listeners on the very Jetty client a {@code JettyTransport}
 * shares (same connector reading on its selector, same threads, same read buffer), each doing nothing with a
 * frame but count it and read the speaker's send time out of the first 16 base64 characters of its audio.
 * No codec, no engine, no sink, no timers: what is left is what Jetty and the JVM cost on this machine, so
 * the difference between this and {@code lectern load} in the same setting is what Lectern itself adds.
 *
 * <p>A measuring tool, not part of the library.
 *
 * <p>Usage: {@code java -cp lectern-bench.jar dev.lectern.bench.JettyFloorListeners ws://HOST:PORT SESSION_ID
 * N LANG SECONDS [RATE] [SELECTORS]}. Prints one JSON line like {@code lectern load --json}'s fields:
 * delivered, CPU of the whole process from its start, latency p50/p99/max, disconnects, peak threads.
 */
public final class JettyFloorListeners {
    private static final byte[] AUDIO_KEY = "\"audioData\":\"".getBytes(StandardCharsets.US_ASCII);

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicInteger disconnects = new AtomicInteger();
    private final AtomicInteger joined = new AtomicInteger();
    private final long[] latencies;
    private final AtomicInteger latencyCount = new AtomicInteger();
    private volatile boolean ending;

    private JettyFloorListeners(int capacity) {
        latencies = new long[capacity];
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: JettyFloorListeners ws://HOST:PORT SESSION_ID N LANG SECONDS [RATE] [SELECTORS]");
            System.exit(2);
        }
        URI base = URI.create(args[0]);
        String session = args[1];
        int n = Integer.parseInt(args[2]);
        String lang = args[3];
        int seconds = Integer.parseInt(args[4]);
        int rate = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        int selectors = args.length > 6 ? Integer.parseInt(args[6]) : JettyTransport.DEFAULT_SELECTOR_THREADS;
        long expected = (long) n * rate * seconds;
        JettyFloorListeners floor = new JettyFloorListeners((int) Math.min(Integer.MAX_VALUE - 8, expected + n));
        JettyClients.Settings settings =
                new JettyClients.Settings(null, null, JettyTransport.DEFAULT_MAX_INBOUND_MESSAGE_BYTES, selectors);
        JettyClients.Client client = JettyClients.acquire(settings);
        URI url = URI.create(base.toString().replaceAll("/+$", "") + "/?action=joinSession&sessionId="
                + URLEncoder.encode(session, StandardCharsets.UTF_8) + "&targetLanguage=" + URLEncoder.encode(lang, StandardCharsets.UTF_8));
        for (int i = 0; i < n; i++) {
            CoreClientUpgradeRequest upgrade = CoreClientUpgradeRequest.from(client.core(), url, floor.new Listener());
            upgrade.setConfiguration(client.configuration());
            client.core().connect(upgrade);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 17L);
        while (floor.delivered.get() < expected && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // a poll with a deadline
        }
        floor.ending = true;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuNanos = os.getProcessCpuTime();
        int peakThreads = ManagementFactory.getThreadMXBean().getPeakThreadCount();
        int count = floor.latencyCount.get();
        long[] sorted = Arrays.copyOf(floor.latencies, Math.min(count, floor.latencies.length));
        Arrays.sort(sorted);
        System.out.printf("{\"listeners\":%d,\"joined\":%d,\"delivered\":%d,\"expected\":%d,\"cpuSeconds\":%.3f,"
                        + "\"latencyMs\":{\"p50\":%d,\"p99\":%d,\"max\":%d},\"disconnects\":%d,\"peakThreads\":%d}%n",
                n, floor.joined.get(), floor.delivered.get(), expected, cpuNanos / 1e9,
                pct(sorted, 0.5), pct(sorted, 0.99), pct(sorted, 1.0), floor.disconnects.get(), peakThreads);
        System.out.flush();
        System.exit(0); // the numbers are out (what closing the connections costs comes after them)
    }

    private static long pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(sorted.length * q))];
    }

    /** The speaker's send time: a little-endian double at byte 4 of the PCM, in the first 16 base64 characters. */
    private boolean record(ByteBuffer payload) {
        int at = indexOf(payload, AUDIO_KEY);
        if (at < 0 || payload.limit() - at < 16) {
            return false;
        }
        byte[] head = new byte[16];
        payload.get(at, head);
        ByteBuffer pcm = ByteBuffer.wrap(Base64.getDecoder().decode(head)).order(ByteOrder.LITTLE_ENDIAN);
        long latency = System.currentTimeMillis() - (long) pcm.getDouble(4);
        int slot = latencyCount.getAndIncrement();
        if (slot < latencies.length) {
            latencies[slot] = latency;
        }
        return true;
    }

    /** Where the value after {@code key} starts, or -1. */
    private static int indexOf(ByteBuffer payload, byte[] key) {
        int end = payload.limit() - key.length;
        outer:
        for (int i = payload.position(); i <= end; i++) {
            for (int k = 0; k < key.length; k++) {
                if (payload.get(i + k) != key[k]) {
                    continue outer;
                }
            }
            return i + key.length;
        }
        return -1;
    }

    private final class Listener implements FrameHandler {
        private CoreSession session;

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            joined.incrementAndGet();
            callback.succeeded();
            coreSession.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            if (frame.getOpCode() == OpCode.TEXT && frame.isFin()) {
                ByteBuffer payload = frame.getPayload();
                if (payload != null && record(payload)) {
                    delivered.incrementAndGet();
                }
            }
            callback.succeeded();
            if (frame.getOpCode() != OpCode.CLOSE) {
                session.demand();
            }
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(org.eclipse.jetty.websocket.core.CloseStatus closeStatus, Callback callback) {
            if (!ending) {
                disconnects.incrementAndGet();
            }
            callback.succeeded();
        }
    }
}

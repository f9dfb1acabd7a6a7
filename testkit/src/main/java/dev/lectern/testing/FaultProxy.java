package dev.lectern.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP proxy for faults a server cannot do to itself: a blackhole (bytes vanish, the sockets
 * stay open), a bandwidth limit towards the client, and a reset in the middle of the next frame.
 * Point a client at {@link #uri(String)} instead of the server. Listens on 127.0.0.1 only.
 */
public final class FaultProxy implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private volatile boolean blackhole;
    private volatile long bytesPerSecond;
    private volatile boolean resetMidFrame;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "lectern-fault-proxy-" + THREADS.incrementAndGet());
        accept.setDaemon(true);
        accept.start();
    }

    /** A proxy in front of {@code host:port}. */
    public static FaultProxy to(String host, int port) throws IOException {
        return new FaultProxy(new InetSocketAddress(host, port));
    }

    /** The proxy's address with {@code scheme} ({@code ws} or {@code http}). */
    public URI uri(String scheme) {
        return URI.create(scheme + "://127.0.0.1:" + listener.getLocalPort());
    }

    /** From now on nothing passes, either way, and no one is told. */
    public void blackhole(boolean on) {
        blackhole = on;
    }

    /** Limits the server-to-client direction to {@code bytesPerSecond} (0: no limit). */
    public void limitBandwidth(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** The next server-to-client read is cut in half and the client's socket reset (RST), mid-frame. */
    public void resetMidFrame() {
        resetMidFrame = true;
    }

    /** Connections currently proxied. */
    public int connections() {
        return (int) pairs.stream().filter(p -> !p.client.isClosed()).count();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(target, 5_000);
                Pair pair = new Pair(client, server);
                pairs.add(pair);
                pipe(pair, client, server, false);
                pipe(pair, server, client, true);
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private record Pair(Socket client, Socket server) {
        void closeBoth() {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private void pipe(Pair pair, Socket from, Socket to, boolean towardsClient) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (blackhole) {
                        continue;
                    }
                    if (towardsClient && resetMidFrame && n > 1) {
                        resetMidFrame = false;
                        out.write(buffer, 0, n / 2);
                        out.flush();
                        pair.client.setSoLinger(true, 0); // RST, not FIN
                        pair.closeBoth();
                        return;
                    }
                    long rate = towardsClient ? bytesPerSecond : 0;
                    if (rate > 0) {
                        for (int off = 0; off < n; off += 512) {
                            int len = Math.min(512, n - off);
                            out.write(buffer, off, len);
                            out.flush();
                            LockSupport.parkNanos(len * 1_000_000_000L / rate); // pacing, not waiting for a result
                        }
                    } else {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side went away: the other follows
            } finally {
                if (!blackhole) {
                    pair.closeBoth();
                }
            }
        }, "lectern-fault-proxy-pipe-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(new Socket());
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        pairs.forEach(Pair::closeBoth);
    }
}

package dev.lectern.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A bare protocol peer on the JDK's WebSocket client: sends whatever JSON a test writes and records every
 * frame and the close, so the gateway's side of the protocol can be checked frame by frame.
 */
final class RawPeer implements WebSocket.Listener, AutoCloseable {
    final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    final List<String> seen = new ArrayList<>();
    final CompletableFuture<Integer> closedWith = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    static RawPeer connect(URI endpoint, String query) throws Exception {
        RawPeer peer = new RawPeer();
        peer.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(endpoint + "?" + query), peer).get(10, TimeUnit.SECONDS);
        return peer;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closedWith.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closedWith.complete(1006);
    }

    void send(String json) {
        socket.sendText(json, true).join();
    }

    /** The next frame whose JSON contains {@code fragment}, skipping others; fails after {@code timeout}. */
    String await(String fragment, Duration timeout) throws InterruptedException {
        return await(f -> f.contains(fragment), timeout, fragment);
    }

    String await(Predicate<String> wanted, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String f = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (f == null) {
                String last = seen.isEmpty() ? "nothing" : seen.get(seen.size() - 1);
                throw new AssertionError("no frame with " + what + " within " + timeout + "; saw " + seen.size()
                        + " frames, the last: " + (last.length() > 160 ? last.substring(0, 160) + "..." : last));
            }
            seen.add(f);
            if (wanted.test(f)) {
                return f;
            }
        }
    }

    /** Every frame that arrives within {@code window} (also kept in {@link #seen}). */
    List<String> collect(Duration window) throws InterruptedException {
        List<String> out = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String f = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (f == null) {
                return out;
            }
            seen.add(f);
            out.add(f);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }
}

package dev.lectern.domain.audio;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The speaker's bounded FIFO for chunks that cannot be sent yet. When a new chunk would take the queue
 * over its capacity (measured in audio time), the oldest chunks are dropped and returned to the caller
 * to report. Immutable: a persistent two-list queue, so each operation costs O(1) amortised.
 */
public final class SendQueue {
    private final Node front;
    private final Node back;
    private final int size;
    private final long bytes;
    private final long capacityBytes;

    private record Node(QueuedChunk head, Node tail) {}

    /** Result of {@link #offer}: the new queue and the chunks dropped to make room (oldest first). */
    public record Offer(SendQueue queue, List<QueuedChunk> dropped) {}

    /** Result of {@link #drain}: every queued chunk in capture order, and the empty queue. */
    public record Drain(SendQueue queue, List<QueuedChunk> chunks) {}

    private SendQueue(Node front, Node back, int size, long bytes, long capacityBytes) {
        this.front = front;
        this.back = back;
        this.size = size;
        this.bytes = bytes;
        this.capacityBytes = capacityBytes;
    }

    /** An empty queue holding at most {@code capacity} of audio. */
    public static SendQueue withCapacity(Duration capacity) {
        Checks.positive(capacity, "sendQueueCapacity");
        long capacityBytes = capacity.toMillis() * AudioChunk.BYTES_PER_SECOND / 1000;
        Checks.require(capacityBytes >= 2, "sendQueueCapacity", capacity, "must hold at least one sample");
        return new SendQueue(null, null, 0, 0, capacityBytes);
    }

    public Offer offer(QueuedChunk chunk) {
        SendQueue queue = new SendQueue(front, new Node(chunk, back), size + 1,
                bytes + chunk.audio().sizeInBytes(), capacityBytes);
        List<QueuedChunk> dropped = List.of();
        while (queue.bytes > capacityBytes && queue.size > 0) {
            SendQueue normalised = queue.normalised();
            if (dropped.isEmpty()) {
                dropped = new ArrayList<>(1);
            }
            dropped.add(normalised.front.head);
            queue = new SendQueue(normalised.front.tail, normalised.back, normalised.size - 1,
                    normalised.bytes - normalised.front.head.audio().sizeInBytes(), capacityBytes);
        }
        return new Offer(queue, dropped);
    }

    public Drain drain() {
        List<QueuedChunk> all = new ArrayList<>(size);
        for (Node n = front; n != null; n = n.tail) {
            all.add(n.head);
        }
        List<QueuedChunk> reversedBack = new ArrayList<>();
        for (Node n = back; n != null; n = n.tail) {
            reversedBack.add(n.head);
        }
        for (int i = reversedBack.size() - 1; i >= 0; i--) {
            all.add(reversedBack.get(i));
        }
        return new Drain(new SendQueue(null, null, 0, 0, capacityBytes), all);
    }

    private SendQueue normalised() {
        if (front != null) {
            return this;
        }
        Node reversed = null;
        for (Node n = back; n != null; n = n.tail) {
            reversed = new Node(n.head, reversed);
        }
        return new SendQueue(reversed, null, size, bytes, capacityBytes);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Audio time held. */
    public Duration buffered() {
        return Duration.ofMillis(bytes * 1000 / AudioChunk.BYTES_PER_SECOND);
    }

    public Duration capacity() {
        return Duration.ofMillis(capacityBytes * 1000 / AudioChunk.BYTES_PER_SECOND);
    }

    @Override
    public String toString() {
        return "SendQueue[" + size + " chunks, " + buffered().toMillis() + "/" + capacity().toMillis() + " ms]";
    }
}

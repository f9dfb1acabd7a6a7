package dev.lectern.domain.audio;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.Checks;
import dev.lectern.domain.SequenceNumber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The listener's jitter buffer, keyed by sequence number. It releases chunks strictly in order, each at
 * most once: a chunk already released or already held is a duplicate (the overlap of old and new
 * connections during a refresh delivers everything twice). A chunk that arrives ahead of a missing one
 * waits; the hole is given up, and reported as a gap with its range, when the caller's reorder timer
 * fires ({@link #skipHole()}) or when what waits exceeds the capacity. Immutable.
 */
public final class JitterBuffer {
    /**
     * A chunk this far ahead of the one expected is implausible (ten minutes of 100 ms chunks): it is held
     * aside, not taken as a gap of that size, until the next chunk says which numbering is real.
     */
    public static final long MAX_JUMP = 6_000;

    private final long nextExpected; // -1 until the first chunk fixes the start of the stream
    /** A chunk that jumped implausibly far ahead, held aside; null when there is none. */
    private final Released suspect;
    private final TreeMap<Long, AudioChunk> waiting;
    private final long waitingBytes;
    private final long capacityBytes;

    /** A contiguous range of sequence numbers that will never be played. */
    public record Gap(SequenceNumber from, SequenceNumber to) {
        public long size() {
            return to.value() - from.value() + 1;
        }
    }

    /** A chunk released for playing. */
    public record Released(SequenceNumber sequence, AudioChunk audio) {}

    /**
     * What an operation did: the new buffer, chunks released in order, gaps given up (interleaved in
     * stream order with the releases: every gap precedes the releases that follow it), whether the
     * offered chunk was a duplicate.
     */
    public record Outcome(JitterBuffer buffer, List<Released> released, List<Gap> gaps, boolean duplicate, int rejected) {
        public Outcome(JitterBuffer buffer, List<Released> released, List<Gap> gaps, boolean duplicate) {
            this(buffer, released, gaps, duplicate, 0);
        }

        /** True when a hole is left that waits for a missing chunk. */
        public boolean holeOpen() {
            return !buffer.waiting.isEmpty();
        }
    }

    private JitterBuffer(long nextExpected, TreeMap<Long, AudioChunk> waiting, long waitingBytes, long capacityBytes) {
        this(nextExpected, waiting, waitingBytes, capacityBytes, null);
    }

    private JitterBuffer(long nextExpected, TreeMap<Long, AudioChunk> waiting, long waitingBytes, long capacityBytes, Released suspect) {
        this.suspect = suspect;
        this.nextExpected = nextExpected;
        this.waiting = waiting;
        this.waitingBytes = waitingBytes;
        this.capacityBytes = capacityBytes;
    }

    /** An empty buffer that holds at most {@code capacity} of audio waiting for a missing chunk. */
    public static JitterBuffer withCapacity(Duration capacity) {
        Checks.positive(capacity, "jitterBufferCapacity");
        return new JitterBuffer(-1, new TreeMap<>(), 0, capacity.toMillis() * AudioChunk.BYTES_PER_SECOND / 1000);
    }

    /**
     * Offers chunk {@code sequence}. One that jumps more than {@link #MAX_JUMP} ahead is held aside: if the
     * next chunk follows it, the stream was renumbered and both play from there; if the next chunk follows
     * the old numbering, the jump is dropped ({@link Outcome#rejected()}).
     */
    public Outcome offer(SequenceNumber sequence, AudioChunk audio) {
        long seq = sequence.value();
        if (suspect != null) {
            JitterBuffer without = new JitterBuffer(nextExpected, waiting, waitingBytes, capacityBytes);
            if (seq == suspect.sequence().value() + 1) { // renumbered: the held chunk starts the new stream
                Outcome first = without.reset().offer(suspect.sequence(), suspect.audio());
                Outcome second = first.buffer().offer(sequence, audio);
                List<Released> both = new ArrayList<>(first.released());
                both.addAll(second.released());
                return new Outcome(second.buffer(), List.copyOf(both), second.gaps(), false, 0);
            }
            Outcome o = without.offer(sequence, audio);
            return new Outcome(o.buffer(), o.released(), o.gaps(), o.duplicate(), 1);
        }
        if (nextExpected >= 0 && seq - nextExpected > MAX_JUMP) {
            return new Outcome(new JitterBuffer(nextExpected, waiting, waitingBytes, capacityBytes, new Released(sequence, audio)),
                    List.of(), List.of(), false, 0);
        }
        long next = nextExpected < 0 ? seq : nextExpected;
        if (seq == next && waiting.isEmpty()) { // the common case: in order, nothing waiting
            return new Outcome(new JitterBuffer(next + 1, waiting, 0, capacityBytes),
                    List.of(new Released(sequence, audio)), List.of(), false);
        }
        if (nextExpected >= 0 && (seq < nextExpected || waiting.containsKey(seq))) {
            return new Outcome(this, List.of(), List.of(), true);
        }
        List<Released> released = new ArrayList<>();
        List<Gap> gaps = new ArrayList<>();
        TreeMap<Long, AudioChunk> held = waiting;
        long heldBytes = waitingBytes;
        if (seq == next) {
            released.add(new Released(sequence, audio));
            next++;
            if (!held.isEmpty()) {
                held = new TreeMap<>(held);
                heldBytes = releaseRun(held, heldBytes, next, released);
                next = nextAfter(released, next);
            }
        } else {
            held = new TreeMap<>(held);
            held.put(seq, audio);
            heldBytes += audio.sizeInBytes();
            while (heldBytes > capacityBytes && !held.isEmpty()) {
                long first = held.firstKey();
                gaps.add(new Gap(SequenceNumber.of(next), SequenceNumber.of(first - 1)));
                int before = released.size();
                heldBytes = releaseRun(held, heldBytes, first, released);
                next = first + (released.size() - before);
            }
        }
        return new Outcome(new JitterBuffer(next, held, heldBytes, capacityBytes), List.copyOf(released), List.copyOf(gaps), false);
    }

    /** Gives up the current hole: reports it as a gap and releases what waited behind it. */
    public Outcome skipHole() {
        if (waiting.isEmpty()) {
            return new Outcome(this, List.of(), List.of(), false);
        }
        TreeMap<Long, AudioChunk> held = new TreeMap<>(waiting);
        long first = held.firstKey();
        Gap gap = new Gap(SequenceNumber.of(nextExpected), SequenceNumber.of(first - 1));
        List<Released> released = new ArrayList<>();
        long heldBytes = releaseRun(held, waitingBytes, first, released);
        long next = first + released.size();
        return new Outcome(new JitterBuffer(next, held, heldBytes, capacityBytes), List.copyOf(released), List.of(gap), false);
    }

    /** Forgets the stream (a new language starts its own numbering); what waited is discarded. */
    public JitterBuffer reset() {
        return new JitterBuffer(-1, new TreeMap<>(), 0, capacityBytes);
    }

    /** Releases consecutive chunks from {@code from} out of {@code held}; returns the new byte count. */
    private static long releaseRun(TreeMap<Long, AudioChunk> held, long heldBytes, long from, List<Released> out) {
        long next = from;
        for (Map.Entry<Long, AudioChunk> e = held.firstEntry(); e != null && e.getKey() == next; e = held.firstEntry()) {
            held.pollFirstEntry();
            heldBytes -= e.getValue().sizeInBytes();
            out.add(new Released(SequenceNumber.of(next), e.getValue()));
            next++;
        }
        return heldBytes;
    }

    private static long nextAfter(List<Released> released, long fallback) {
        return released.isEmpty() ? fallback : released.get(released.size() - 1).sequence().value() + 1;
    }

    /** The sequence number expected next, or empty before the first chunk. */
    public java.util.Optional<SequenceNumber> nextExpected() {
        return nextExpected < 0 ? java.util.Optional.empty() : java.util.Optional.of(SequenceNumber.of(nextExpected));
    }

    public int waitingChunks() {
        return waiting.size();
    }

    public Duration waitingAudio() {
        return Duration.ofMillis(waitingBytes * 1000 / AudioChunk.BYTES_PER_SECOND);
    }

    @Override
    public String toString() {
        return "JitterBuffer[next=" + nextExpected + ", waiting=" + waiting.keySet() + "]";
    }
}

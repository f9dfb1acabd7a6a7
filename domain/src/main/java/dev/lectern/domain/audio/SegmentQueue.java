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
 * The listener's queue of translated audio segments (protocol section 11.3): each segment arrives as a URL
 * with its text, is fetched and decoded elsewhere, and is played in order of its sequence number, which is
 * a timestamp. The queue decides what to fetch (a bounded number ahead of playback), drops a segment seen
 * twice (the overlap of a refresh), and releases segments in order as they become ready, back to back. A
 * segment that could not be had is a gap of its duration (capped), so that the talk keeps its length. The
 * spacing of timestamps paces nothing: it is the service's processing jitter (section 11.3), so time between
 * two segments that no segment accounts for is never played as silence; where it is long enough to have held
 * a segment the service never sent, a {@link Lost} step reports it. Immutable.
 */
public final class SegmentQueue {
    private final Settings settings;
    private final TreeMap<Long, Entry> entries;
    /** The sequence number of the last segment released, or -1. */
    private final long lastReleased;
    /** Where the last segment released ends on the service's clock ({@code timestamp + duration}), or -1. */
    private final long lastEnd;
    /** How much audio, gaps included, has been released: where the next segment starts on the listener's timeline. */
    private final long positionMillis;
    /** A segment numbered implausibly far ahead of the stream, held until the next one says whether the stream jumped. */
    private final Segment heldAside;

    /** A segment numbered further than this ahead of the stream is held aside (sequence numbers are timestamps, ms). */
    public static final long MAX_JUMP_MILLIS = 10 * 60_000L;

    /**
     * The bounds and tolerances of a queue: segments fetched ahead, kept at most, the spacing beyond a segment's
     * end reported as a likely lost segment, the longest silence played for a failed segment.
     */
    public record Settings(int ahead, int capacity, Duration gapTolerance, Duration maxGap) {
        public Settings {
            Checks.require(ahead >= 1 && ahead <= 16, "segmentsAhead", ahead, "must be between 1 and 16");
            Checks.require(capacity >= ahead && capacity <= 1000, "segmentCapacity", capacity, "must be between segmentsAhead and 1000");
            Checks.positive(gapTolerance, "segmentGapTolerance");
            Checks.positive(maxGap, "segmentMaxGap");
        }
    }

    /** A segment as announced: its sequence number (a timestamp, ms), URL, length, text and language. */
    public record Segment(SequenceNumber sequence, String url, Duration duration, String transcript,
                          dev.lectern.domain.LanguageCode language, long timestamp) {
        public Segment {
            Checks.require(sequence != null, "sequence", null, "must not be null");
            Checks.require(url != null && !url.isBlank(), "url", url, "must not be blank");
            Checks.require(duration != null && !duration.isNegative(), "duration", duration, "must not be negative");
        }
    }

    /** Why a stretch of time has no audio. */
    public enum GapCause {
        /** The segment was announced but could not be fetched or decoded (see the failure). */
        SEGMENT_FAILED
    }

    /** One thing to do, in order: play a segment's audio, or be silent for a while. */
    public sealed interface Step {}

    /** Play {@code audio}, the decoded {@code segment}, starting at {@code startMillis} on the listener's timeline. */
    public record Play(Segment segment, AudioChunk audio, long startMillis) implements Step {}

    /**
     * Silence of {@code length} at {@code startMillis}; {@code segment} and {@code failure} are set when an
     * announced segment failed.
     */
    public record Gap(Duration length, long startMillis, GapCause cause, Segment segment, String failure) implements Step {}

    /**
     * Between {@code after} and {@code before} the timestamps leave {@code missing} beyond {@code after}'s end:
     * more than the tolerance, so a segment was likely lost (an upload or signing failure sends nothing). Reported,
     * never played: the next segment follows at once.
     */
    public record Lost(SequenceNumber after, SequenceNumber before, Duration missing) implements Step {}

    /** What an operation did: the new queue, segments to start fetching, steps to take in order, whether it was a duplicate. */
    public record Outcome(SegmentQueue queue, List<Segment> fetch, List<Step> steps, boolean duplicate, List<Rejected> rejected) {
        Outcome(SegmentQueue queue, List<Segment> fetch, List<Step> steps, boolean duplicate) {
            this(queue, fetch, steps, duplicate, List.of());
        }
    }

    /** A segment not kept, and why: numbered implausibly far ahead of the stream, or over the queue's capacity. */
    public record Rejected(Segment segment, String reason) {}

    private enum State { WAITING, FETCHING, READY, FAILED }

    private record Entry(Segment segment, State state, AudioChunk audio, String failure) {
        Entry with(State s, AudioChunk a, String f) {
            return new Entry(segment, s, a, f);
        }
    }

    private SegmentQueue(Settings settings, TreeMap<Long, Entry> entries, long lastReleased, long lastEnd, long positionMillis,
                         Segment heldAside) {
        this.settings = settings;
        this.entries = entries;
        this.lastReleased = lastReleased;
        this.lastEnd = lastEnd;
        this.positionMillis = positionMillis;
        this.heldAside = heldAside;
    }

    public static SegmentQueue empty(Settings settings) {
        Checks.require(settings != null, "settings", null, "must not be null");
        return new SegmentQueue(settings, new TreeMap<>(), -1, -1, 0, null);
    }

    /**
     * Takes an announced segment: a duplicate or one older than what was played is dropped. One numbered more
     * than {@link #MAX_JUMP_MILLIS} ahead of the stream is held aside: if the next one follows it, the stream
     * really jumped (a long pause) and both are kept; if the next one follows the stream, it was a bad number
     * and is rejected, so that one forged segment never mutes the rest. Over the capacity a segment is
     * rejected, never kept.
     */
    public Outcome offer(Segment segment) {
        long seq = segment.sequence().value();
        if (seq <= lastReleased || entries.containsKey(seq) || (heldAside != null && heldAside.sequence().value() == seq)) {
            return new Outcome(this, List.of(), List.of(), true);
        }
        TreeMap<Long, Entry> next = new TreeMap<>(entries);
        List<Rejected> rejected = new ArrayList<>(1);
        long stream = Math.max(lastReleased, entries.isEmpty() ? -1 : entries.lastKey());
        Segment held = null;
        if (stream >= 0 && seq - stream > MAX_JUMP_MILLIS) {
            if (heldAside != null && Math.abs(seq - heldAside.sequence().value()) <= MAX_JUMP_MILLIS) {
                keep(next, heldAside, rejected); // two in a row that far ahead: the stream did jump
                keep(next, segment, rejected);
            } else {
                if (heldAside != null) {
                    rejected.add(new Rejected(heldAside, "numbered far ahead of the stream, and nothing followed it"));
                }
                held = segment; // the next segment tells
            }
        } else {
            if (heldAside != null) {
                rejected.add(new Rejected(heldAside, "numbered more than " + MAX_JUMP_MILLIS / 60_000 + " minutes ahead of the stream"));
            }
            keep(next, segment, rejected);
        }
        return settle(next, false, held, rejected);
    }

    private void keep(TreeMap<Long, Entry> next, Segment segment, List<Rejected> rejected) {
        if (next.size() >= settings.capacity()) {
            rejected.add(new Rejected(segment, "queue full"));
        } else {
            next.put(segment.sequence().value(), new Entry(segment, State.WAITING, null, null));
        }
    }

    /** The segment {@code sequence} was fetched and decoded. */
    public Outcome ready(SequenceNumber sequence, AudioChunk audio) {
        Entry e = entries.get(sequence.value());
        if (e == null || e.state() != State.FETCHING) {
            return new Outcome(this, List.of(), List.of(), false);
        }
        TreeMap<Long, Entry> next = new TreeMap<>(entries);
        next.put(sequence.value(), e.with(State.READY, audio, null));
        return settle(next, false, heldAside, List.of());
    }

    /** The segment {@code sequence} could not be had, for {@code failure} (expired, 403, 404, timeout, undecodable...). */
    public Outcome failed(SequenceNumber sequence, String failure) {
        Entry e = entries.get(sequence.value());
        if (e == null || e.state() != State.FETCHING) {
            return new Outcome(this, List.of(), List.of(), false);
        }
        TreeMap<Long, Entry> next = new TreeMap<>(entries);
        next.put(sequence.value(), e.with(State.FAILED, null, failure));
        return settle(next, false, heldAside, List.of());
    }

    /** Forgets what waits and where the stream was (a new language is a new stream); fetches in flight are left to fail or be ignored. */
    public SegmentQueue reset() {
        return new SegmentQueue(settings, new TreeMap<>(), lastReleased, -1, positionMillis, null);
    }

    /** Whether a segment was ever offered (a listener on a service that sends segments). */
    public boolean started() {
        return lastReleased >= 0 || !entries.isEmpty();
    }

    /** Whether nothing waits to be fetched, decoded or played. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Segments waiting, being fetched or ready behind one still missing. */
    public int size() {
        return entries.size();
    }

    /** Where the next segment would start on the listener's timeline. */
    public long positionMillis() {
        return positionMillis;
    }

    /** Releases what is ready at the head, in order, and starts the fetches the bound allows. */
    private Outcome settle(TreeMap<Long, Entry> next, boolean duplicate, Segment held, List<Rejected> rejected) {
        List<Step> steps = new ArrayList<>();
        long released = lastReleased;
        long end = lastEnd;
        long position = positionMillis;
        for (Map.Entry<Long, Entry> head = next.firstEntry(); head != null; head = next.firstEntry()) {
            Entry e = head.getValue();
            if (e.state() != State.READY && e.state() != State.FAILED) {
                break;
            }
            next.pollFirstEntry();
            Segment s = e.segment();
            if (end >= 0) {
                long missing = s.timestamp() - end;
                if (missing > settings.gapTolerance().toMillis()) {
                    steps.add(new Lost(SequenceNumber.of(released), s.sequence(), Duration.ofMillis(missing)));
                }
            }
            if (e.state() == State.READY) {
                steps.add(new Play(s, e.audio(), position));
                position += e.audio().duration().toMillis();
            } else {
                GapCause cause = GapCause.SEGMENT_FAILED;
                long length = Math.min(s.duration().toMillis(), settings.maxGap().toMillis());
                steps.add(new Gap(Duration.ofMillis(length), position, cause, s, e.failure()));
                position += length;
            }
            released = s.sequence().value();
            end = s.timestamp() + s.duration().toMillis();
        }
        List<Segment> fetch = new ArrayList<>();
        int inFlight = 0;
        for (Entry e : next.values()) {
            if (e.state() == State.FETCHING || e.state() == State.READY) {
                inFlight++;
            }
        }
        for (Map.Entry<Long, Entry> me : next.entrySet()) {
            if (inFlight >= settings.ahead()) {
                break;
            }
            if (me.getValue().state() == State.WAITING) {
                me.setValue(me.getValue().with(State.FETCHING, null, null));
                fetch.add(me.getValue().segment());
                inFlight++;
            }
        }
        return new Outcome(new SegmentQueue(settings, next, released, end, position, held), List.copyOf(fetch), List.copyOf(steps),
                duplicate, List.copyOf(rejected));
    }

    @Override
    public String toString() {
        return "SegmentQueue[lastReleased=" + lastReleased + ", waiting=" + entries.keySet() + ", at " + positionMillis + " ms]";
    }
}

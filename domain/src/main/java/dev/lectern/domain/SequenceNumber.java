package dev.lectern.domain;

/** Position of an audio chunk in one session+language stream; the server starts at 0 and adds 1. */
public record SequenceNumber(long value) implements Comparable<SequenceNumber> {
    public SequenceNumber {
        Checks.require(value >= 0, "sequenceNumber", value, "must not be negative");
    }

    public static SequenceNumber of(long value) {
        return new SequenceNumber(value);
    }

    public SequenceNumber next() {
        return new SequenceNumber(value + 1);
    }

    @Override
    public int compareTo(SequenceNumber other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return "#" + value;
    }
}

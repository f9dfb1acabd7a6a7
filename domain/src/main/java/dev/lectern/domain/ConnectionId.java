package dev.lectern.domain;

/**
 * The client's own name for one WebSocket connection. Every input from a transport carries one, so a
 * late frame from a retired connection is never mistaken for one from the current connection.
 */
public record ConnectionId(long value) implements Comparable<ConnectionId> {
    public ConnectionId {
        Checks.require(value > 0, "connectionId", value, "must be positive");
    }

    /** The id after this one. */
    public ConnectionId next() {
        return new ConnectionId(value + 1);
    }

    @Override
    public int compareTo(ConnectionId other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return "conn-" + value;
    }
}

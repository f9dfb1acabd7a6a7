package dev.lectern.domain.session;

import dev.lectern.domain.ConnectionId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The five states of a client; each record carries only its own data plus the shared {@link Context}. */
public sealed interface SessionState {

    Context context();

    /** Which of the five. */
    Kind kind();

    /** The connections this state holds open or is opening. */
    List<ConnectionId> connections();

    /** The five kinds, for transitions and reporting. */
    enum Kind { CONNECTING, ACTIVE, REFRESHING, PAUSED, ENDED }

    /**
     * Making a connection: the first one, or a reconnect attempt after {@code attempt} failures.
     *
     * @param connection the connection being opened while {@code step} is OPENING
     * @param tokenRenewed a forced token renewal was already tried after a 401 in this chain
     * @param lastError the error that led to the current backoff, if any
     */
    record Connecting(Context context, ConnectMode mode, int attempt, Step step, ConnectionId connection,
                      boolean tokenRenewed, LecternError lastError) implements SessionState {
        public Connecting {
            Objects.requireNonNull(context, "context is null");
            Objects.requireNonNull(mode, "mode is null");
            Objects.requireNonNull(step, "step is null");
        }

        public Kind kind() {
            return Kind.CONNECTING;
        }

        public List<ConnectionId> connections() {
            return connection == null ? List.of() : List.of(connection);
        }
    }

    /** One confirmed connection, streaming. */
    record Active(Context context, Link current) implements SessionState {
        public Active {
            Objects.requireNonNull(current, "current is null");
        }

        public Kind kind() {
            return Kind.ACTIVE;
        }

        public List<ConnectionId> connections() {
            return List.of(current.id());
        }
    }

    /** The current connection still serves while a candidate is made to replace it (make-before-break). */
    record Refreshing(Context context, Link current, Candidate candidate) implements SessionState {
        public Refreshing {
            Objects.requireNonNull(current, "current is null");
            Objects.requireNonNull(candidate, "candidate is null");
        }

        public Kind kind() {
            return Kind.REFRESHING;
        }

        public List<ConnectionId> connections() {
            return both(current, candidate);
        }
    }

    /** Paused broadcast on a live connection; heartbeats go on and a refresh may run ({@code candidate}). */
    record Paused(Context context, Link current, Candidate candidate) implements SessionState {
        public Paused {
            Objects.requireNonNull(current, "current is null");
        }

        public Kind kind() {
            return Kind.PAUSED;
        }

        public List<ConnectionId> connections() {
            return both(current, candidate);
        }
    }

    /** Terminal. Every input is ignored. */
    record Ended(Context context, EndReason reason) implements SessionState {
        public Ended {
            Objects.requireNonNull(reason, "reason is null");
        }

        public Kind kind() {
            return Kind.ENDED;
        }

        public List<ConnectionId> connections() {
            return List.of();
        }
    }

    private static List<ConnectionId> both(Link current, Candidate candidate) {
        List<ConnectionId> ids = new ArrayList<>(2);
        ids.add(current.id());
        if (candidate != null && candidate.id() != null) {
            ids.add(candidate.id());
        }
        return List.copyOf(ids);
    }
}

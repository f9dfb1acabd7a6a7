package dev.lectern.domain.session;

import java.time.Duration;

/**
 * Why a connection could not be made or was refused: the HTTP status of a refused upgrade (0 when no
 * HTTP answer came: network failure, timeout), the error code and message from the body, and the
 * server's {@code Retry-After}.
 */
public record ConnectFailure(int status, String code, String message, Duration retryAfter) {

    /** No HTTP answer (refused TCP connect, DNS, TLS, timeout). */
    public static ConnectFailure network(String message) {
        return new ConnectFailure(0, "NETWORK_ERROR", message, null);
    }

    /** The first frame did not come in time. */
    public static ConnectFailure confirmTimeout(Duration waited) {
        return new ConnectFailure(0, "CONFIRM_TIMEOUT", "no confirmation within " + waited.toMillis() + " ms", null);
    }

    /** How the state machine treats it. */
    public FailureClass classify() {
        return FailureClass.of(status, code);
    }

    @Override
    public String toString() {
        return "ConnectFailure[" + (status == 0 ? "no HTTP status" : "HTTP " + status) + ", " + code + ": " + message
                + (retryAfter == null ? "" : ", retry after " + retryAfter.toSeconds() + " s") + "]";
    }
}

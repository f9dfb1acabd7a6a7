package dev.lectern.domain.session;

import java.time.Duration;

/**
 * An error as a host sees it: a code (the server's, or one of Lectern's own such as
 * {@code CONFIRM_TIMEOUT}, {@code NOT_CONNECTED}, {@code REFRESH_FAILED}), a readable message, the HTTP
 * status when one applies (else 0), the server's retry hint, and whether retrying can help.
 */
public record LecternError(String code, String message, int status, Duration retryAfter, boolean permanent) {

    public static LecternError of(ConnectFailure failure) {
        return new LecternError(failure.code(), failure.message(), failure.status(), failure.retryAfter(),
                failure.classify() != FailureClass.TRANSIENT);
    }

    public static LecternError local(String code, String message) {
        return new LecternError(code, message, 0, null, false);
    }
}

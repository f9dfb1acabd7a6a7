package dev.lectern.port;

import dev.lectern.domain.session.LecternError;
import java.util.Objects;

/**
 * A call to the HTTP session API failed: {@link #error()} carries the HTTP status (0 when no answer came),
 * a code derived from it, the service's sentence, and whether retrying can help. Never carries a token.
 */
public class SessionApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient LecternError error;

    public SessionApiException(LecternError error, Throwable cause) {
        super(Objects.requireNonNull(error, "error is null").code() + ": " + error.message(), cause);
        this.error = error;
    }

    public LecternError error() {
        return error;
    }
}

package dev.lectern.port;

import dev.lectern.domain.session.LecternError;
import java.util.Objects;

/** Sign-in or renewal failed; {@link #error()} says whether retrying can help. Never carries a secret. */
public class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient LecternError error;

    public AuthenticationException(LecternError error, Throwable cause) {
        super(Objects.requireNonNull(error, "error is null").code() + ": " + error.message(), cause);
        this.error = error;
    }

    public LecternError error() {
        return error;
    }
}

package dev.lectern.port;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Fetches the bytes of a translated audio segment from its (presigned) URL. An implementation bounds each
 * try in time, tries a few times with jittered backoff, never tries once {@code expiresAt} has passed,
 * and fails the stage with a {@link FetchFailedException} whose {@link Reason} says why.
 */
public interface SegmentFetcher {

    /** The body of {@code url}; {@code expiresAt} is when the URL stops working, or null when it does not say. */
    CompletionStage<byte[]> fetch(URI url, Instant expiresAt);

    /** Why a segment could not be had. */
    enum Reason {
        /** The URL's expiry passed before it could be fetched (or the service said so, 403 after it). */
        EXPIRED,
        /** 403 before the expiry: the signature is not accepted. */
        FORBIDDEN,
        /** 404. */
        NOT_FOUND,
        /** No answer in time, on every try. */
        TIMEOUT,
        /** Another failure: refused, reset, a 5xx on every try, a body over the limit. */
        FAILED
    }

    /** The fetch failed for {@code reason}; the message never carries the URL's signature. */
    final class FetchFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final Reason reason;

        public FetchFailedException(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = Objects.requireNonNull(reason, "reason is null");
        }

        public Reason reason() {
            return reason;
        }
    }
}

package dev.lectern.domain.session;

/**
 * How a failure is retried (protocol section 7.6): 400, 403, 404 never; 401 once after the token is
 * renewed; 429, 5xx and failures with no HTTP status with backoff. Unknown codes go by status.
 */
public enum FailureClass {
    /** Retrying cannot help. */
    PERMANENT,
    /** Retry once with a renewed token, then treat as permanent. */
    UNAUTHORIZED,
    /** Retry with backoff. */
    TRANSIENT;

    public static FailureClass of(int status, String code) {
        if ("TLS_CERTIFICATE_REJECTED".equals(code) || "INVALID_REQUEST".equals(code)) {
            return PERMANENT; // retrying cannot fix an untrusted certificate or a URL the client cannot build
        }
        if ("SESSION_FULL".equals(code) || "RATE_LIMIT_EXCEEDED".equals(code) || "INTERNAL_ERROR".equals(code)
                || "SERVICE_UNAVAILABLE".equals(code)) {
            return TRANSIENT;
        }
        if ("UNAUTHORIZED".equals(code) || status == 401) {
            return UNAUTHORIZED;
        }
        if (status == 0 || status == 408 || status == 429 || status >= 500) {
            return TRANSIENT;
        }
        return PERMANENT;
    }
}

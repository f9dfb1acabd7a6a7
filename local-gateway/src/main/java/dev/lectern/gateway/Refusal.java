package dev.lectern.gateway;

import java.util.Map;

/**
 * Why the gateway refuses a connect or a message: the protocol's error code, its HTTP-equivalent status,
 * a message, details and, for rate limits, the seconds to wait.
 */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;
    final transient Map<String, Object> details;
    final Long retryAfterSeconds;

    Refusal(int status, String code, String message, Map<String, Object> details, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details == null ? Map.of() : details;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static Refusal of(int status, String code, String message) {
        return new Refusal(status, code, message, Map.of(), null);
    }

    static Refusal field(String code, String field, String message) {
        return new Refusal(400, code, message, Map.of("field", field), null);
    }
}

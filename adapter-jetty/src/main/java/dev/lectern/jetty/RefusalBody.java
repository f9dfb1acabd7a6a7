package dev.lectern.jetty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lectern.domain.session.ConnectFailure;
import java.time.Duration;

/** Reads the error of a refused upgrade: the JSON body first, then Lectern's headers, then the status alone. */
final class RefusalBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RefusalBody() {}

    static ConnectFailure parse(int status, String body, String headerCode, String headerMessage, String retryAfterHeader) {
        String code = headerCode;
        String message = headerMessage;
        Long retryAfter = seconds(retryAfterHeader);
        if (body != null && !body.isBlank()) {
            try {
                JsonNode o = JSON.readTree(body);
                if (o != null && o.isObject()) {
                    JsonNode c = o.get("code");
                    if (c != null && !c.isNull()) {
                        code = c.isNumber() ? Integer.toString(c.asInt()) : c.asText();
                    } else if (o.hasNonNull("error")) {
                        code = o.get("error").asText();
                    }
                    if (o.hasNonNull("message")) {
                        message = o.get("message").asText();
                    }
                    JsonNode details = o.get("details");
                    if (details != null && details.isObject() && details.has("retryAfter")) {
                        retryAfter = details.get("retryAfter").asLong();
                    } else if (o.has("retryAfter")) {
                        retryAfter = o.get("retryAfter").asLong();
                    }
                }
            } catch (Exception notJson) {
                // API Gateway's own refusals carry no JSON: the status is all there is
            }
        }
        if (code == null) {
            code = status == 401 ? "UNAUTHORIZED" : status == 403 ? "FORBIDDEN" : "HTTP_" + status;
        }
        if (message == null) {
            message = "upgrade refused with HTTP " + status;
        }
        return new ConnectFailure(status, code, ConnectUrls.redact(message),
                retryAfter == null ? null : Duration.ofSeconds(Math.max(0, retryAfter)));
    }

    private static Long seconds(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

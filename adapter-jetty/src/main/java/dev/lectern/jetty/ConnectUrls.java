package dev.lectern.jetty;

import dev.lectern.domain.session.ConnectRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds the URL of a connect (protocol section 1): the service endpoint plus the request's query
 * parameters, each value percent-encoded, and the token last. Every URL that may reach a log or an
 * exception goes through {@link #redact(String)} first.
 */
public final class ConnectUrls {
    /** API Gateway's limit for a connect URL, JWT included. */
    public static final int MAX_URL_LENGTH = 4096;

    private static final Pattern TOKEN = Pattern.compile("(?i)((?:^|[?&;\\s\"'])(?:token|id_?token|access_?token)=)[^&\\s\"']*");
    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer\\s+)[A-Za-z0-9._~+/=-]+");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private ConnectUrls() {}

    /**
     * The URL for {@code request} at {@code endpoint} ({@code ws://} or {@code wss://}, path kept).
     *
     * @throws IllegalArgumentException if the endpoint is not a WebSocket URL or the result exceeds
     *     {@link #MAX_URL_LENGTH}; the message never contains the token
     */
    public static URI build(URI endpoint, ConnectRequest request) {
        Objects.requireNonNull(endpoint, "endpoint is null");
        Objects.requireNonNull(request, "request is null");
        String scheme = endpoint.getScheme();
        if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("endpoint must be a ws:// or wss:// URL, was: " + redact(endpoint.toString()));
        }
        if (endpoint.getRawQuery() != null) {
            throw new IllegalArgumentException("endpoint must not carry a query, was: " + redact(endpoint.toString()));
        }
        StringBuilder url = new StringBuilder(endpoint.toString());
        char separator = '?';
        for (Map.Entry<String, String> parameter : request.queryParameters().entrySet()) {
            url.append(separator).append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue()));
            separator = '&';
        }
        if (request.token().isPresent()) {
            url.append(separator).append("token=").append(encode(request.token().get().value()));
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new IllegalArgumentException("connect URL is " + url.length() + " characters, over the limit of "
                    + MAX_URL_LENGTH + ": " + redact(url.toString()));
        }
        return URI.create(url.toString());
    }

    /** Percent-encodes one query component (spaces as {@code %20}). */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code text} with every token query value, bearer credential and JWT replaced by {@code <redacted>}. */
    public static String redact(String text) {
        if (text == null || !mayHoldCredential(text)) {
            return text;
        }
        String out = TOKEN.matcher(text).replaceAll("$1<redacted>");
        out = BEARER.matcher(out).replaceAll("$1<redacted>");
        return JWT.matcher(out).replaceAll("<redacted>");
    }

    /**
     * Whether {@code text} holds a word every pattern above needs ("token", "bearer" in any case, or a JWT's
     * "eyJ"): close reasons and errors without one (nearly all) skip the three regular expressions, which
     * cost a listener's close more than the close itself.
     */
    private static boolean mayHoldCredential(String text) {
        return text.contains("eyJ") || containsIgnoringCase(text, "token") || containsIgnoringCase(text, "bearer");
    }

    private static boolean containsIgnoringCase(String text, String word) {
        for (int i = 0; i + word.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }
}

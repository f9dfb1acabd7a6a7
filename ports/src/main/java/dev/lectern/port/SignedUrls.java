package dev.lectern.port;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads when a presigned S3 URL stops working, in either of the forms the service may sign with (protocol
 * section 11.3): the older {@code Expires=<epoch seconds>}, or SigV4's {@code X-Amz-Date} plus
 * {@code X-Amz-Expires} seconds. Nothing else about the URL is looked at.
 */
public final class SignedUrls {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private SignedUrls() {}

    /** The URL's expiry, or null when it states none (or states it in a form that cannot be read). */
    public static Instant expiry(String url) {
        String query;
        try {
            query = URI.create(url).getRawQuery();
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (query == null) {
            return null;
        }
        String expires = null;
        String amzDate = null;
        String amzExpires = null;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (name.equals("Expires")) {
                expires = value;
            } else if (name.equalsIgnoreCase("X-Amz-Date")) {
                amzDate = value;
            } else if (name.equalsIgnoreCase("X-Amz-Expires")) {
                amzExpires = value;
            }
        }
        try {
            if (expires != null) {
                return Instant.ofEpochSecond(Long.parseLong(expires));
            }
            if (amzDate != null && amzExpires != null) {
                return LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC).plusSeconds(Long.parseLong(amzExpires));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            return null;
        }
        return null;
    }
}

package dev.lectern.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The deployed flavor's stand-in for S3 (protocol section 11.3): holds the MP3 of each translated segment
 * under a key and hands out presigned-style URLs to it, HMAC-signed with a secret of this gateway, expiring
 * after {@code segmentExpires}. Both forms the service may sign with: the older {@code AWSAccessKeyId,
 * Signature, x-amz-security-token, Expires} (the default, as deployed) and SigV4's {@code X-Amz-*}. A URL
 * that is expired or forged is answered 403 with an S3-style XML error; a key it does not hold, 404.
 * Bounded: the oldest objects are forgotten past {@link #MAX_OBJECTS}.
 */
final class SegmentStore {
    static final int MAX_OBJECTS = 4096;
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Which signature form the URLs take. */
    enum Signing { EXPIRES, SIGV4 }

    /** An answer to a GET. */
    record Answer(int status, String contentType, byte[] body) {}

    private final byte[] secret = new byte[32];
    private final Clock clock;
    private final Duration expires;
    private final Signing signing;
    private final Map<String, byte[]> objects = new HashMap<>();
    private final ArrayDeque<String> order = new ArrayDeque<>();
    final AtomicInteger expireEarly = new AtomicInteger();
    final AtomicLong slowFetchMillis = new AtomicLong();
    private final AtomicLong gets = new AtomicLong();

    SegmentStore(Clock clock, Duration expires, Signing signing) {
        new SecureRandom().nextBytes(secret);
        this.clock = clock;
        this.expires = expires;
        this.signing = signing;
    }

    /** Stores {@code body} under {@code key} and returns the query of a URL to it (the base is the caller's). */
    synchronized String put(String key, byte[] body) {
        if (objects.put(key, body) == null) {
            order.addLast(key);
        }
        while (order.size() > MAX_OBJECTS) {
            objects.remove(order.pollFirst());
        }
        Instant now = clock.instant();
        Instant expiry = expireEarly.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? now.minusSeconds(1) : now.plus(expires);
        if (signing == Signing.EXPIRES) {
            long at = expiry.getEpochSecond();
            return "AWSAccessKeyId=LOCALSTANDIN&Signature=" + encode(sign(key + "\n" + at)) + "&x-amz-security-token=local-session&Expires=" + at;
        }
        String date = AMZ_DATE.format(now);
        long seconds = Math.max(0, Duration.between(now, expiry).getSeconds());
        String credential = "LOCALSTANDIN/" + date.substring(0, 8) + "/us-east-1/s3/aws4_request";
        return "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + encode(credential) + "&X-Amz-Date=" + date + "&X-Amz-Expires="
                + seconds + "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + hex(sign(key + "\n" + date + "\n" + seconds));
    }

    /** The answer to a GET of {@code key} with {@code query}. */
    Answer get(String key, Map<String, String> query) {
        gets.incrementAndGet();
        long slow = slowFetchMillis.get();
        if (slow > 0) {
            try {
                Thread.sleep(slow); // the fault: a slow object store (the request's own thread, never the client's)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Instant now = clock.instant();
        Instant expiry;
        boolean valid;
        if (query.containsKey("Expires")) {
            long at = parse(query.get("Expires"));
            expiry = Instant.ofEpochSecond(at);
            valid = equal(encode(sign(key + "\n" + at)), query.get("Signature"));
        } else if (query.containsKey("X-Amz-Signature")) {
            String date = query.getOrDefault("X-Amz-Date", "");
            long seconds = parse(query.get("X-Amz-Expires"));
            try {
                expiry = Instant.from(AMZ_DATE.parse(date)).plusSeconds(seconds);
            } catch (RuntimeException e) {
                return error(403, "AuthorizationQueryParametersError", "X-Amz-Date must be in the ISO8601 Long Format");
            }
            valid = equal(hex(sign(key + "\n" + date + "\n" + seconds)), query.get("X-Amz-Signature"));
        } else {
            return error(403, "AccessDenied", "Access Denied");
        }
        if (!valid) {
            return error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
        }
        if (!now.isBefore(expiry)) {
            return error(403, "AccessDenied", "Request has expired");
        }
        byte[] body;
        synchronized (this) {
            body = objects.get(key);
        }
        return body == null ? error(404, "NoSuchKey", "The specified key does not exist.") : new Answer(200, "audio/mpeg", body);
    }

    /** GETs answered so far, valid or not. */
    long gets() {
        return gets.get();
    }

    private static Answer error(int status, String code, String message) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>LOCAL</RequestId></Error>";
        return new Answer(status, "application/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static String encode(byte[] signature) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            b.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return b.toString();
    }

    private static boolean equal(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static long parse(String v) {
        try {
            return v == null ? -1 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

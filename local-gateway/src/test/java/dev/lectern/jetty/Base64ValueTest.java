package dev.lectern.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The one-pass decoder must take and refuse exactly what the JDK's basic decoder does, decode to the same
 * bytes, and find the same string end as {@link FlatFrameReader#stringEnd}, wherever the odd character sits.
 */
class Base64ValueTest {

    /** {@code text} with one character replaced by one outside the alphabet, or by padding, at a random place. */
    static String spoil(String text, Random r) {
        if (text.isEmpty()) {
            return "=";
        }
        char[] odd = {'=', '!', '-', '_', ' ', '.', '*', '~'};
        int at = r.nextInt(text.length());
        return text.substring(0, at) + odd[r.nextInt(odd.length)] + text.substring(at + 1);
    }

    /** Base64 text of random bytes, then spoiled, cut or padded now and then; and what follows its quote. */
    static String text(long seed) {
        Random r = new Random(seed);
        byte[] bytes = new byte[r.nextInt(4) == 0 ? r.nextInt(12) : r.nextInt(5_000)];
        r.nextBytes(bytes);
        String text = Base64.getEncoder().encodeToString(bytes);
        return switch (r.nextInt(8)) {
            case 0 -> spoil(text, r);
            case 1 -> text.replace("=", "");
            case 2 -> text.isEmpty() ? text : text.substring(0, r.nextInt(text.length()));
            case 3 -> text + "=";
            case 4 -> text + "\\/AA"; // an escape: not for this reader
            default -> text;
        };
    }

    @Property(tries = 3_000)
    void decodesAsTheJdkDoes(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seed, @ForAll @IntRange(min = 0, max = 9) int before) {
        String text = text(seed);
        byte[] frame = ("x".repeat(before) + text + "\",\"sequenceNumber\":7}").getBytes(StandardCharsets.US_ASCII);

        Base64Value.Decoded decoded = Base64Value.read(frame, before, frame.length);

        int end = FlatFrameReader.stringEnd(frame, before, frame.length);
        if (end < 0) {
            assertThat(decoded).as(text).isNull();
            return;
        }
        assertThat(decoded).as(text).isNotNull();
        assertThat(decoded.end()).as(text).isEqualTo(end);
        byte[] jdk;
        try {
            jdk = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException notBase64) {
            jdk = null;
        }
        assertThat(decoded.bytes()).as(text).isEqualTo(jdk);
    }

    @Test
    void theGeneratorMakesBothGoodAndBadText() {
        int good = 0;
        int bad = 0;
        for (int seed = 0; seed < 1_000; seed++) {
            try {
                Base64.getDecoder().decode(text(seed));
                good++;
            } catch (IllegalArgumentException e) {
                bad++;
            }
        }
        assertThat(good).isGreaterThan(300);
        assertThat(bad).isGreaterThan(100);
    }

    @Test
    void aStringWithNoEndIsNotRead() {
        byte[] open = "QUJDREVGR0g".getBytes(StandardCharsets.US_ASCII);

        assertThat(Base64Value.read(open, 0, open.length)).isNull();
    }
}

package dev.lectern.jetty;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

/**
 * Decodes the base64 text of a JSON string straight from a frame's UTF-8 bytes, finding the string's end in
 * the same pass: the closing quote is not a base64 character, so the decoding loop stops on it, and the
 * text is read once, not once to find its end and again to decode it.
 *
 * <p>It decodes exactly as {@link Base64#getDecoder()} does: eight characters at a time while they are all
 * in the alphabet, and the rest (the padded last unit, or whatever stopped the fast loop) by the JDK's
 * decoder itself, which therefore decides every case but the plain one. {@code Base64ValueTest} checks the
 * two agree on generated text.
 */
final class Base64Value {
    /**
     * A decoded string: {@code end} is the index of its closing quote; {@code bytes} the decoded bytes, or
     * null when the text is not base64.
     */
    record Decoded(int end, byte[] bytes) {}

    private static final Base64.Decoder JDK = Base64.getDecoder();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** The 6 bits of each character, already shifted to its place in a unit of four; -1 outside the alphabet. */
    private static final int[] FIRST = table(18);
    private static final int[] SECOND = table(12);
    private static final int[] THIRD = table(6);
    private static final int[] FOURTH = table(0);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** Where a thread decodes before the exact-sized copy is taken (a frame's length is known only at its end). */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[8 * 1024]);
    /** Scratch arrays are kept up to this size; a larger string (never audio of 100 ms) gets its own. */
    private static final int KEPT_SCRATCH = 64 * 1024;

    private Base64Value() {}

    /**
     * The string whose text starts at {@code start} (just after its opening quote), decoded; null when it has
     * an escape, a control character or a byte outside ASCII before its end, or no end before {@code limit},
     * which {@link FlatFrameReader#stringEnd} decides as for any other string.
     */
    static Decoded read(byte[] utf8, int start, int limit) {
        int room = (limit - start) / 4 * 3 + Long.BYTES;
        byte[] out = SCRATCH.get();
        if (out.length < room) {
            out = new byte[room];
            if (room <= KEPT_SCRATCH) {
                SCRATCH.set(out);
            }
        }
        int i = start;
        int o = 0;
        while (i + Long.BYTES <= limit) {
            long w = (long) LONG_LE.get(utf8, i);
            int a = FIRST[(int) w & 0xff] | SECOND[(int) (w >>> 8) & 0xff] | THIRD[(int) (w >>> 16) & 0xff]
                    | FOURTH[(int) (w >>> 24) & 0xff];
            int b = FIRST[(int) (w >>> 32) & 0xff] | SECOND[(int) (w >>> 40) & 0xff] | THIRD[(int) (w >>> 48) & 0xff]
                    | FOURTH[(int) (w >>> 56) & 0xff];
            if ((a | b) < 0) {
                break;
            }
            LONG_BE.set(out, o, ((long) a << 40) | ((long) b << 16)); // six bytes, and two the next step overwrites
            o += 6;
            i += Long.BYTES;
        }
        int end = FlatFrameReader.stringEnd(utf8, i, limit); // the last few characters: the padded unit and the quote
        if (end < 0) {
            return null;
        }
        if (end == i) {
            return new Decoded(end, Arrays.copyOf(out, o));
        }
        ByteBuffer rest;
        try {
            rest = JDK.decode(ByteBuffer.wrap(utf8, i, end - i));
        } catch (IllegalArgumentException notBase64) {
            return new Decoded(end, null);
        }
        byte[] bytes = Arrays.copyOf(out, o + rest.remaining());
        rest.get(bytes, o, rest.remaining());
        return new Decoded(end, bytes);
    }

    private static int[] table(int shift) {
        int[] t = new int[256];
        Arrays.fill(t, -1);
        for (int v = 0; v < ALPHABET.length(); v++) {
            t[ALPHABET.charAt(v)] = v << shift;
        }
        return t;
    }
}

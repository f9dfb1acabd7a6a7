package dev.lectern.jetty;

import java.nio.charset.StandardCharsets;

/**
 * Reads the frames a listener gets in its ordinary life in one pass over their UTF-8 bytes, with no JSON
 * library: audio frames (nearly all of the traffic; no {@code String} of the base64 text, which is decoded
 * straight from the frame as it is read), the heartbeat acknowledgement and the session's end, which arrive
 * while audio flows, and the join's answer, the first frame of every listener: so a listener's ordinary
 * life needs no JSON parser and no object mapper.
 *
 * <p>It accepts only the plain shape a gateway writes: one flat object whose known fields ({@code type},
 * {@code audioData} or {@code audio}, {@code sessionId}, {@code targetLanguage}, {@code sourceLanguage},
 * {@code connectionId}, {@code qualityTier}, {@code sequenceNumber}, {@code listenerCount}, {@code timestamp},
 * {@code serverTime}, {@code message}, {@code reason}) appear at most once, with strings of printable ASCII
 * and no escapes where text belongs, integers where numbers belong, and unknown fields holding strings or
 * integers. Anything else (an escape, a nested value, a literal, a fraction, a number as text or text as a
 * number, a duplicate, text after the object, invalid JSON, another type) makes it answer {@code null}, and
 * the caller reads the frame as a tree, which decides. So whatever it accepts, it reads as the tree would:
 * {@code FlatFrameReaderTest} checks that on generated frames.
 */
final class FlatFrameReader {
    private static final int TYPE = 0;
    private static final int AUDIO_DATA = 1;
    private static final int AUDIO = 2;
    private static final int SESSION_ID = 3;
    private static final int TARGET_LANGUAGE = 4;
    private static final int SEQUENCE_NUMBER = 5;
    private static final int TIMESTAMP = 6;
    private static final int SERVER_TIME = 7;
    private static final int MESSAGE = 8;
    private static final int REASON = 9;
    private static final int SOURCE_LANGUAGE = 10;
    private static final int CONNECTION_ID = 11;
    private static final int LISTENER_COUNT = 12;
    private static final int QUALITY_TIER = 13;
    private static final byte[][] NAMES = {
        ascii("type"), ascii("audioData"), ascii("audio"), ascii("sessionId"), ascii("targetLanguage"),
        ascii("sequenceNumber"), ascii("timestamp"), ascii("serverTime"), ascii("message"), ascii("reason"),
        ascii("sourceLanguage"), ascii("connectionId"), ascii("listenerCount"), ascii("qualityTier"),
    };

    /** The types read here, each with its spelling on the wire. */
    enum Kind {
        AUDIO_DATA("audioData"), AUDIO("audio"), HEARTBEAT_ACK("heartbeatAck"), SESSION_ENDED("sessionEnded"),
        SESSION_JOINED("sessionJoined");

        private static final Kind[] ALL = values();
        private static final byte[][] WIRE_NAMES = java.util.Arrays.stream(ALL).map(k -> ascii(k.wireName)).toArray(byte[][]::new);

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        String wireName() {
            return wireName;
        }

        boolean isAudio() {
            return this == AUDIO_DATA || this == AUDIO;
        }
    }

    /**
     * What an accepted frame holds. For the audio kinds, {@code audio} is already decoded from its base64
     * text, in the same pass that found the text's end ({@link Base64Value}), or null when the text is not
     * base64, which the caller reports in its turn. Fields a kind does not use are read and left for the
     * caller to ignore, as the tree reading ignores them.
     */
    record Fields(Kind kind, byte[] audio, String sessionId, String targetLanguage, Long sequenceNumber, Long timestamp,
            Long serverTime, String message, String reason, String sourceLanguage, String connectionId, Long listenerCount,
            String qualityTier) {}

    private FlatFrameReader() {}

    /**
     * The frame in {@code utf8[offset, offset + length)}, or null when it is not of a type read here or not
     * in the shape this reader is sure of.
     */
    static Fields read(byte[] utf8, int offset, int length) {
        final int end = offset + length;
        int i = skipSpace(utf8, offset, end);
        if (i >= end || utf8[i] != '{') {
            return null;
        }
        i = skipSpace(utf8, i + 1, end);
        Kind type = null;
        boolean hasAudio = false;
        byte[] audio = null;
        String session = null;
        String language = null;
        Long sequence = null;
        Long timestamp = null;
        Long serverTime = null;
        String message = null;
        String reason = null;
        String source = null;
        String connection = null;
        Long listeners = null;
        String tier = null;
        int seen = 0;
        while (true) {
            if (i >= end || utf8[i] != '"') {
                return null; // also the empty object
            }
            int keyEnd = stringEnd(utf8, i + 1, end);
            if (keyEnd < 0) {
                return null;
            }
            int field = field(utf8, i + 1, keyEnd);
            if (field >= 0) {
                if ((seen & (1 << field)) != 0) {
                    return null; // a duplicate: the tree keeps the last, and decides
                }
                seen |= 1 << field;
            }
            i = skipSpace(utf8, keyEnd + 1, end);
            if (i >= end || utf8[i] != ':') {
                return null;
            }
            i = skipSpace(utf8, i + 1, end);
            if (i >= end) {
                return null;
            }
            byte c = utf8[i];
            if (c == '"' && (field == AUDIO_DATA || field == AUDIO)) {
                if (hasAudio) {
                    return null; // both spellings: the tree prefers audioData, and decides
                }
                Base64Value.Decoded data = Base64Value.read(utf8, i + 1, end);
                if (data == null) {
                    return null;
                }
                hasAudio = true;
                audio = data.bytes();
                i = data.end() + 1;
            } else if (c == '"') {
                int valueEnd = stringEnd(utf8, i + 1, end);
                if (valueEnd < 0) {
                    return null;
                }
                switch (field) {
                    case TYPE -> {
                        int kind = find(Kind.WIRE_NAMES, utf8, i + 1, valueEnd);
                        if (kind < 0) {
                            return null; // not a type read here: the tree reading handles it
                        }
                        type = Kind.ALL[kind];
                    }
                    case SESSION_ID -> session = text(utf8, i + 1, valueEnd);
                    case TARGET_LANGUAGE -> language = text(utf8, i + 1, valueEnd);
                    case MESSAGE -> message = text(utf8, i + 1, valueEnd);
                    case REASON -> reason = text(utf8, i + 1, valueEnd);
                    case SOURCE_LANGUAGE -> source = text(utf8, i + 1, valueEnd);
                    case CONNECTION_ID -> connection = text(utf8, i + 1, valueEnd);
                    case QUALITY_TIER -> tier = text(utf8, i + 1, valueEnd);
                    case SEQUENCE_NUMBER, TIMESTAMP, SERVER_TIME, LISTENER_COUNT -> {
                        return null; // a number as text: the tree parses it
                    }
                    default -> { } // an unknown field: ignored
                }
                i = valueEnd + 1;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                int numberEnd = integerEnd(utf8, i, end);
                if (numberEnd < 0) {
                    return null;
                }
                switch (field) {
                    case SEQUENCE_NUMBER -> sequence = parseInteger(utf8, i, numberEnd);
                    case TIMESTAMP -> timestamp = parseInteger(utf8, i, numberEnd);
                    case SERVER_TIME -> serverTime = parseInteger(utf8, i, numberEnd);
                    case LISTENER_COUNT -> listeners = parseInteger(utf8, i, numberEnd);
                    case -1 -> { } // an unknown field: ignored
                    default -> {
                        return null; // a number where text belongs: the tree decides
                    }
                }
                i = numberEnd;
            } else {
                return null; // a literal, an object or an array: the tree decides
            }
            i = skipSpace(utf8, i, end);
            if (i >= end) {
                return null;
            }
            if (utf8[i] == ',') {
                i = skipSpace(utf8, i + 1, end);
            } else if (utf8[i] == '}') {
                break;
            } else {
                return null;
            }
        }
        if (skipSpace(utf8, i + 1, end) != end || type == null || (type.isAudio() && !hasAudio)) {
            return null; // (audio without its data: the tree reports it)
        }
        return new Fields(type, audio, session, language, sequence, timestamp, serverTime, message, reason, source, connection,
                listeners, tier);
    }

    private static String text(byte[] utf8, int start, int end) {
        return new String(utf8, start, end - start, StandardCharsets.ISO_8859_1); // printable ASCII: checked by stringEnd
    }

    /** JSON white space: space, tab, line feed, carriage return. */
    private static int skipSpace(byte[] b, int i, int end) {
        while (i < end) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return i;
            }
            i++;
        }
        return i;
    }

    /**
     * The index of the quote closing a string that starts at {@code i}, or -1 if it has an escape, a
     * control character or a byte outside ASCII (which are negative as Java bytes), or no end. Eight bytes
     * at a time while none of them is one of those (the base64 text of a chunk is 4 KB of plain letters).
     */
    static int stringEnd(byte[] b, int i, int end) {
        while (i + Long.BYTES <= end) {
            long w = (long) LONGS.get(b, i);
            if (hasZeroByte(w ^ QUOTES) || hasZeroByte(w ^ BACKSLASHES) || (((w - SPACES) | w) & HIGH_BITS) != 0) {
                break; // one of these eight bytes ends the scan: look at them one by one
            }
            i += Long.BYTES;
        }
        while (i < end) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20 || c == '\\') {
                return -1;
            }
            i++;
        }
        return -1;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long QUOTES = '"' * LOW_BITS;
    private static final long BACKSLASHES = '\\' * LOW_BITS;
    private static final long SPACES = 0x20 * LOW_BITS;

    /**
     * Whether a byte of {@code w} is zero. May also answer true for a byte of 0x01 after a zero byte, never
     * false for a zero: a true only sends the scan to its byte-by-byte loop, which decides.
     */
    private static boolean hasZeroByte(long w) {
        return ((w - LOW_BITS) & ~w & HIGH_BITS) != 0;
    }

    /** The end of a JSON integer ({@code -?(0|[1-9][0-9]*)}, at most 18 digits) at {@code i}, or -1. */
    private static int integerEnd(byte[] b, int i, int end) {
        int j = b[i] == '-' ? i + 1 : i;
        int digits = j;
        while (j < end && b[j] >= '0' && b[j] <= '9') {
            j++;
        }
        int count = j - digits;
        if (count == 0 || count > 18 || (count > 1 && b[digits] == '0')) {
            return -1;
        }
        if (j < end && (b[j] == '.' || b[j] == 'e' || b[j] == 'E')) {
            return -1; // a fraction or an exponent: the tree decides
        }
        return j;
    }

    private static Long parseInteger(byte[] b, int i, int end) {
        boolean negative = b[i] == '-';
        long value = 0;
        for (int j = negative ? i + 1 : i; j < end; j++) {
            value = value * 10 + (b[j] - '0');
        }
        return negative ? -value : value;
    }

    /** Which known field the name in {@code b[start, end)} is, or -1. */
    private static int field(byte[] b, int start, int end) {
        return find(NAMES, b, start, end);
    }

    /** The index in {@code names} of the name in {@code b[start, end)}, or -1. */
    private static int find(byte[][] names, byte[] b, int start, int end) {
        int n = end - start;
        for (int f = 0; f < names.length; f++) {
            byte[] name = names[f];
            if (name.length == n && java.util.Arrays.equals(b, start, end, name, 0, n)) {
                return f;
            }
        }
        return -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

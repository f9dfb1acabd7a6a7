package dev.lectern.mp3;

/**
 * Reads what the first frame of an MP3 says about the stream: whether it is a Xing/Info tag frame (which a
 * decoder outputs as silence) and, in a LAME tag, the encoder's delay and padding in samples. Everything
 * else is left to the decoder.
 */
final class Mp3Frames {
    /** The decoder's own delay, in samples, for Layer III (the synthesis filter bank). */
    static final int DECODER_DELAY = 529;

    /** What the head of a stream says; {@code delay} and {@code padding} are -1 where no LAME tag states them. */
    record Head(int firstFrameOffset, boolean tagFrame, int samplesPerFrame, int sampleRate, int delay, int padding) {}

    private static final int[][] RATES = {{11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000}, {44100, 48000, 32000}};

    private Mp3Frames() {}

    /** The head of {@code data}, or null when no Layer III frame header is found in its first 64 KB. */
    static Head head(byte[] data) {
        int at = firstHeader(data);
        if (at < 0) {
            return null;
        }
        int b1 = data[at + 1] & 0xFF;
        int b2 = data[at + 2] & 0xFF;
        int b3 = data[at + 3] & 0xFF;
        int version = (b1 >> 3) & 0x3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        boolean crc = (b1 & 0x1) == 0;
        int rate = RATES[version][(b2 >> 2) & 0x3];
        boolean mono = ((b3 >> 6) & 0x3) == 3;
        boolean mpeg1 = version == 3;
        int samplesPerFrame = mpeg1 ? 1152 : 576;
        int sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        int tagAt = at + 4 + (crc ? 2 : 0) + sideInfo;
        if (!matches(data, tagAt, "Xing") && !matches(data, tagAt, "Info")) {
            return new Head(at, false, samplesPerFrame, rate, -1, -1);
        }
        int flags = int32(data, tagAt + 4);
        int p = tagAt + 8;
        p += (flags & 1) != 0 ? 4 : 0;   // frames
        p += (flags & 2) != 0 ? 4 : 0;   // bytes
        p += (flags & 4) != 0 ? 100 : 0; // table of contents
        p += (flags & 8) != 0 ? 4 : 0;   // quality
        if (!matches(data, p, "LAME") && !matches(data, p, "Lavc") && !matches(data, p, "Lavf")) {
            return new Head(at, true, samplesPerFrame, rate, -1, -1);
        }
        int d = p + 21;
        if (d + 3 > data.length) {
            return new Head(at, true, samplesPerFrame, rate, -1, -1);
        }
        int x = data[d] & 0xFF;
        int y = data[d + 1] & 0xFF;
        int z = data[d + 2] & 0xFF;
        return new Head(at, true, samplesPerFrame, rate, (x << 4) | (y >> 4), ((y & 0x0F) << 8) | z);
    }

    /** The offset of the first plausible Layer III frame header, after an ID3v2 tag if there is one; -1 if none. */
    private static int firstHeader(byte[] data) {
        int start = 0;
        if (data.length >= 10 && data[0] == 'I' && data[1] == 'D' && data[2] == '3') {
            start = 10 + (((data[6] & 0x7F) << 21) | ((data[7] & 0x7F) << 14) | ((data[8] & 0x7F) << 7) | (data[9] & 0x7F));
        }
        int limit = Math.min(data.length - 4, start + 64 * 1024);
        for (int i = start; i < limit; i++) {
            int b1 = data[i + 1] & 0xFF;
            int b2 = data[i + 2] & 0xFF;
            boolean sync = (data[i] & 0xFF) == 0xFF && (b1 & 0xE0) == 0xE0;
            boolean layer3 = ((b1 >> 1) & 0x3) == 1;
            boolean version = ((b1 >> 3) & 0x3) != 1;
            boolean bitrate = ((b2 >> 4) & 0xF) != 0xF && ((b2 >> 4) & 0xF) != 0;
            boolean rate = ((b2 >> 2) & 0x3) != 3;
            if (sync && layer3 && version && bitrate && rate) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matches(byte[] data, int at, String word) {
        if (at < 0 || at + word.length() > data.length) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (data[at + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int int32(byte[] data, int at) {
        if (at + 4 > data.length) {
            return 0;
        }
        return ((data[at] & 0xFF) << 24) | ((data[at + 1] & 0xFF) << 16) | ((data[at + 2] & 0xFF) << 8) | (data[at + 3] & 0xFF);
    }
}

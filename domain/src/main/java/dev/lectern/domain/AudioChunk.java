package dev.lectern.domain;

import java.time.Duration;
import java.util.Arrays;

/**
 * A piece of raw PCM audio: signed 16-bit little-endian, mono, 16 000 Hz (32 000 bytes a second).
 * The duration follows from the length. The bytes are copied in and out, so a chunk never changes.
 */
public final class AudioChunk {
    /** Samples a second. */
    public static final int SAMPLE_RATE = 16_000;
    /** Bytes a second: 16 000 samples of 2 bytes. */
    public static final int BYTES_PER_SECOND = SAMPLE_RATE * 2;
    /** The size of the default 100 ms chunk. */
    public static final int BYTES_PER_100_MS = BYTES_PER_SECOND / 10;

    private final byte[] pcm;

    private AudioChunk(byte[] pcm) {
        this.pcm = pcm;
    }

    /** A chunk holding a copy of {@code pcm}, which must be a whole number of 16-bit samples. */
    public static AudioChunk of(byte[] pcm) {
        Checks.require(pcm != null, "pcm", null, "must not be null");
        Checks.require(pcm.length > 0, "pcm.length", pcm.length, "must be positive");
        Checks.require(pcm.length % 2 == 0, "pcm.length", pcm.length, "must be even (16-bit samples)");
        return new AudioChunk(pcm.clone());
    }

    /**
     * A chunk over {@code pcm} itself, without copying it: for an array its caller has just made (a decoder's
     * output) and will not touch again. Anything else goes through {@link #of(byte[])}.
     */
    public static AudioChunk ofOwned(byte[] pcm) {
        Checks.require(pcm != null, "pcm", null, "must not be null");
        Checks.require(pcm.length > 0, "pcm.length", pcm.length, "must be positive");
        Checks.require(pcm.length % 2 == 0, "pcm.length", pcm.length, "must be even (16-bit samples)");
        return new AudioChunk(pcm);
    }

    /**
     * The chunk whose PCM {@code base64} encodes (the standard alphabet, as the wire format carries audio).
     *
     * @throws IllegalArgumentException saying "audio is not base64", or "audio of N bytes is not whole
     *     16-bit samples" when it decodes to none or to an odd number of bytes
     */
    public static AudioChunk fromBase64(String base64) {
        byte[] pcm;
        try {
            pcm = java.util.Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("audio is not base64");
        }
        if (pcm.length == 0 || pcm.length % 2 != 0) {
            throw new IllegalArgumentException("audio of " + pcm.length + " bytes is not whole 16-bit samples");
        }
        return new AudioChunk(pcm); // the decoder's fresh array: no second copy
    }

    /** A chunk of {@code millis} of silence. */
    public static AudioChunk silence(int millis) {
        Checks.require(millis > 0, "millis", millis, "must be positive");
        return new AudioChunk(new byte[BYTES_PER_SECOND / 1000 * millis]);
    }

    /** A copy of the PCM bytes. */
    public byte[] pcm() {
        return pcm.clone();
    }

    /** Copies {@code length} bytes from {@code offset} into {@code target} at {@code targetOffset}, without copying the rest. */
    public void copyTo(int offset, byte[] target, int targetOffset, int length) {
        System.arraycopy(pcm, offset, target, targetOffset, length);
    }

    /** The same audio at {@code gain} (0.0 to 1.0) of its level; this chunk itself at 1.0. */
    public AudioChunk scaled(double gain) {
        Checks.require(gain >= 0.0 && gain <= 1.0, "gain", gain, "must be between 0.0 and 1.0");
        if (gain == 1.0) {
            return this;
        }
        byte[] out = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i += 2) {
            int sample = (short) ((pcm[i] & 0xFF) | (pcm[i + 1] << 8));
            int v = (int) Math.round(sample * gain);
            out[i] = (byte) v;
            out[i + 1] = (byte) (v >> 8);
        }
        return new AudioChunk(out);
    }

    public int sizeInBytes() {
        return pcm.length;
    }

    /** Length of the audio, from the byte count. */
    public Duration duration() {
        return Duration.ofNanos(pcm.length * 1_000_000_000L / BYTES_PER_SECOND);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AudioChunk other && Arrays.equals(pcm, other.pcm);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pcm);
    }

    @Override
    public String toString() {
        return "AudioChunk[" + pcm.length + " B, " + duration().toMillis() + " ms]";
    }
}

package dev.lectern.gateway;

import de.sciss.jump3r.lowlevel.LameEncoder;
import java.io.ByteArrayOutputStream;
import javax.sound.sampled.AudioFormat;

/**
 * Encodes 16-bit mono PCM to MP3 for the deployed flavor's translated segments, as the service's speech
 * synthesis delivers them: MPEG-2 Layer III, mono, 24 kHz, constant bit rate. The stand-in's only encoder
 * (a Java port of LAME); clients never carry it.
 */
final class Mp3Encoder {
    static final int SAMPLE_RATE = 24_000;
    static final int KBPS = 48;

    private Mp3Encoder() {}

    /** {@code samples} at {@link #SAMPLE_RATE} as one MP3 stream. */
    static byte[] encode(short[] samples) {
        AudioFormat format = new AudioFormat(SAMPLE_RATE, 16, 1, true, false);
        LameEncoder encoder = new LameEncoder(format, KBPS, LameEncoder.CHANNEL_MODE_MONO, LameEncoder.QUALITY_MIDDLE, false);
        try {
            byte[] pcm = new byte[samples.length * 2];
            for (int i = 0; i < samples.length; i++) {
                pcm[2 * i] = (byte) samples[i];
                pcm[2 * i + 1] = (byte) (samples[i] >> 8);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(pcm.length / 8);
            byte[] buffer = new byte[encoder.getPCMBufferSize()];
            byte[] mp3 = new byte[encoder.getMP3BufferSize()];
            for (int off = 0; off < pcm.length; off += buffer.length) {
                int n = Math.min(buffer.length, pcm.length - off);
                out.write(mp3, 0, encoder.encodeBuffer(pcm, off, n, mp3));
            }
            out.write(mp3, 0, encoder.encodeFinish(mp3));
            return withInfoTag(out.toByteArray(), samples.length);
        } finally {
            encoder.close();
        }
    }

    /** LAME's encoder delay, in samples: what a decoder drops at the start besides its own delay. */
    static final int ENCODER_DELAY = 576;
    private static final int SAMPLES_PER_FRAME = 576;

    /**
     * {@code mp3} behind an Info frame with a LAME tag that states the encoder's delay and the padding, as
     * LAME writes it, so that a decoder that reads the tag gets exactly {@code samples} samples back and
     * segments join with no gap or drift. The frame copies the stream's first header and is silent to a
     * decoder that does not read the tag.
     */
    static byte[] withInfoTag(byte[] mp3, int samples) {
        if (mp3.length < 4 || (mp3[0] & 0xFF) != 0xFF) {
            return mp3;
        }
        int frameBytes = 72 * KBPS * 1000 / SAMPLE_RATE; // MPEG-2 Layer III, no padding bit at these rates
        int frames = mp3.length / frameBytes;
        int padding = Math.max(0, frames * SAMPLES_PER_FRAME - ENCODER_DELAY - samples);
        byte[] tag = new byte[frameBytes];
        System.arraycopy(mp3, 0, tag, 0, 4);
        tag[1] |= 0x01; // no CRC
        int p = 4 + 9; // MPEG-2 mono side information, all zero: a silent frame
        p = put(tag, p, "Info");
        p = int32(tag, p, 0x3); // frames and bytes follow
        p = int32(tag, p, frames + 1);
        p = int32(tag, p, mp3.length + frameBytes);
        p = put(tag, p, "LAME3.100");
        p += 1 + 1 + 4 + 2 + 2 + 1 + 1; // revision, lowpass, peak, two gains, flags, ABR rate: left zero
        tag[p] = (byte) (ENCODER_DELAY >> 4);
        tag[p + 1] = (byte) (((ENCODER_DELAY & 0x0F) << 4) | ((padding >> 8) & 0x0F));
        tag[p + 2] = (byte) padding;
        byte[] out = new byte[frameBytes + mp3.length];
        System.arraycopy(tag, 0, out, 0, frameBytes);
        System.arraycopy(mp3, 0, out, frameBytes, mp3.length);
        return out;
    }

    private static int put(byte[] b, int at, String text) {
        for (int i = 0; i < text.length(); i++) {
            b[at + i] = (byte) text.charAt(i);
        }
        return at + text.length();
    }

    private static int int32(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 24);
        b[at + 1] = (byte) (v >> 16);
        b[at + 2] = (byte) (v >> 8);
        b[at + 3] = (byte) v;
        return at + 4;
    }
}

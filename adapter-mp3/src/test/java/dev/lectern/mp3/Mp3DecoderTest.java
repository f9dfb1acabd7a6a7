package dev.lectern.mp3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.port.AudioDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

/**
 * The decoder on MP3s made by an independent encoder (lame; see fixtures/README.md), in the deployed
 * service's format (MPEG-2 Layer III, mono, 24 kHz): duration, level, a tone's frequency, SNR against the
 * source after alignment; and bytes that are not MP3.
 */
class Mp3DecoderTest {
    static final Mp3Decoder DECODER = new Mp3Decoder();

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = Mp3DecoderTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    static short[] wav(String name) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new java.io.ByteArrayInputStream(fixture(name)))) {
            byte[] b = in.readAllBytes();
            short[] s = new short[b.length / 2];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
            }
            return s;
        }
    }

    static double snr(short[] reference, short[] decoded, int offset, int from, int to) {
        double signal = 0;
        double noise = 0;
        for (int i = from; i < to; i++) {
            double r = reference[i];
            double d = i + offset >= 0 && i + offset < decoded.length ? decoded[i + offset] : 0;
            signal += r * r;
            noise += (d - r) * (d - r);
        }
        return 10 * Math.log10(signal / Math.max(1e-9, noise));
    }

    @Test
    void aTaggedToneDecodesToItsExactLengthLevelAndFrequency() throws Exception {
        AudioDecoder.Decoded tone = DECODER.decode(fixture("tone-1k-24k-vbr.mp3"));

        assertThat(tone.sampleRate()).isEqualTo(24_000);
        assertThat(tone.samples()).as("3 s exactly: the tag frame, delay and padding trimmed").hasSize(72_000);
        double rms = 0;
        int crossings = 0;
        short[] s = tone.samples();
        for (int i = 1; i < s.length; i++) {
            rms += (double) s[i] * s[i];
            if ((s[i - 1] < 0) != (s[i] < 0)) {
                crossings++;
            }
        }
        rms = Math.sqrt(rms / s.length);
        assertThat(rms).as("level of a sine at half scale").isBetween(0.5 * 32767 / Math.sqrt(2) * 0.95, 0.5 * 32767 / Math.sqrt(2) * 1.05);
        assertThat(crossings / 2.0 / 3.0).as("frequency, Hz").isBetween(995.0, 1005.0);
        short[] ideal = new short[72_000];
        for (int i = 0; i < ideal.length; i++) {
            ideal[i] = (short) Math.round(0.5 * 32767 * Math.sin(2 * Math.PI * 1000 * i / 24_000.0));
        }
        double snr = snr(ideal, s, 0, 1000, 71_000);
        System.out.printf("Mp3Decoder: 1 kHz tone, VBR, SNR %.1f dB against the ideal sine with no shift%n", snr);
        assertThat(snr).as("aligned with no shift: the delays were trimmed exactly").isGreaterThan(25);
    }

    @Test
    void untaggedSpeechMatchesItsSourceOnceTheDecoderDelayIsTrimmed() throws Exception {
        short[] source = wav("speech-24k.wav");
        AudioDecoder.Decoded speech = DECODER.decode(fixture("speech-24k-cbr48.mp3"));
        short[] s = speech.samples();
        int best = 0;
        double bestSnr = -100;
        for (int offset = -100; offset <= 1500; offset++) {
            double v = snr(source, s, offset, 2000, source.length - 2000);
            if (v > bestSnr) {
                bestSnr = v;
                best = offset;
            }
        }
        System.out.printf("Mp3Decoder: speech at 48 kb/s CBR, SNR %.1f dB against the source at a shift of %d samples "
                + "(the encoder's delay, which an untagged file does not state)%n", bestSnr, best);
        assertThat(bestSnr).isGreaterThan(10);
        assertThat(best).as("what remains is the encoder's delay, about 576 samples").isBetween(500, 700);
        assertThat(s.length).as("the source's length and at most a frame and the encoder's delay more")
                .isBetween(source.length, source.length + 576 + 1152);
    }

    @Test
    void bytesThatAreNotMp3AreUndecodableNeverACrash() throws Exception {
        byte[] noise = new byte[20_000];
        new Random(7).nextBytes(noise);
        for (int i = 0; i < noise.length; i++) {
            if ((noise[i] & 0xFF) == 0xFF) {
                noise[i] = 0; // no frame sync anywhere: what a failed synthesis's error text looks like
            }
        }
        assertThatThrownBy(() -> DECODER.decode(noise)).isInstanceOf(AudioDecoder.UndecodableAudioException.class);
        assertThatThrownBy(() -> DECODER.decode("{\"error\":\"ServiceFailure\"}".getBytes()))
                .isInstanceOf(AudioDecoder.UndecodableAudioException.class);
        assertThatThrownBy(() -> DECODER.decode(new byte[0])).isInstanceOf(AudioDecoder.UndecodableAudioException.class);

        byte[] mp3 = fixture("speech-24k-cbr48.mp3");
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) { // cut short and corrupted: audio or Undecodable, nothing else
            byte[] damaged = Arrays.copyOf(mp3, 50 + random.nextInt(mp3.length - 50));
            for (int k = 0; k < 20; k++) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt();
            }
            try {
                DECODER.decode(damaged);
            } catch (AudioDecoder.UndecodableAudioException expected) {
                // fine
            }
        }
    }
}

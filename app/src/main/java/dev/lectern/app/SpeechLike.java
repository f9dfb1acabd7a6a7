package dev.lectern.app;

import dev.lectern.domain.AudioChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated audio that moves like speech, for the demo (no recording is bundled): syllables of 120 to
 * 280 ms on a voiced fundamental of 100 to 160 Hz with harmonics shaped by two formants, each with a
 * rise and fall, words of two to four syllables, pauses between them. Deterministic for a seed.
 */
final class SpeechLike {
    private SpeechLike() {}

    static List<AudioChunk> chunks(int seconds, long seed) {
        int total = seconds * AudioChunk.SAMPLE_RATE;
        short[] samples = new short[total];
        SplittableRandom r = new SplittableRandom(seed);
        int at = 0;
        double phase = 0;
        while (at < total) {
            int syllables = 2 + r.nextInt(3);
            for (int s = 0; s < syllables && at < total; s++) {
                int length = AudioChunk.SAMPLE_RATE * (120 + r.nextInt(160)) / 1000;
                double f0 = 100 + r.nextInt(60);
                double formant1 = 300 + r.nextInt(600);
                double formant2 = 900 + r.nextInt(1400);
                for (int i = 0; i < length && at < total; i++, at++) {
                    double envelope = Math.sin(Math.PI * i / length);
                    double f = f0 * (1 + 0.05 * Math.sin(2 * Math.PI * i / length)); // a little intonation
                    phase += 2 * Math.PI * f / AudioChunk.SAMPLE_RATE;
                    double v = 0;
                    for (int h = 1; h * f < 3_500; h++) {
                        double hf = h * f;
                        double weight = 1.0 / h * (Math.exp(-Math.pow((hf - formant1) / 200, 2)) + 0.6 * Math.exp(-Math.pow((hf - formant2) / 300, 2)) + 0.05);
                        v += weight * Math.sin(h * phase);
                    }
                    samples[at] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v * envelope * 9_000));
                }
            }
            at += AudioChunk.SAMPLE_RATE * (80 + r.nextInt(250)) / 1000; // a pause between words
        }
        List<AudioChunk> chunks = new ArrayList<>();
        int per = AudioChunk.SAMPLE_RATE / 10;
        for (int c = 0; c + per <= total; c += per) {
            byte[] pcm = new byte[per * 2];
            for (int i = 0; i < per; i++) {
                pcm[2 * i] = (byte) samples[c + i];
                pcm[2 * i + 1] = (byte) (samples[c + i] >> 8);
            }
            chunks.add(AudioChunk.of(pcm));
        }
        return chunks;
    }
}

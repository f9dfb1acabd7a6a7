package dev.lectern.domain.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * 24 kHz to 16 kHz, measured: a 1 kHz tone comes out as the same tone (SNR against the ideal sine at 16 kHz,
 * edges left out), a 10 kHz tone, above the 8 kHz the output can hold, is removed instead of folding back
 * to 6 kHz, and the output stays aligned with the input.
 */
class ResamplerTest {
    static final Resampler DOWN = Resampler.of(24_000, 16_000);

    static short[] tone(double hz, int rate, double seconds, double amplitude) {
        short[] s = new short[(int) Math.round(rate * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return s;
    }

    static double rms(short[] s, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) s[i] * s[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    @Test
    void aOneKilohertzToneKeepsItsShapeAboveEightyDecibels() {
        short[] out = DOWN.convert(tone(1000, 24_000, 1.0, 16_000));
        short[] ideal = tone(1000, 16_000, 1.0, 16_000);
        assertThat(out).hasSize(16_000);
        double signal = 0;
        double noise = 0;
        for (int i = 400; i < out.length - 400; i++) { // the edges meet the silence beyond the buffer
            signal += (double) ideal[i] * ideal[i];
            noise += (double) (out[i] - ideal[i]) * (out[i] - ideal[i]);
        }
        int n = out.length - 800;
        // output and ideal are both rounded to 16 bits: no error can be told below that step's noise (1/12)
        double floor = n / 12.0;
        double snr = 10 * Math.log10(signal / Math.max(floor, noise));
        System.out.printf("Resampler 24->16 kHz: 1 kHz tone SNR %s%.1f dB (%d of %d samples off by a step or more)%n",
                noise <= floor ? "at least " : "", snr, differing(out, ideal), n);
        assertThat(snr).isGreaterThan(80);
    }

    static int differing(short[] a, short[] b) {
        int count = 0;
        for (int i = 400; i < a.length - 400; i++) {
            if (a[i] != b[i]) {
                count++;
            }
        }
        return count;
    }

    @Test
    void aTenKilohertzToneIsRemovedInsteadOfAliasingToSixKilohertz() {
        short[] in = tone(10_000, 24_000, 1.0, 16_000);
        short[] out = DOWN.convert(in);
        double left = rms(out, 400, out.length - 400);
        // every sample rounding to 0 means below half a step: the 16-bit floor
        double attenuation = 20 * Math.log10(rms(in, 600, in.length - 600) / Math.max(0.5, left));
        System.out.printf("Resampler 24->16 kHz: 10 kHz tone attenuated by %s%.1f dB%n", left < 0.5 ? "at least " : "", attenuation);
        assertThat(attenuation).isGreaterThan(70);
    }

    /** How far a full-scale tone of {@code hertz} at 24 kHz is attenuated on its way to 16 kHz, in dB. */
    static double attenuation(int hertz) {
        short[] in = tone(hertz, 24_000, 1.0, 16_000);
        short[] out = DOWN.convert(in);
        return 20 * Math.log10(rms(in, 600, in.length - 600) / Math.max(0.5, rms(out, 400, out.length - 400)));
    }

    @Test
    void theTransitionBandIsWhereTheJavadocSaysItIs() {
        double at6 = attenuation(6_000);
        double at7 = attenuation(7_000);
        double at85 = attenuation(8_500);
        double at9 = attenuation(9_000);
        System.out.printf("Resampler 24->16 kHz: attenuation %.1f dB at 6 kHz, %.1f at 7 kHz, %.1f at 8.5 kHz, %.1f at 9 kHz%n",
                at6, at7, at85, at9);
        assertThat(at6).as("the pass band").isLessThan(1.0);
        assertThat(at7).as("the transition band begins").isBetween(1.0, 10.0);
        assertThat(at85).as("above the output's Nyquist frequency, what would fold back").isGreaterThan(25.0);
        assertThat(at9).isGreaterThan(40.0);
    }

    @Test
    void theSameRateIsACopyAndRatesAreChecked() {
        short[] in = tone(440, 16_000, 0.1, 1000);
        assertThat(Resampler.of(16_000, 16_000).convert(in)).isEqualTo(in).isNotSameAs(in);
        assertThatThrownBy(() -> Resampler.of(0, 16_000)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fromRate");
    }
}

package dev.lectern.domain.audio;

import dev.lectern.domain.Checks;

/**
 * Converts 16-bit mono PCM from one sample rate to another by a rational factor: upsampling by {@code L},
 * a Kaiser-windowed sinc low-pass at the lower of the two Nyquist frequencies, downsampling by {@code M},
 * computed as a polyphase filter so that only the output samples are calculated. 24 kHz to 16 kHz is
 * {@code L = 2, M = 3}: the pass band reaches about 6 kHz, the transition band lies around the output's
 * Nyquist frequency of 8 kHz, and what lies above it, which would fold back into the band, is attenuated
 * (about 29 dB at 8.5 kHz, 49 dB at 9 kHz, 87 dB at 10 kHz; {@code ResamplerTest} prints the figures).
 *
 * <p>Each call converts one whole buffer on its own (a segment, a file): the filter's delay is compensated,
 * so the output is aligned with the input and {@code round(n * to / from)} samples long, and the edges are
 * treated as silence beyond them. Immutable and safe to share.
 */
public final class Resampler {
    /** Taps per output phase: the filter is {@code TAPS_PER_PHASE * L} taps long. */
    private static final int TAPS_PER_PHASE = 32;
    /** Kaiser window shape: about 90 dB of stop-band attenuation. */
    private static final double KAISER_BETA = 9.0;
    /** The pass band ends here, as a fraction of the output's Nyquist frequency; the transition band follows. */
    private static final double CUTOFF = 0.90;

    private final int from;
    private final int to;
    private final int up;
    private final int down;
    /** {@code phases[p][k]}: the coefficient for input sample {@code base - k} at output phase {@code p}. */
    private final float[][] phases;
    private final int delay;

    private Resampler(int from, int to) {
        this.from = from;
        this.to = to;
        int g = gcd(from, to);
        this.up = to / g;
        this.down = from / g;
        int length = TAPS_PER_PHASE * up - 1; // odd: a whole number of samples of delay to compensate
        double[] h = lowPass(length, CUTOFF * 0.5 / Math.max(up, down), up);
        this.phases = new float[up][TAPS_PER_PHASE];
        for (int n = 0; n < length; n++) {
            phases[n % up][n / up] = (float) h[n];
        }
        this.delay = (length - 1) / 2; // in upsampled samples, exactly
    }

    /** A converter from {@code fromRate} to {@code toRate} (Hz). */
    public static Resampler of(int fromRate, int toRate) {
        Checks.require(fromRate > 0 && fromRate <= 192_000, "fromRate", fromRate, "must be between 1 and 192000 Hz");
        Checks.require(toRate > 0 && toRate <= 192_000, "toRate", toRate, "must be between 1 and 192000 Hz");
        return new Resampler(fromRate, toRate);
    }

    public int fromRate() {
        return from;
    }

    public int toRate() {
        return to;
    }

    /** {@code samples} at {@link #fromRate()} as samples at {@link #toRate()}. */
    public short[] convert(short[] samples) {
        if (from == to) {
            return samples.clone();
        }
        int outLength = (int) Math.round((double) samples.length * up / down);
        short[] out = new short[outLength];
        for (int j = 0; j < outLength; j++) {
            // the output sample j sits at upsampled index j*down + delay (the filter's delay compensated)
            long t = (long) j * down + delay;
            int base = (int) (t / up);
            float[] phase = phases[(int) (t % up)];
            double acc = 0;
            for (int k = 0; k < TAPS_PER_PHASE; k++) {
                int i = base - k;
                if (i >= 0 && i < samples.length) {
                    acc += phase[k] * samples[i];
                }
            }
            long v = Math.round(acc);
            out[j] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
        }
        return out;
    }

    /** A windowed-sinc low-pass of {@code length} taps, cutoff {@code fc} of the (upsampled) rate, gain {@code gain}. */
    private static double[] lowPass(int length, double fc, double gain) {
        double[] h = new double[length];
        double mid = (length - 1) / 2.0;
        double i0Beta = besselI0(KAISER_BETA);
        for (int n = 0; n < length; n++) {
            double x = n - mid;
            double sinc = x == 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
            double r = 2.0 * n / (length - 1) - 1.0;
            double window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
            h[n] = sinc * window * gain;
        }
        return h;
    }

    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 50; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
            if (term < 1e-12 * sum) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    @Override
    public String toString() {
        return "Resampler[" + from + " Hz -> " + to + " Hz, x" + up + "/" + down + "]";
    }
}

package dev.lectern.bench;

import dev.lectern.domain.audio.Resampler;
import dev.lectern.mp3.Mp3Decoder;
import dev.lectern.port.AudioDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a translated segment costs a process once (listeners of a language share it): decoding a 3 s MP3
 * (MPEG-2 Layer III, mono, 24 kHz, 48 kb/s, made by lame) and resampling it to 16 kHz.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class SegmentDecodeBenchmark {
    final Mp3Decoder decoder = new Mp3Decoder();
    final Resampler resampler = Resampler.of(24_000, 16_000);
    byte[] mp3;
    short[] decoded;

    @Setup
    public void setUp() throws Exception {
        try (InputStream in = SegmentDecodeBenchmark.class.getResourceAsStream("/bench/segment-3s.mp3")) {
            if (in == null) {
                throw new IOException("bench/segment-3s.mp3 is missing from the class path");
            }
            mp3 = in.readAllBytes();
        }
        decoded = decoder.decode(mp3).samples();
    }

    @Benchmark
    public AudioDecoder.Decoded decode() throws AudioDecoder.UndecodableAudioException {
        return decoder.decode(mp3);
    }

    @Benchmark
    public short[] resample() {
        return resampler.convert(decoded);
    }

    @Benchmark
    public short[] decodeAndResample() throws AudioDecoder.UndecodableAudioException {
        return resampler.convert(decoder.decode(mp3).samples());
    }
}

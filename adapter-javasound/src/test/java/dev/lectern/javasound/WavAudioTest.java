package dev.lectern.javasound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.domain.AudioChunk;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WavAudioTest {

    static AudioChunk tone(int millis, int phase) {
        byte[] pcm = new byte[AudioChunk.BYTES_PER_SECOND / 1000 * millis];
        for (int i = 0; i < pcm.length / 2; i++) {
            short s = (short) (Math.sin((i + phase) * 2 * Math.PI * 440 / AudioChunk.SAMPLE_RATE) * 8000);
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        return AudioChunk.of(pcm);
    }

    @Test
    void roundTripsAudioThroughAWavFileInHundredMillisecondChunks() throws IOException {
        List<AudioChunk> original = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            original.add(tone(100, i * 1600));
        }
        byte[] wav = WavAudio.write(original);
        List<AudioChunk> read = WavAudio.read(new ByteArrayInputStream(wav), 100);
        assertThat(read).containsExactlyElementsOf(original);
    }

    @Test
    void lastChunkMayBeShorter() throws IOException {
        byte[] wav = WavAudio.write(List.of(tone(250, 0)));
        List<AudioChunk> read = WavAudio.read(new ByteArrayInputStream(wav), 100);
        assertThat(read).extracting(AudioChunk::sizeInBytes).containsExactly(3200, 3200, 1600);
    }

    @Test
    void notAWavFileIsAClearError() {
        assertThatThrownBy(() -> WavAudio.read(new ByteArrayInputStream(new byte[100]), 100))
                .isInstanceOf(IOException.class).hasMessageContaining("not a WAV file");
    }
}

package dev.lectern.javasound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.javasound.testing.InMemoryMixerProvider;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Capture and playback through the real Java Sound API, on the in-memory devices of
 * {@link InMemoryMixerProvider}: device choice, format conversion, chunking, pacing, gaps, errors.
 */
class JavaSoundTest {

    static short sample(byte[] pcm, int i) {
        return ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).getShort(2 * i);
    }

    @Test
    void capturesExactHundredMillisecondChunksInCaptureOrder() {
        List<AudioChunk> chunks = new CopyOnWriteArrayList<>();
        JavaSoundSource source = JavaSoundSource.open("test microphone 16k");
        assertThat(source.deviceFormat().matches(WavAudio.LECTERN_PCM)).as("no conversion needed").isTrue();
        source.start(chunks::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> chunks.size() >= 10);
        source.stop();
        int stoppedAt = chunks.size();
        assertThat(InMemoryMixerProvider.RAMP_MIC.line().isOpen()).as("the line is released").isFalse();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (AudioChunk c : chunks) {
            assertThat(c.sizeInBytes()).isEqualTo(AudioChunk.BYTES_PER_100_MS);
            all.writeBytes(c.pcm());
        }
        byte[] pcm = all.toByteArray();
        for (int i = 0; i < pcm.length / 2; i++) {
            assertThat(sample(pcm, i)).as("sample %d follows the one before it", i).isEqualTo((short) i);
        }
        assertThat(chunks).as("nothing after stop()").hasSize(stoppedAt);
    }

    @Test
    void convertsADeviceThatOnlyGives48kStereoTo16kMono() {
        List<AudioChunk> chunks = new CopyOnWriteArrayList<>();
        JavaSoundSource source = JavaSoundSource.open("Microphone 48k");
        assertThat(source.deviceFormat()).hasToString(InMemoryMixerProvider.STEREO_48K.toString());
        source.start(chunks::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> chunks.size() >= 12);
        source.stop();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        chunks.subList(1, 11).forEach(c -> all.writeBytes(c.pcm())); // one second, past the converter's start
        byte[] pcm = all.toByteArray();
        assertThat(pcm).hasSize(AudioChunk.BYTES_PER_SECOND);
        int crossings = 0;
        for (int i = 1; i < pcm.length / 2; i++) {
            if ((sample(pcm, i - 1) < 0) != (sample(pcm, i) < 0)) {
                crossings++;
            }
        }
        assertThat(crossings).as("a 440 Hz tone crosses zero 880 times a second").isBetween(870, 890);
    }

    @Test
    void anUnknownDeviceIsAnErrorThatListsTheDevicesThereAre() {
        assertThatThrownBy(() -> JavaSoundSource.open("No Such Mic")).isInstanceOf(AudioDeviceException.class)
                .hasMessageContaining("no capture device named 'No Such Mic'")
                .hasMessageContaining("Lectern Test Microphone 16k").hasMessageContaining("Lectern Test Microphone 48k");
        assertThatThrownBy(() -> JavaSoundSink.open("No Such Speakers")).isInstanceOf(AudioDeviceException.class)
                .hasMessageContaining("no playback device named 'No Such Speakers'").hasMessageContaining("Lectern Test Speakers");
    }

    @Test
    void aDeviceWhoseFormatCannotBeConvertedIsAnErrorNamingBoth() {
        assertThatThrownBy(() -> JavaSoundSource.open("Microphone Opus")).isInstanceOf(AudioDeviceException.class)
                .hasMessageContaining("'Microphone Opus' cannot give PCM_SIGNED 16000.0 Hz, 16 bit, mono")
                .hasMessageContaining("OPUS");
    }

    @Test
    void playNeverBlocksAndTheDeviceGetsEveryChunkInOrderWithGapsAsSilence() throws Exception {
        JavaSoundSink sink = JavaSoundSink.open("Test Speakers");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        // A device that takes nothing: play() must return all the same, the audio queued for later.
        InMemoryMixerProvider.SPEAKERS.line().stall(true);
        CompletableFuture<Void> queued = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 20; i++) {
                AudioChunk c = WavAudioTest.tone(100, i * 1600);
                sink.play(SequenceNumber.of(i), c);
                expected.writeBytes(c.pcm());
                if (i == 9) {
                    sink.gap(Duration.ofMillis(300));
                    expected.writeBytes(new byte[3 * AudioChunk.BYTES_PER_100_MS]);
                }
            }
        });
        long started;
        try {
            queued.get(10, TimeUnit.SECONDS);
            assertThat(InMemoryMixerProvider.SPEAKERS.line().played()).as("queued while the device took nothing").isEmpty();
        } finally {
            started = System.nanoTime();
            InMemoryMixerProvider.SPEAKERS.line().stall(false);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.playedBytes() == expected.size());
        long playedMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(InMemoryMixerProvider.SPEAKERS.line().played()).isEqualTo(expected.toByteArray());
        assertThat(playedMs).as("written at the device's pace, not all at once").isGreaterThanOrEqualTo(2_000);
        sink.close();
        assertThat(InMemoryMixerProvider.SPEAKERS.line().isOpen()).isFalse();
    }

    @Test
    void aQueueThatRunsDryIsAnUnderrunAndPlayingResumesAfterThePrebuffer() {
        JavaSoundSink sink = JavaSoundSink.open("Test Speakers", Duration.ofMillis(200), Duration.ofSeconds(2));
        for (int i = 0; i < 3; i++) {
            sink.play(SequenceNumber.of(i), AudioChunk.silence(100));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.playedBytes() == 3L * AudioChunk.BYTES_PER_100_MS);
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.underruns() == 1);
        for (int i = 3; i < 6; i++) {
            sink.play(SequenceNumber.of(i), AudioChunk.silence(100));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.playedBytes() == 6L * AudioChunk.BYTES_PER_100_MS);
        // 30 s offered to a 2 s queue: the oldest goes, and says so
        for (int i = 0; i < 300; i++) {
            sink.play(SequenceNumber.of(6 + i), AudioChunk.silence(100));
        }
        assertThat(sink.overflowBytes()).isPositive();
        sink.close();
    }
}

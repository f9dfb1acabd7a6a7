package dev.lectern.javasound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavFilesTest {
    @TempDir
    Path dir;

    static byte[] pcm(List<AudioChunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(c -> out.writeBytes(c.pcm()));
        return out.toByteArray();
    }

    static List<AudioChunk> readBack(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return WavAudio.read(in, 100);
        }
    }

    @Test
    void sinkWritesWhatIsPlayedWithGapsAsSilenceAndIsAValidWavAtEveryMoment() throws IOException {
        Path file = dir.resolve("heard.wav");
        WavFileSink sink = WavFileSink.create(file);
        List<AudioChunk> first = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            first.add(WavAudioTest.tone(100, i * 1600));
            sink.play(SequenceNumber.of(i), first.get(i));
        }
        // Not closed, as after Ctrl-C: once written (on the sink's own thread) the file reads back whole.
        sink.flush();
        assertThat(pcm(readBack(file))).isEqualTo(pcm(first));
        sink.gap(Duration.ofMillis(200));
        AudioChunk last = WavAudioTest.tone(100, 0);
        sink.play(SequenceNumber.of(7), last);
        sink.close();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(pcm(first));
        expected.writeBytes(new byte[2 * AudioChunk.BYTES_PER_100_MS]);
        expected.writeBytes(last.pcm());
        assertThat(pcm(readBack(file))).as("the gap kept the talk's timing").isEqualTo(expected.toByteArray());
        assertThat(Files.size(file)).isEqualTo(44 + expected.size());
    }

    @Test
    void sourceStreamsAFileInRealTimeAndSaysWhenItIsDone() throws Exception {
        List<AudioChunk> original = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            original.add(WavAudioTest.tone(100, i * 1600));
        }
        Path file = dir.resolve("talk.wav");
        Files.write(file, WavAudio.write(original));
        WavFileSource source = WavFileSource.open(file, false);
        List<AudioChunk> sent = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        source.start(sent::add);
        source.finished().toCompletableFuture().get(5, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertThat(pcm(sent)).isEqualTo(pcm(original));
        assertThat(ms).as("eight chunks, one every 100 ms").isGreaterThanOrEqualTo(700);
    }

    @Test
    void aLoopingSourceStartsAgainUntilStopped() throws Exception {
        Path file = dir.resolve("short.wav");
        List<AudioChunk> original = List.of(WavAudioTest.tone(100, 0), WavAudioTest.tone(100, 1600));
        Files.write(file, WavAudio.write(original));
        WavFileSource source = WavFileSource.open(file, true);
        List<AudioChunk> sent = new CopyOnWriteArrayList<>();
        source.start(sent::add);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() >= 5);
        assertThat(source.finished().toCompletableFuture().isDone()).isFalse();
        source.stop();
        assertThat(source.finished().toCompletableFuture().isDone()).isTrue();
        assertThat(sent.get(2).pcm()).isEqualTo(original.get(0).pcm());
        assertThat(sent.get(3).pcm()).isEqualTo(original.get(1).pcm());
    }

    @Test
    void aFileThatIsNotWavIsRefusedNamingIt() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "not audio");
        assertThatThrownBy(() -> WavFileSource.open(file, false)).isInstanceOf(IOException.class).hasMessageContaining("notes.txt");
        assertThatThrownBy(() -> WavFileSource.open(dir.resolve("missing.wav"), false)).isInstanceOf(IOException.class)
                .hasMessageContaining("missing.wav");
    }

    @Test
    void aLongRecordingIsReadAsItIsSentNotHeldInMemory() throws Exception {
        // Ten minutes of audio: 19.2 MB of PCM, written a chunk at a time.
        Path file = dir.resolve("lecture.wav");
        int chunks = 6_000;
        int dataBytes = chunks * AudioChunk.BYTES_PER_100_MS;
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(44).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(AudioChunk.SAMPLE_RATE).putInt(AudioChunk.BYTES_PER_SECOND).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataBytes);
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(header.array());
            AudioChunk tone = WavAudioTest.tone(100, 0);
            for (int i = 0; i < chunks; i++) {
                out.write(tone.pcm());
            }
        }
        Path second = dir.resolve("second.wav");
        Files.write(second, WavAudio.write(List.of(WavAudioTest.tone(100, 0), WavAudioTest.tone(100, 1600))));
        WavFileSource.open(second, false).stop(); // Java Sound's providers loaded, once per JVM
        long forASecond = allocatedOpening(second);
        long forTenMinutes = allocatedOpening(file);
        System.out.printf("WAV OPEN allocates %d bytes for 0.2 s of audio, %d bytes for 600 s (%d bytes of PCM)%n",
                forASecond, forTenMinutes, dataBytes);
        assertThat(forTenMinutes - forASecond).as("what ten minutes cost more than a fifth of a second, in bytes")
                .isLessThan(256 * 1024);
        assertThat(readBack(file)).as("the file itself is whole").hasSize(chunks);
    }

    /** Bytes this thread allocates opening {@code file} as a source (the header and first chunk read). */
    static long allocatedOpening(Path file) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        WavFileSource source = WavFileSource.open(file, false);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        source.stop();
        return allocated;
    }
}

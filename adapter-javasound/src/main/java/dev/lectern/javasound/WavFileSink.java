package dev.lectern.javasound;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.port.AudioSink;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Writes what a listener plays to a WAV file in Lectern's format (16 kHz 16-bit mono), with every reported
 * gap as silence of its length so the file keeps the talk's timing. The header's sizes are brought up to
 * date after every write, so the file is a valid WAV at any moment, also when the process is stopped with
 * Ctrl-C or killed. Writes happen on the caller's thread and are small (a chunk at a time).
 */
public final class WavFileSink implements AudioSink {
    /** The longest silence one reported gap writes: a gap is missing audio, not a reason to fill the disk. */
    public static final Duration MAX_GAP = Duration.ofSeconds(30);
    private static final int HEADER = 44;
    private final Path file;
    private final RandomAccessFile out;
    private long dataBytes;
    private boolean closed;

    private WavFileSink(Path file, RandomAccessFile out) {
        this.file = file;
        this.out = out;
    }

    /** Creates (or truncates) {@code file} and writes an empty WAV header. */
    public static WavFileSink create(Path file) throws IOException {
        RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw");
        out.setLength(0);
        WavFileSink sink = new WavFileSink(file, out);
        sink.writeHeader();
        return sink;
    }

    public Path file() {
        return file;
    }

    /** PCM bytes written so far (silence for gaps included). */
    public synchronized long dataBytes() {
        return dataBytes;
    }

    @Override
    public synchronized void play(SequenceNumber sequence, AudioChunk audio) {
        append(audio.pcm());
    }

    @Override
    public synchronized void gap(Duration missing) {
        long millis = Math.min(Math.max(0, missing.toMillis()), MAX_GAP.toMillis());
        long bytes = (millis * AudioChunk.BYTES_PER_SECOND / 1000) & ~1L;
        while (bytes > 0) {
            int n = (int) Math.min(bytes, AudioChunk.BYTES_PER_SECOND);
            append(new byte[n]);
            bytes -= n;
        }
    }

    private void append(byte[] pcm) {
        if (closed) {
            return;
        }
        try {
            out.seek(HEADER + dataBytes);
            out.write(pcm);
            dataBytes += pcm.length;
            writeHeader();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private void writeHeader() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes))
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(AudioChunk.SAMPLE_RATE).putInt(AudioChunk.BYTES_PER_SECOND)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        out.seek(0);
        out.write(h.array());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}

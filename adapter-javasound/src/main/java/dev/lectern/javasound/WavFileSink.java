package dev.lectern.javasound;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.port.AudioSink;
import dev.lectern.port.AudioSinkException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Writes what a listener plays to a WAV file in Lectern's format (16 kHz 16-bit mono), with every reported
 * gap as silence of its length (at most {@link #MAX_GAP}) so the file keeps the talk's timing. The writes
 * happen on a thread of the sink's own, never on the caller's (a client's network thread): {@link #play}
 * only queues, up to {@link #MAX_BACKLOG} of audio. The header's sizes are brought up to date after every
 * write, so the file is a valid WAV at any moment, also when the process is stopped with Ctrl-C or killed.
 * A write that fails (a full disk) makes the next {@code play} or {@code gap} throw
 * {@link AudioSinkException} naming the file and the cause, and the client ends.
 */
public final class WavFileSink implements AudioSink {
    /** The longest silence one reported gap writes: a gap is missing audio, not a reason to fill the disk. */
    public static final Duration MAX_GAP = Duration.ofSeconds(30);
    /** Audio queued for the writer at most; more means the disk cannot keep up, and the sink fails. */
    public static final Duration MAX_BACKLOG = Duration.ofSeconds(30);
    private static final int HEADER = 44;
    private final Path file;
    private final RandomAccessFile out;
    private final java.util.concurrent.ExecutorService writer;
    private final java.util.concurrent.atomic.AtomicLong backlog = new java.util.concurrent.atomic.AtomicLong();
    private volatile long dataBytes;
    private volatile IOException failure;
    private volatile boolean closed;

    private WavFileSink(Path file, RandomAccessFile out) {
        this.file = file;
        this.out = out;
        this.writer = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "lectern-wav-" + file.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates (or truncates) {@code file} and writes an empty WAV header. */
    public static WavFileSink create(Path file) throws IOException {
        RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw");
        try {
            out.setLength(0);
            WavFileSink sink = new WavFileSink(file, out);
            sink.writeHeader();
            return sink;
        } catch (IOException e) {
            out.close();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** PCM bytes written so far (silence for gaps included). */
    public long dataBytes() {
        return dataBytes;
    }

    @Override
    public void play(SequenceNumber sequence, AudioChunk audio) {
        submit(audio.pcm());
    }

    @Override
    public void gap(Duration missing) {
        long millis = Math.min(Math.max(0, missing.toMillis()), MAX_GAP.toMillis());
        long bytes = (millis * AudioChunk.BYTES_PER_SECOND / 1000) & ~1L;
        while (bytes > 0) {
            int n = (int) Math.min(bytes, AudioChunk.BYTES_PER_SECOND);
            submit(new byte[n]);
            bytes -= n;
        }
    }

    private void submit(byte[] pcm) {
        IOException failed = failure;
        if (failed != null) {
            throw new AudioSinkException("cannot write " + file + ": " + failed.getMessage(), failed);
        }
        if (closed) {
            return;
        }
        if (backlog.get() + pcm.length > MAX_BACKLOG.toMillis() * AudioChunk.BYTES_PER_SECOND / 1000) {
            throw new AudioSinkException("cannot write " + file + " fast enough: over " + MAX_BACKLOG.toSeconds()
                    + " s of audio waiting", null);
        }
        backlog.addAndGet(pcm.length);
        try {
            writer.execute(() -> {
                try {
                    append(pcm);
                } catch (IOException e) {
                    failure = e;
                } finally {
                    backlog.addAndGet(-pcm.length);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            backlog.addAndGet(-pcm.length);
        }
    }

    /** Waits until what was queued is written (at most 10 s). */
    public void flush() {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        try {
            writer.execute(() -> done.complete(null));
            done.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.ExecutionException e) {
            // closed, or the disk is stuck: what is written is in the file
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void append(byte[] pcm) throws IOException {
        if (failure != null) {
            return;
        }
        out.seek(HEADER + dataBytes);
        out.write(pcm);
        dataBytes += pcm.length;
        writeHeader();
    }

    private void writeHeader() throws IOException {
        // the RIFF sizes are 32 bits: past 4 GiB of audio (37 hours) they stay at their largest, as players expect
        long riff = Math.min(0xFFFF_FFFFL, 36 + dataBytes);
        long data = Math.min(0xFFFF_FFFFL, dataBytes);
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) riff)
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(AudioChunk.SAMPLE_RATE).putInt(AudioChunk.BYTES_PER_SECOND)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) data);
        out.seek(0);
        out.write(h.array());
    }

    /** Writes what is queued, then closes the file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        flush();
        closed = true;
        writer.shutdown();
        try {
            writer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}

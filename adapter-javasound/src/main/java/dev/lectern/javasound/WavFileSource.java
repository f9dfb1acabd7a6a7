package dev.lectern.javasound;

import dev.lectern.domain.AudioChunk;
import dev.lectern.port.AudioSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Streams a WAV file as if it were being spoken: one 100 ms chunk every 100 ms (the last may be shorter),
 * converted to Lectern's format, optionally from the start again at the end. {@link #finished()}
 * completes when a file that does not loop has been sent whole, or when the source is stopped.
 */
public final class WavFileSource implements AudioSource {
    private final Path file;
    private final List<AudioChunk> chunks;
    private final boolean loop;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private ScheduledExecutorService pacer;
    private int next;

    private WavFileSource(Path file, List<AudioChunk> chunks, boolean loop) {
        this.file = file;
        this.chunks = chunks;
        this.loop = loop;
    }

    /** Reads {@code file} (any PCM WAV Java Sound can convert); fails naming the file if it cannot. */
    public static WavFileSource open(Path file, boolean loop) throws IOException {
        Objects.requireNonNull(file, "file is null");
        if (!Files.isReadable(file)) {
            throw new IOException("cannot read " + file);
        }
        List<AudioChunk> chunks;
        try (InputStream in = Files.newInputStream(file)) {
            chunks = WavAudio.read(in, 100);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (chunks.isEmpty()) {
            throw new IOException(file + " holds no audio");
        }
        return new WavFileSource(file, List.copyOf(chunks), loop);
    }

    /** The file's audio, as the chunks it is sent in. */
    public List<AudioChunk> chunks() {
        return chunks;
    }

    /** Completes when the whole file has been sent (never while looping), or the source stopped. */
    public CompletionStage<Void> finished() {
        return finished;
    }

    @Override
    public synchronized void start(Consumer<AudioChunk> consumer) {
        Objects.requireNonNull(consumer, "consumer is null");
        if (pacer != null || finished.isDone()) {
            return;
        }
        pacer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lectern-wav-" + file.getFileName());
            t.setDaemon(true);
            return t;
        });
        pacer.scheduleAtFixedRate(() -> tick(consumer), 0, 100, TimeUnit.MILLISECONDS);
    }

    private void tick(Consumer<AudioChunk> consumer) {
        AudioChunk chunk;
        synchronized (this) {
            if (finished.isDone()) {
                return;
            }
            if (next == chunks.size()) {
                if (!loop) {
                    stop();
                    return;
                }
                next = 0;
            }
            chunk = chunks.get(next++);
        }
        consumer.accept(chunk);
    }

    @Override
    public void stop() {
        ScheduledExecutorService p;
        synchronized (this) {
            p = pacer;
        }
        if (p != null) {
            p.shutdown();
        }
        finished.complete(null);
    }
}

package dev.lectern.javasound;

import dev.lectern.domain.AudioChunk;
import dev.lectern.port.AudioSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a WAV file as if it were being spoken: one 100 ms chunk every 100 ms (the last may be shorter),
 * converted to Lectern's format, optionally from the start again at the end. The file is read as it is
 * sent, a chunk at a time, so a recording of any length takes the same memory. {@link #finished()}
 * completes when a file that does not loop has been sent whole, when reading it failed
 * ({@link #failure()} says why), or when the source is stopped.
 */
public final class WavFileSource implements AudioSource {
    private static final Logger log = LoggerFactory.getLogger(WavFileSource.class);
    private static final int CHUNK_MILLIS = 100;

    private final Path file;
    private final boolean loop;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private ScheduledExecutorService pacer;
    private WavAudio.ChunkReader reader;
    private AudioChunk head;
    private volatile IOException failure;

    private WavFileSource(Path file, WavAudio.ChunkReader reader, AudioChunk head, boolean loop) {
        this.file = file;
        this.reader = reader;
        this.head = head;
        this.loop = loop;
    }

    /**
     * Opens {@code file} (any PCM WAV Java Sound can convert) and reads its header and first chunk; fails
     * naming the file if it cannot, or if it holds no audio.
     */
    public static WavFileSource open(Path file, boolean loop) throws IOException {
        Objects.requireNonNull(file, "file is null");
        if (!Files.isReadable(file)) {
            throw new IOException("cannot read " + file);
        }
        WavAudio.ChunkReader reader = null;
        try {
            reader = WavAudio.open(Files.newInputStream(file), CHUNK_MILLIS);
            AudioChunk head = reader.next();
            if (head == null) {
                throw new IOException("holds no audio");
            }
            return new WavFileSource(file, reader, head, loop);
        } catch (IOException e) {
            if (reader != null) {
                reader.close();
            }
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Completes when the whole file has been sent (never while looping), reading it failed, or the source stopped. */
    public CompletionStage<Void> finished() {
        return finished;
    }

    /** Why reading the file stopped early (it changed or went away while being sent), if it did. */
    public Optional<IOException> failure() {
        return Optional.ofNullable(failure);
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
        pacer.scheduleAtFixedRate(() -> tick(consumer), 0, CHUNK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tick(Consumer<AudioChunk> consumer) {
        AudioChunk chunk;
        synchronized (this) {
            if (finished.isDone()) {
                return;
            }
            try {
                chunk = nextChunk();
            } catch (IOException e) {
                failure = new IOException(file + ": " + e.getMessage(), e);
                log.warn("Stopped sending {}: {}", file, e.getMessage());
                stop();
                return;
            }
            if (chunk == null) {
                stop();
                return;
            }
        }
        consumer.accept(chunk);
    }

    /** The next chunk to send, from the start again at the end of a looping file; null at the end. */
    private AudioChunk nextChunk() throws IOException {
        if (head != null) {
            AudioChunk first = head;
            head = null;
            return first;
        }
        AudioChunk chunk = reader.next();
        if (chunk == null && loop) {
            reader.close();
            reader = WavAudio.open(Files.newInputStream(file), CHUNK_MILLIS);
            chunk = reader.next();
        }
        return chunk;
    }

    @Override
    public void stop() {
        ScheduledExecutorService p;
        synchronized (this) {
            p = pacer;
            try {
                reader.close();
            } catch (IOException e) {
                log.debug("closing {}: {}", file, e.toString());
            }
        }
        if (p != null) {
            p.shutdown();
        }
        finished.complete(null);
    }
}

package dev.lectern.client;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.audio.Resampler;
import dev.lectern.port.AudioDecoder;
import dev.lectern.port.SegmentFetcher;
import dev.lectern.port.SignedUrls;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a translated segment's URL into 16 kHz PCM for listeners: fetched ({@link SegmentFetcher}), decoded
 * ({@link AudioDecoder}) off the I/O threads, resampled to the listener's rate. Share one loader among the
 * listeners of a process: a URL that several of them are sent (every listener of a language is) is fetched
 * and decoded once, and its result, or its failure, handed to each. The most recent {@link #DEFAULT_CACHE_SIZE}
 * URLs are kept; a URL is presigned for minutes, so older ones are not asked for again.
 *
 * <p>The cache is a small bounded map of futures rather than a caching library: this module depends on the
 * JDK alone. Close the loader after its listeners to stop its decoding threads.
 */
public final class SegmentLoader implements AutoCloseable {
    /** URLs remembered: a few minutes of segments in a few languages. */
    public static final int DEFAULT_CACHE_SIZE = 64;
    /** A load that has not ended by then fails as a timeout, so that no segment holds the queue for ever. */
    public static final java.time.Duration DEFAULT_LOAD_TIMEOUT = java.time.Duration.ofSeconds(30);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final SegmentFetcher fetcher;
    private final AudioDecoder decoder;
    private final ExecutorService decoding;
    private final Map<String, CompletableFuture<AudioChunk>> cache;
    private final Map<Integer, Resampler> resamplers = new ConcurrentHashMap<>();
    private final AtomicLong fetches = new AtomicLong();
    private final AtomicLong shared = new AtomicLong();
    private final java.time.Duration loadTimeout;

    private SegmentLoader(Builder b) {
        this.fetcher = Objects.requireNonNull(b.fetcher, "fetcher is null");
        this.decoder = Objects.requireNonNull(b.decoder, "decoder is null");
        this.loadTimeout = b.loadTimeout;
        int size = b.cacheSize;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<AudioChunk>> eldest) {
                return size() > size;
            }
        };
        String name = "lectern-segment-decode-" + POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.decoding = Executors.newFixedThreadPool(b.decodeThreads, task -> {
            Thread t = new Thread(task, name + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The segment at {@code url} as 16 kHz mono PCM. Fails with the fetcher's {@code FetchFailedException}
     * or the decoder's {@code UndecodableAudioException} (wrapped as the stage's cause).
     */
    public CompletionStage<AudioChunk> load(String url) {
        Objects.requireNonNull(url, "url is null");
        CompletableFuture<AudioChunk> result;
        synchronized (cache) {
            result = cache.get(url);
            if (result != null) {
                shared.incrementAndGet();
                return result.minimalCompletionStage();
            }
            result = new CompletableFuture<>();
            cache.put(url, result);
        }
        fetches.incrementAndGet();
        CompletableFuture<AudioChunk> out = result;
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            out.completeExceptionally(new SegmentFetcher.FetchFailedException(SegmentFetcher.Reason.FAILED, "not a URL"));
            return out.minimalCompletionStage();
        }
        java.time.Instant expiry;
        try {
            expiry = SignedUrls.expiry(url);
        } catch (RuntimeException e) {
            expiry = null; // an expiry that cannot be read is no expiry: the URL is opaque (protocol section 11.3)
        }
        CompletionStage<byte[]> fetched;
        try {
            fetched = fetcher.fetch(uri, expiry);
        } catch (RuntimeException e) {
            // a URL the fetcher refuses at once (ftp://, relative): this load fails, the rest go on
            out.completeExceptionally(new SegmentFetcher.FetchFailedException(SegmentFetcher.Reason.FAILED,
                    "cannot fetch " + (uri.isAbsolute() ? "a " + uri.getScheme() + " URL" : "a relative URL") + ": " + e.getMessage()));
            return out.minimalCompletionStage();
        }
        out.orTimeout(loadTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS); // every load ends
        fetched.whenComplete((bytes, failure) -> {
            if (failure != null) {
                out.completeExceptionally(failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
                return;
            }
            try {
                decoding.execute(() -> decode(bytes, out));
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                out.completeExceptionally(new IllegalStateException("segment loader is closed"));
            }
        });
        return out.minimalCompletionStage();
    }

    private void decode(byte[] bytes, CompletableFuture<AudioChunk> out) {
        try {
            AudioDecoder.Decoded decoded = decoder.decode(bytes);
            short[] samples = decoded.sampleRate() == AudioChunk.SAMPLE_RATE ? decoded.samples()
                    : resamplers.computeIfAbsent(decoded.sampleRate(), rate -> Resampler.of(rate, AudioChunk.SAMPLE_RATE))
                            .convert(decoded.samples());
            if (samples.length == 0) {
                throw new AudioDecoder.UndecodableAudioException("no audio in " + bytes.length + " bytes");
            }
            byte[] pcm = new byte[samples.length * 2];
            for (int i = 0; i < samples.length; i++) {
                pcm[2 * i] = (byte) samples[i];
                pcm[2 * i + 1] = (byte) (samples[i] >> 8);
            }
            out.complete(AudioChunk.ofOwned(pcm));
        } catch (Exception | OutOfMemoryError e) {
            out.completeExceptionally(e);
        }
    }

    /** URLs fetched so far (each once). */
    public long fetches() {
        return fetches.get();
    }

    /** Loads answered from an earlier fetch of the same URL. */
    public long sharedLoads() {
        return shared.get();
    }

    /** Stops the decoding threads; loads still in flight fail. Idempotent. */
    @Override
    public void close() {
        decoding.shutdownNow();
    }

    /** Builder; the fetcher and the decoder are required. */
    public static final class Builder {
        private SegmentFetcher fetcher;
        private AudioDecoder decoder;
        private int cacheSize = DEFAULT_CACHE_SIZE;
        private int decodeThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private java.time.Duration loadTimeout = DEFAULT_LOAD_TIMEOUT;

        private Builder() {}

        /** Required: how segments are fetched ({@code JettySegmentFetcher}). */
        public Builder fetcher(SegmentFetcher value) {
            fetcher = value;
            return this;
        }

        /** Required: how they are decoded ({@code Mp3Decoder}). */
        public Builder decoder(AudioDecoder value) {
            decoder = value;
            return this;
        }

        /** URLs remembered (default {@link #DEFAULT_CACHE_SIZE}, 1 to 10 000). */
        public Builder cacheSize(int value) {
            cacheSize = value;
            return this;
        }

        /** Threads that decode (default one per two cores). */
        public Builder decodeThreads(int value) {
            decodeThreads = value;
            return this;
        }

        /** How long a load may take, fetch and decode, before it fails as a timeout (default 30 s; 1 s to 10 min). */
        public Builder loadTimeout(java.time.Duration value) {
            loadTimeout = value;
            return this;
        }

        public SegmentLoader build() {
            if (loadTimeout == null || loadTimeout.toMillis() < 1000 || loadTimeout.toMinutes() > 10) {
                throw new IllegalArgumentException("loadTimeout must be between 1 s and 10 min, was: " + loadTimeout);
            }
            if (cacheSize < 1 || cacheSize > 10_000) {
                throw new IllegalArgumentException("cacheSize must be between 1 and 10000, was: " + cacheSize);
            }
            if (decodeThreads < 1 || decodeThreads > 64) {
                throw new IllegalArgumentException("decodeThreads must be between 1 and 64, was: " + decodeThreads);
            }
            return new SegmentLoader(this);
        }
    }
}

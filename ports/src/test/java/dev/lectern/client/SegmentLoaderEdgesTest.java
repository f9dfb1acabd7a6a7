package dev.lectern.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lectern.domain.AudioChunk;
import dev.lectern.port.AudioDecoder;
import dev.lectern.port.SegmentFetcher;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * URLs a listener must survive (protocol section 11.3): every load ends, with its audio or a failure, so that
 * one bad URL never holds the segments behind it.
 */
class SegmentLoaderEdgesTest {
    final List<Instant> expiries = new ArrayList<>();
    final AudioDecoder decoder = data -> new AudioDecoder.Decoded(new short[1600], 16_000);
    SegmentLoader loader;

    @AfterEach
    void close() {
        if (loader != null) {
            loader.close();
        }
    }

    SegmentLoader with(SegmentFetcher fetcher) {
        loader = SegmentLoader.builder().fetcher(fetcher).decoder(decoder).loadTimeout(Duration.ofSeconds(1)).build();
        return loader;
    }

    @Test
    void anExpiryPastTheYear9999IsNoReasonNotToFetch() throws Exception {
        SegmentLoader l = with((url, expiresAt) -> {
            expiries.add(expiresAt);
            return CompletableFuture.completedFuture(new byte[] {1});
        });

        AudioChunk audio = l.load("https://bucket.s3.amazonaws.com/s.mp3?Expires=99999999999999999&Signature=x")
                .toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(audio.duration()).isEqualTo(Duration.ofMillis(100));
        assertThat(expiries).hasSize(1).containsOnlyNulls();
    }

    @Test
    void aUrlTheFetcherRefusesAtOnceFailsThisLoadOnly() throws Exception {
        SegmentLoader l = with((url, expiresAt) -> {
            if (!"https".equals(url.getScheme())) {
                throw new IllegalArgumentException("unsupported scheme " + url.getScheme());
            }
            return CompletableFuture.completedFuture(new byte[] {1});
        });

        Throwable ftp = catchThrowable(() -> l.load("ftp://example.com/s.mp3").toCompletableFuture().get(5, TimeUnit.SECONDS));
        Throwable relative = catchThrowable(() -> l.load("/segments/s.mp3").toCompletableFuture().get(5, TimeUnit.SECONDS));

        assertThat(ftp).isInstanceOf(ExecutionException.class).cause().isInstanceOf(SegmentFetcher.FetchFailedException.class);
        assertThat(relative).isInstanceOf(ExecutionException.class).cause().isInstanceOf(SegmentFetcher.FetchFailedException.class);
        assertThat(l.load("https://example.com/next.mp3").toCompletableFuture().get(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void aFetchThatNeverEndsFailsAsATimeout() {
        SegmentLoader l = with((url, expiresAt) -> new CompletableFuture<>());

        CompletionStage<AudioChunk> stalled = l.load("https://example.com/stalled.mp3");
        Throwable failure = catchThrowable(() -> stalled.toCompletableFuture().get(10, TimeUnit.SECONDS));

        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(TimeoutException.class);
    }
}

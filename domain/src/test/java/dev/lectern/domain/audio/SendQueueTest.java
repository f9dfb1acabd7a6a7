package dev.lectern.domain.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.AudioChunk;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SendQueueTest {
    static QueuedChunk chunk(long id) {
        return new QueuedChunk(id, AudioChunk.silence(100), id * 100);
    }

    @Test
    void defaultCapacityHoldsThirtySecondsOfHundredMillisecondChunks() {
        SendQueue q = SendQueue.withCapacity(Duration.ofSeconds(30));
        for (long i = 0; i < 300; i++) {
            SendQueue.Offer offer = q.offer(chunk(i));
            assertThat(offer.dropped()).isEmpty();
            q = offer.queue();
        }
        SendQueue.Offer overflow = q.offer(chunk(300));
        assertThat(overflow.dropped()).extracting(QueuedChunk::chunkId).containsExactly(0L);
        assertThat(overflow.queue().size()).isEqualTo(300);
        assertThat(overflow.queue().buffered()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void drainKeepsCaptureOrderAcrossInternalReversal() {
        SendQueue q = SendQueue.withCapacity(Duration.ofMillis(500));
        for (long i = 0; i < 8; i++) {
            q = q.offer(chunk(i)).queue();
        }
        SendQueue.Drain drain = q.drain();
        assertThat(drain.chunks()).extracting(QueuedChunk::chunkId).containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(drain.queue().isEmpty()).isTrue();
    }

    @Test
    void offeringDoesNotChangeTheOriginal() {
        SendQueue empty = SendQueue.withCapacity(Duration.ofSeconds(1));
        SendQueue one = empty.offer(chunk(1)).queue();
        assertThat(empty.size()).isZero();
        assertThat(one.size()).isEqualTo(1);
    }
}

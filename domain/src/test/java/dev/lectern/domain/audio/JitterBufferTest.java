package dev.lectern.domain.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JitterBufferTest {
    static final AudioChunk CHUNK = AudioChunk.silence(100);

    static JitterBuffer.Outcome offer(JitterBuffer b, long seq) {
        return b.offer(SequenceNumber.of(seq), CHUNK);
    }

    @Test
    void releasesInOrderAndHoldsWhatComesEarly() {
        JitterBuffer b = JitterBuffer.withCapacity(Duration.ofSeconds(5));
        b = offer(b, 10).buffer();
        JitterBuffer.Outcome early = offer(b, 12);
        assertThat(early.released()).isEmpty();
        assertThat(early.holeOpen()).isTrue();
        JitterBuffer.Outcome filled = offer(early.buffer(), 11);
        assertThat(filled.released()).extracting(r -> r.sequence().value()).containsExactly(11L, 12L);
        assertThat(filled.holeOpen()).isFalse();
    }

    @Test
    void duplicatesAreRecognisedWhetherPlayedOrWaiting() {
        JitterBuffer b = offer(JitterBuffer.withCapacity(Duration.ofSeconds(5)), 0).buffer();
        assertThat(offer(b, 0).duplicate()).isTrue();
        b = offer(b, 2).buffer();
        assertThat(offer(b, 2).duplicate()).isTrue();
    }

    @Test
    void skippingAHoleReportsItsRange() {
        JitterBuffer b = offer(JitterBuffer.withCapacity(Duration.ofSeconds(5)), 0).buffer();
        b = offer(b, 4).buffer();
        b = offer(b, 5).buffer();
        JitterBuffer.Outcome skipped = b.skipHole();
        assertThat(skipped.gaps()).containsExactly(new JitterBuffer.Gap(SequenceNumber.of(1), SequenceNumber.of(3)));
        assertThat(skipped.released()).extracting(r -> r.sequence().value()).containsExactly(4L, 5L);
    }

    @Test
    void overCapacityGivesUpTheHoleAtOnce() {
        JitterBuffer b = offer(JitterBuffer.withCapacity(Duration.ofMillis(300)), 0).buffer();
        b = offer(b, 2).buffer();
        b = offer(b, 3).buffer();
        b = offer(b, 4).buffer();
        JitterBuffer.Outcome over = offer(b, 5);
        assertThat(over.gaps()).containsExactly(new JitterBuffer.Gap(SequenceNumber.of(1), SequenceNumber.of(1)));
        assertThat(over.released()).extracting(r -> r.sequence().value()).containsExactly(2L, 3L, 4L, 5L);
        assertThat(over.buffer().waitingAudio()).isLessThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void resetStartsANewStream() {
        JitterBuffer b = offer(JitterBuffer.withCapacity(Duration.ofSeconds(5)), 50).buffer().reset();
        JitterBuffer.Outcome first = offer(b, 0);
        assertThat(first.duplicate()).isFalse();
        assertThat(first.released()).hasSize(1);
    }

    @Test
    void aChunkNumberedImplausiblyFarAheadIsDroppedWhenTheStreamGoesOnAsBefore() {
        JitterBuffer b = JitterBuffer.withCapacity(java.time.Duration.ofSeconds(5));
        for (long i = 0; i < 10; i++) {
            b = b.offer(dev.lectern.domain.SequenceNumber.of(i), dev.lectern.domain.AudioChunk.silence(100)).buffer();
        }
        JitterBuffer.Outcome jump = b.offer(dev.lectern.domain.SequenceNumber.of(1_000_000_000_000L), dev.lectern.domain.AudioChunk.silence(100));
        assertThat(jump.released()).isEmpty();
        assertThat(jump.gaps()).as("never a gap of a trillion chunks").isEmpty();
        assertThat(jump.buffer().skipHole().gaps()).as("no hole either").isEmpty();

        JitterBuffer.Outcome next = jump.buffer().offer(dev.lectern.domain.SequenceNumber.of(10), dev.lectern.domain.AudioChunk.silence(100));
        assertThat(next.rejected()).isEqualTo(1);
        assertThat(next.released()).extracting(r -> r.sequence().value()).containsExactly(10L);
    }

    @Test
    void aRenumberedStreamIsFollowedOnceItsNextChunkComes() {
        JitterBuffer b = JitterBuffer.withCapacity(java.time.Duration.ofSeconds(5));
        b = b.offer(dev.lectern.domain.SequenceNumber.of(0), dev.lectern.domain.AudioChunk.silence(100)).buffer();
        b = b.offer(dev.lectern.domain.SequenceNumber.of(500_000), dev.lectern.domain.AudioChunk.silence(100)).buffer();
        JitterBuffer.Outcome o = b.offer(dev.lectern.domain.SequenceNumber.of(500_001), dev.lectern.domain.AudioChunk.silence(100));
        assertThat(o.released()).extracting(r -> r.sequence().value()).containsExactly(500_000L, 500_001L);
        assertThat(o.gaps()).isEmpty();
        assertThat(o.rejected()).isZero();
    }
}

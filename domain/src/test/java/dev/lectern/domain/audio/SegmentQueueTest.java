package dev.lectern.domain.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ordering by time, fetching ahead within a bound, duplicates, failures and missing time as capped gaps. */
class SegmentQueueTest {
    static final SegmentQueue.Settings SETTINGS = new SegmentQueue.Settings(2, 5, Duration.ofSeconds(1), Duration.ofSeconds(10));
    static final long T0 = 1_764_800_000_000L;

    static SegmentQueue.Segment segment(long offsetMillis, long durationMillis) {
        long ts = T0 + offsetMillis;
        return new SegmentQueue.Segment(SequenceNumber.of(ts), "https://bucket/s" + ts + ".mp3", Duration.ofMillis(durationMillis),
                "text " + offsetMillis, LanguageCode.of("es"), ts);
    }

    static AudioChunk audio(long millis) {
        return AudioChunk.silence((int) millis);
    }

    static List<String> describe(List<SegmentQueue.Step> steps) {
        List<String> out = new ArrayList<>();
        for (SegmentQueue.Step s : steps) {
            if (s instanceof SegmentQueue.Play p) {
                out.add("play " + (p.segment().timestamp() - T0) + " at " + p.startMillis());
            } else if (s instanceof SegmentQueue.Gap g) {
                out.add("gap " + g.length().toMillis() + " at " + g.startMillis() + " " + g.cause());
            } else if (s instanceof SegmentQueue.Lost l) {
                out.add("lost " + l.missing().toMillis() + " after " + (l.after().value() - T0));
            }
        }
        return out;
    }

    @Test
    void fetchesAheadWithinItsBoundAndPlaysInOrderAsTheyBecomeReady() {
        SegmentQueue q = SegmentQueue.empty(SETTINGS);
        SegmentQueue.Outcome o = q.offer(segment(0, 3000));
        assertThat(o.fetch()).hasSize(1);
        o = o.queue().offer(segment(3000, 3000));
        assertThat(o.fetch()).hasSize(1);
        o = o.queue().offer(segment(6000, 3000));
        assertThat(o.fetch()).as("two ahead at most").isEmpty();

        o = o.queue().ready(SequenceNumber.of(T0 + 3000), audio(3000)); // the second is ready first: it waits
        assertThat(o.steps()).isEmpty();
        o = o.queue().ready(SequenceNumber.of(T0), audio(3000));
        assertThat(describe(o.steps())).containsExactly("play 0 at 0", "play 3000 at 3000");
        assertThat(o.fetch()).extracting(s -> s.timestamp() - T0).containsExactly(6000L);
    }

    @Test
    void aSegmentSeenTwiceOrOlderThanWhatPlayedIsADuplicate() {
        SegmentQueue.Outcome o = SegmentQueue.empty(SETTINGS).offer(segment(0, 3000));
        assertThat(o.queue().offer(segment(0, 3000)).duplicate()).isTrue();
        o = o.queue().ready(SequenceNumber.of(T0), audio(3000));
        assertThat(o.queue().offer(segment(0, 3000)).duplicate()).isTrue();
        assertThat(o.queue().offer(segment(-3000, 3000)).duplicate()).as("older than what played").isTrue();
    }

    @Test
    void aFailedSegmentIsAGapOfItsDurationAndPlayGoesOn() {
        SegmentQueue.Outcome o = SegmentQueue.empty(SETTINGS).offer(segment(0, 3000));
        o = o.queue().offer(segment(3000, 2500));
        o = o.queue().failed(SequenceNumber.of(T0), "undecodable");
        assertThat(describe(o.steps())).containsExactly("gap 3000 at 0 SEGMENT_FAILED");
        o = o.queue().ready(SequenceNumber.of(T0 + 3000), audio(2500));
        assertThat(describe(o.steps())).containsExactly("play 3000 at 3000");
    }

    @Test
    void timestampSpacingIsNeverPlayedAsSilenceAndARoomForASegmentIsReportedLost() {
        SegmentQueue.Outcome o = SegmentQueue.empty(SETTINGS).offer(segment(0, 3000));
        o = o.queue().ready(SequenceNumber.of(T0), audio(3000));
        o = o.queue().offer(segment(6000 + 400, 3000)); // one segment of 3 s never came; 0.4 s of processing jitter
        o = o.queue().ready(SequenceNumber.of(T0 + 6400), audio(3000));
        assertThat(describe(o.steps())).as("reported, and the next one follows at once")
                .containsExactly("lost 3400 after 0", "play 6400 at 3000");

        o = o.queue().offer(segment(9400 + 700, 3000)); // jitter under the tolerance: nothing to report
        o = o.queue().ready(SequenceNumber.of(T0 + 10_100), audio(3000));
        assertThat(describe(o.steps())).containsExactly("play 10100 at 6000");

        o = o.queue().offer(segment(3_600_000, 3000)); // an hour later, and the next after it: still no silence
        o = o.queue().offer(segment(3_603_000, 3000));
        o = o.queue().ready(SequenceNumber.of(T0 + 3_600_000), audio(3000));
        assertThat(describe(o.steps())).containsExactly("lost 3586900 after 10100", "play 3600000 at 9000");
        assertThat(o.queue().positionMillis()).as("the timeline holds only audio").isEqualTo(12_000);
    }

    @Test
    void processingJitterOverALongTalkAddsNothingToTheTimeline() {
        java.util.Random jitter = new java.util.Random(11);
        SegmentQueue q = SegmentQueue.empty(dev.lectern.domain.session.SessionSettings.DEFAULT_SEGMENTS);
        long cut = 0;
        long played = 0;
        for (int i = 0; i < 600; i++) { // 30 minutes of 3 s batches, each processed 0.5 to 2.5 s after its cut
            cut += 3000;
            long ts = cut + 500 + jitter.nextInt(2000);
            SegmentQueue.Outcome o = q.offer(segment(ts, 3000));
            o = o.queue().ready(SequenceNumber.of(T0 + ts), audio(3000));
            for (SegmentQueue.Step step : o.steps()) {
                assertThat(step).as("jitter is never a gap nor a loss").isInstanceOf(SegmentQueue.Play.class);
                played++;
            }
            q = o.queue();
        }
        assertThat(played).isEqualTo(600);
        assertThat(q.positionMillis()).as("30 minutes of audio take 30 minutes").isEqualTo(1_800_000);
    }

    @Test
    void theCapacityIsABoundAndWhatIsOverItIsRejectedNotKept() {
        SegmentQueue q = SegmentQueue.empty(SETTINGS);
        SegmentQueue.Outcome o = null;
        for (int i = 0; i < 6; i++) {
            o = (o == null ? q : o.queue()).offer(segment(i * 3000L, 3000));
        }
        assertThat(o.queue().size()).as("capacity 5").isEqualTo(5);
        assertThat(o.rejected()).singleElement().satisfies(r -> {
            assertThat(r.segment().sequence().value()).isEqualTo(T0 + 15_000);
            assertThat(r.reason()).isEqualTo("queue full");
        });
    }

    @Test
    void oneSegmentNumberedFarAheadIsRejectedAndTheStreamPlaysOn() {
        SegmentQueue.Outcome o = SegmentQueue.empty(SETTINGS).offer(segment(0, 3000));
        o = o.queue().ready(SequenceNumber.of(T0), audio(3000));
        o = o.queue().offer(segment(365L * 24 * 3_600_000, 3000)); // a year ahead: forged, or a clock gone wrong
        assertThat(o.fetch()).as("held aside, not fetched").isEmpty();
        assertThat(o.rejected()).isEmpty();

        o = o.queue().offer(segment(3000, 3000));
        assertThat(o.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("ahead of the stream"));
        o = o.queue().ready(SequenceNumber.of(T0 + 3000), audio(3000));
        o = o.queue().offer(segment(6000, 3000));
        o = o.queue().ready(SequenceNumber.of(T0 + 6000), audio(3000));
        assertThat(describe(o.steps())).as("not muted").containsExactly("play 6000 at 6000");
    }

    @Test
    void aRealJumpIsTwoSegmentsInARowFarAheadAndBothPlay() {
        SegmentQueue.Outcome o = SegmentQueue.empty(SETTINGS).offer(segment(0, 3000));
        o = o.queue().ready(SequenceNumber.of(T0), audio(3000));
        long later = 20 * 60_000L; // a twenty-minute pause
        o = o.queue().offer(segment(later, 3000));
        o = o.queue().offer(segment(later + 3000, 3000));
        assertThat(o.rejected()).isEmpty();
        assertThat(o.fetch()).hasSize(2);
        o = o.queue().ready(SequenceNumber.of(T0 + later), audio(3000));
        assertThat(describe(o.steps())).containsExactly("lost " + (later - 3000) + " after 0", "play " + later + " at 3000");
    }
}

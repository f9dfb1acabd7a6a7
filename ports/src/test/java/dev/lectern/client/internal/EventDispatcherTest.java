package dev.lectern.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.LecternListener;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.event.LecternEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Audio events go only to listeners that read them; every other event goes to every listener. */
class EventDispatcherTest {
    static final LecternEvent.AudioReceived AUDIO = new LecternEvent.AudioReceived(SequenceNumber.of(1), AudioChunk.silence(100), 1L);
    static final LecternEvent.Closed CLOSED = new LecternEvent.Closed(EndReason.ENDED_BY_USER);

    /** Delivers on the calling thread and returns what arrived. */
    static List<String> deliver(LecternListener listener, List<String> seen) {
        EventDispatcher events = new EventDispatcher(Runnable::run, listener);
        events.dispatch(AUDIO);
        events.dispatch(CLOSED);
        return seen;
    }

    @Test
    void aListenerThatReadsNoAudioIsNotHandedAudioEvents() {
        List<String> seen = new ArrayList<>();
        LecternListener closesOnly = new LecternListener() {
            @Override
            public void onClosed(LecternEvent.Closed event) {
                seen.add("closed");
            }
        };

        assertThat(deliver(closesOnly, seen)).containsExactly("closed");
        assertThat(EventDispatcher.overrides(closesOnly, "onAudioReceived", LecternEvent.AudioReceived.class)).isFalse();
    }

    @Test
    void aListenerOfAudioGetsIt() {
        List<String> seen = new ArrayList<>();
        LecternListener audio = new LecternListener() {
            @Override
            public void onAudioReceived(LecternEvent.AudioReceived event) {
                seen.add("audio " + event.sequence().value());
            }

            @Override
            public void onClosed(LecternEvent.Closed event) {
                seen.add("closed");
            }
        };

        assertThat(deliver(audio, seen)).containsExactly("audio 1", "closed");
    }

    @Test
    void aListenerOfEveryEventGetsAudioToo() {
        List<String> seen = new ArrayList<>();
        LecternListener everything = new LecternListener() {
            @Override
            public void onEvent(LecternEvent event) {
                seen.add(event.getClass().getSimpleName());
            }
        };

        assertThat(deliver(everything, seen)).containsExactly("AudioReceived", "Closed");
    }

    /** A host's own listener interface whose default reads audio counts as reading it. */
    interface CountingListener extends LecternListener {
        List<String> seen();

        @Override
        default void onAudioReceived(LecternEvent.AudioReceived event) {
            seen().add("audio");
        }
    }

    @Test
    void anOverrideInTheHostsOwnInterfaceCounts() {
        List<String> seen = new ArrayList<>();
        CountingListener counting = () -> seen;

        assertThat(deliver(counting, seen)).containsExactly("audio");
    }

    @Test
    void aBlockedListenerHoldsABoundedQueueOfEveryKindYetGetsEveryEventOfTheSessionsLife() {
        List<Runnable> held = new ArrayList<>();
        List<LecternEvent> seen = new ArrayList<>();
        EventDispatcher events = new EventDispatcher(held::add, new LecternListener() {
            @Override
            public void onEvent(LecternEvent event) {
                seen.add(event);
            }
        });
        for (int i = 0; i < 5_000; i++) { // a host that does not read while the frames go wrong
            events.dispatch(new LecternEvent.FrameRejected(null, "garbage", i));
            events.dispatch(new LecternEvent.AudioGap(SequenceNumber.of(i), SequenceNumber.of(i)));
            events.dispatch(new LecternEvent.TranscriptReceived(SequenceNumber.of(i), "text", null, i, java.time.Duration.ofSeconds(3)));
        }
        events.dispatch(new LecternEvent.SessionEnded(null, "over"));
        events.dispatch(CLOSED);
        assertThat(events.dropped()).as("over the bound, counted").isGreaterThanOrEqualTo(15_000 - EventDispatcher.MAX_QUEUED);

        held.forEach(Runnable::run);

        assertThat(seen.size()).isLessThanOrEqualTo(EventDispatcher.MAX_QUEUED + 2);
        assertThat(seen.subList(seen.size() - 2, seen.size())).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("SessionEnded", "Closed");
    }
}

package dev.lectern.app;

import dev.lectern.client.LecternListener;
import dev.lectern.domain.event.LecternEvent;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A listener's translated segments as {@code listen} shows them: every event goes on to the {@link Tally};
 * segments played, gaps and texts are counted; each text is printed as a caption (when asked) and written
 * as a subtitle cue timed on the audio written (when asked).
 */
final class SegmentTally implements LecternListener {
    private final Tally tally;
    private final Consumer<String> captions;
    private final Subtitles subtitles;
    private final Consumer<String> problems;
    private final AtomicLong played = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    private final AtomicLong texts = new AtomicLong();
    private final AtomicLong rejoins = new AtomicLong();

    /** {@code captions} and {@code subtitles} may be null: not asked for. */
    SegmentTally(Tally tally, Consumer<String> captions, Subtitles subtitles, Consumer<String> problems) {
        this.tally = tally;
        this.captions = captions;
        this.subtitles = subtitles;
        this.problems = problems;
    }

    @Override
    public void onEvent(LecternEvent event) {
        tally.onEvent(event);
        if (event instanceof LecternEvent.TranscriptReceived t) {
            texts.incrementAndGet();
            if (captions != null) {
                captions.accept(t.text());
            }
            if (subtitles != null) {
                try {
                    subtitles.cue(t.startMillis(), t.startMillis() + t.duration().toMillis(), t.text());
                } catch (IOException e) {
                    problems.accept("cannot write a subtitle: " + e.getMessage());
                }
            }
        } else if (event instanceof LecternEvent.AudioReceived a && a.sequence() != null && a.sentAt() != null
                && a.sequence().value() == a.sentAt()) {
            played.incrementAndGet(); // a segment: numbered by its timestamp
        } else if (event instanceof LecternEvent.SegmentGap) {
            gaps.incrementAndGet();
        } else if (event instanceof LecternEvent.RejoinAccepted) {
            rejoins.incrementAndGet();
        }
    }

    long played() {
        return played.get();
    }

    long gaps() {
        return gaps.get();
    }

    /** Rejoins the service accepted (after a speaker's hand-over, protocol section 11.4). */
    long rejoins() {
        return rejoins.get();
    }

    long captions() {
        return texts.get();
    }
}

package dev.lectern.port;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import java.time.Duration;

/**
 * Plays a listener's audio. Chunks arrive in order, each once. {@link #play} must not block: an
 * implementation queues the chunk and paces playback (or writes) on a thread of its own. One that can no
 * longer play throws {@link AudioSinkException}, and the client ends with {@code SINK_FAILED}.
 */
public interface AudioSink extends AutoCloseable {

    /** Queues {@code audio} for playing; {@code sequence} is null for audio that carried none. */
    void play(SequenceNumber sequence, AudioChunk audio);

    /**
     * Audio of about this length was lost (the client reported an {@code AudioGap}). A sink that keeps the
     * talk's timing plays or writes silence of this length; the default ignores it. Must not block.
     */
    default void gap(Duration missing) {}

    @Override
    default void close() {}

    /** A sink that discards everything. */
    AudioSink NONE = (sequence, audio) -> {};
}

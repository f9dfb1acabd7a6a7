package dev.lectern.port;

import dev.lectern.domain.AudioChunk;
import java.util.function.Consumer;

/** Captures audio for a speaker, in chunks (100 ms by default), pushing each to the consumer. */
public interface AudioSource extends AutoCloseable {

    /** Starts capturing; chunks go to {@code consumer} from the source's own thread. */
    void start(Consumer<AudioChunk> consumer);

    /** Stops capturing; no chunk is delivered after this returns. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}

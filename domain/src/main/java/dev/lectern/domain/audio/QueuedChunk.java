package dev.lectern.domain.audio;

import dev.lectern.domain.AudioChunk;
import java.util.Objects;

/** A captured chunk waiting to be sent, with its capture index and capture time (epoch ms). */
public record QueuedChunk(long chunkId, AudioChunk audio, long capturedAt) {
    public QueuedChunk {
        Objects.requireNonNull(audio, "audio is null");
    }
}

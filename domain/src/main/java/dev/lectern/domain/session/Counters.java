package dev.lectern.domain.session;

/**
 * What a client has counted. For a speaker, {@code captured == sent + dropped + queued} always holds
 * (the conservation guarantee). For a listener, {@code played} chunks and {@code gapChunks} never
 * overlap, and {@code duplicates} counts chunks received twice (the overlap of a refresh).
 */
public record Counters(long captured, long sent, long dropped, long played, long duplicates, long gapChunks,
                       long rejectedFrames, long staleFrames) {
    public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0);

    Counters plusCaptured() {
        return new Counters(captured + 1, sent, dropped, played, duplicates, gapChunks, rejectedFrames, staleFrames);
    }

    Counters plusSent(long n) {
        return new Counters(captured, sent + n, dropped, played, duplicates, gapChunks, rejectedFrames, staleFrames);
    }

    Counters plusDropped(long n) {
        return new Counters(captured, sent, dropped + n, played, duplicates, gapChunks, rejectedFrames, staleFrames);
    }

    Counters plusPlayed(long n) {
        return new Counters(captured, sent, dropped, played + n, duplicates, gapChunks, rejectedFrames, staleFrames);
    }

    Counters plusDuplicate() {
        return new Counters(captured, sent, dropped, played, duplicates + 1, gapChunks, rejectedFrames, staleFrames);
    }

    Counters plusGap(long n) {
        return new Counters(captured, sent, dropped, played, duplicates, gapChunks + n, rejectedFrames, staleFrames);
    }

    Counters plusRejected() {
        return new Counters(captured, sent, dropped, played, duplicates, gapChunks, rejectedFrames + 1, staleFrames);
    }

    Counters plusStale() {
        return new Counters(captured, sent, dropped, played, duplicates, gapChunks, rejectedFrames, staleFrames + 1);
    }
}

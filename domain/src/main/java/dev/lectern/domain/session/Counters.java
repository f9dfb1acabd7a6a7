package dev.lectern.domain.session;

/**
 * What a client has counted. For a speaker, {@code captured == sent + dropped + queued} always holds
 * (the conservation guarantee). For a listener, {@code played} chunks and {@code gapChunks} never
 * overlap, and {@code duplicates} counts chunks received twice (the overlap of a refresh).
 * {@code rejectedFrames} are frames that could not be read; {@code ignoredFrames} were read but are of a
 * type this client does not know (the protocol says to ignore them); {@code staleFrames} came on a
 * connection already retired. {@code segmentsLost} counts translated segments likely never sent (their
 * timestamps leave room for one).
 */
public record Counters(long captured, long sent, long dropped, long played, long duplicates, long gapChunks,
                       long rejectedFrames, long staleFrames, long ignoredFrames, long segmentsLost) {
    public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    Counters plusCaptured() {
        return new Counters(captured + 1, sent, dropped, played, duplicates, gapChunks, rejectedFrames, staleFrames, ignoredFrames, segmentsLost);
    }

    Counters plusSent(long n) {
        return new Counters(captured, sent + n, dropped, played, duplicates, gapChunks, rejectedFrames, staleFrames, ignoredFrames, segmentsLost);
    }

    Counters plusDropped(long n) {
        return new Counters(captured, sent, dropped + n, played, duplicates, gapChunks, rejectedFrames, staleFrames, ignoredFrames, segmentsLost);
    }

    Counters plusPlayed(long n) {
        return new Counters(captured, sent, dropped, played + n, duplicates, gapChunks, rejectedFrames, staleFrames, ignoredFrames, segmentsLost);
    }

    Counters plusDuplicate() {
        return new Counters(captured, sent, dropped, played, duplicates + 1, gapChunks, rejectedFrames, staleFrames, ignoredFrames, segmentsLost);
    }

    Counters plusGap(long n) {
        return new Counters(captured, sent, dropped, played, duplicates, gapChunks + n, rejectedFrames, staleFrames, ignoredFrames, segmentsLost);
    }

    Counters plusRejected() {
        return new Counters(captured, sent, dropped, played, duplicates, gapChunks, rejectedFrames + 1, staleFrames, ignoredFrames, segmentsLost);
    }

    Counters plusStale() {
        return new Counters(captured, sent, dropped, played, duplicates, gapChunks, rejectedFrames, staleFrames + 1, ignoredFrames, segmentsLost);
    }

    Counters plusIgnored() {
        return new Counters(captured, sent, dropped, played, duplicates, gapChunks, rejectedFrames, staleFrames, ignoredFrames + 1, segmentsLost);
    }

    Counters plusSegmentLost() {
        return new Counters(captured, sent, dropped, played, duplicates, gapChunks, rejectedFrames, staleFrames, ignoredFrames, segmentsLost + 1);
    }
}

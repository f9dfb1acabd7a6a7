package dev.lectern.domain.session;

import static dev.lectern.domain.session.SessionMachine.listener;
import static dev.lectern.domain.session.SessionMachine.nextAudioWatch;
import static dev.lectern.domain.session.States.current;
import static dev.lectern.domain.session.States.with;
import static dev.lectern.domain.session.States.withLink;
import static dev.lectern.domain.session.Ending.finishIfDrained;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.audio.JitterBuffer;
import dev.lectern.domain.audio.QueuedChunk;
import dev.lectern.domain.audio.SegmentQueue;
import dev.lectern.domain.audio.SendQueue;
import dev.lectern.domain.event.DropReason;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.SessionState.Connecting;
import java.time.Duration;
import java.util.List;

/**
 * Audio both ways: a speaker's capture and queue, a listener's jitter buffer and segments, the audio watch,
 * and the per-link timers and language that go with them.
 * Part of {@link SessionMachine}; pure, as it is.
 */
final class Streams {
    private Streams() {}

    static SessionState capture(Run run, SessionState state, Input.Capture capture) {
        Context ctx = state.context();
        if (!ctx.speaker()) {
            return state;
        }
        long chunkId = ctx.counters().captured();
        ctx = ctx.withCounters(ctx.counters().plusCaptured());
        if (ctx.paused() || ctx.deployed().muted()) {
            ctx = ctx.withCounters(ctx.counters().plusDropped(1)).withPausedDrops(ctx.pausedDrops() + 1);
            return with(state, ctx);
        }
        AudioChunk audio = capture.audio().scaled(ctx.deployed().volume()); // the volume the service cannot carry
        if (state instanceof Connecting) {
            SendQueue.Offer offer = ctx.queue().offer(new QueuedChunk(chunkId, audio, run.now));
            ctx = ctx.withQueue(offer.queue());
            if (!offer.dropped().isEmpty()) {
                ctx = ctx.withCounters(ctx.counters().plusDropped(offer.dropped().size()));
                run.notify(new LecternEvent.AudioDropped(offer.dropped().size(), DropReason.QUEUE_FULL,
                        ctx.counters().dropped()));
            }
            return with(state, ctx);
        }
        Link link = current(state);
        run.emit(new Effect.Transmit(link.id(), new ClientMessage.AudioChunkUpload(ctx.sessionId(), audio, chunkId, run.now)));
        return with(state, sent(run, ctx, 1));
    }

    static SessionState malformed(Run run, SessionState state, Input.Malformed malformed) {
        Context ctx = state.context();
        ctx = ctx.withCounters(ctx.counters().plusRejected());
        run.notify(new LecternEvent.FrameRejected(malformed.id(), malformed.reason(), ctx.counters().rejectedFrames()));
        SessionState next = with(state, ctx);
        Link link = current(next);
        if (link != null && link.id().equals(malformed.id())) {
            return withLink(next, link.heard(run.now)); // a frame arrived, even a bad one: the link lives
        }
        return next;
    }

    static SessionState sendFailed(Run run, SessionState state, Input.SendFailed failed) {
        Context ctx = state.context();
        if (failed.message() instanceof ClientMessage.AudioChunkUpload) {
            ctx = ctx.withCounters(ctx.counters().plusSent(-1).plusDropped(1));
            run.notify(new LecternEvent.AudioDropped(1, DropReason.TRANSPORT_FAILURE, ctx.counters().dropped()));
        }
        return with(state, ctx);
    }

    static Context audio(Run run, Context ctx, ServerMessage.AudioData audio, boolean fromCurrent) {
        if (ctx.speaker()) {
            return ctx;
        }
        if (audio.sequenceNumber() == null) {
            if (!fromCurrent) {
                return ctx.withCounters(ctx.counters().plusDuplicate());
            }
            run.emit(new Effect.Play(null, audio.audio()));
            run.notify(new LecternEvent.AudioReceived(null, audio.audio(), audio.timestamp()));
            return ctx.withCounters(ctx.counters().plusPlayed(1));
        }
        boolean holeBefore = ctx.buffer().waitingChunks() > 0;
        JitterBuffer.Outcome outcome = ctx.buffer().offer(audio.sequenceNumber(), audio.audio());
        if (outcome.duplicate()) {
            return ctx.withCounters(ctx.counters().plusDuplicate());
        }
        if (outcome.rejected() > 0) {
            // a chunk numbered implausibly far ahead, and the stream went on as before: never a gap of its size
            ctx = ctx.withCounters(ctx.counters().plusRejected());
            run.notify(new LecternEvent.FrameRejected(null, "an audio frame numbered more than " + JitterBuffer.MAX_JUMP
                    + " ahead of the stream was dropped", ctx.counters().rejectedFrames()));
        }
        Context next = played(run, ctx, outcome, audio.sequenceNumber(), audio.timestamp());
        if (outcome.holeOpen() && (!holeBefore || !outcome.gaps().isEmpty() || !outcome.released().isEmpty())) {
            run.emit(new Effect.StartTimer(TimerKey.REORDER, ctx.settings().reorderWait()));
        } else if (!outcome.holeOpen() && holeBefore) {
            run.emit(new Effect.CancelTimer(TimerKey.REORDER));
        }
        return next;
    }

    static Context skipHole(Run run, Context ctx) {
        if (ctx.speaker()) {
            return ctx;
        }
        JitterBuffer.Outcome outcome = ctx.buffer().skipHole();
        Context next = played(run, ctx, outcome, null, null);
        if (outcome.holeOpen()) {
            run.emit(new Effect.StartTimer(TimerKey.REORDER, ctx.settings().reorderWait()));
        }
        return next;
    }

    /** {@code arriving} and its {@code sentAt}: the chunk that just came, whose send time the event may carry. */
    static Context played(Run run, Context ctx, JitterBuffer.Outcome outcome, dev.lectern.domain.SequenceNumber arriving, Long sentAt) {
        Counters counters = ctx.counters();
        List<JitterBuffer.Gap> gaps = outcome.gaps();
        for (int i = 0; i < gaps.size(); i++) {
            JitterBuffer.Gap gap = gaps.get(i);
            run.notify(new LecternEvent.AudioGap(gap.from(), gap.to()));
            counters = counters.plusGap(gap.size());
        }
        List<JitterBuffer.Released> releases = outcome.released();
        for (int i = 0; i < releases.size(); i++) {
            JitterBuffer.Released released = releases.get(i);
            run.emit(new Effect.Play(released.sequence(), released.audio()));
            run.notify(new LecternEvent.AudioReceived(released.sequence(), released.audio(),
                    released.sequence().equals(arriving) ? sentAt : null));
        }
        return ctx.withBufferAndCounters(outcome.buffer(), counters.plusPlayed(outcome.released().size()));
    }

    /** A translated segment announced on any of the listener's connections (section 11.3). */
    static Context translated(Run run, Context ctx, ServerMessage.TranslatedAudio t) {
        if (ctx.speaker() || t.url() == null || (t.sequenceNumber() == null && t.timestamp() == null)) {
            return ctx.withCounters(ctx.counters().plusIgnored());
        }
        if (ctx.pendingLanguage() != null && ctx.pendingLanguage().equals(t.targetLanguage())) {
            // the deployed service answers a change with nothing: its first segment in the new language confirms it
            run.emit(new Effect.CancelTimer(TimerKey.LANGUAGE_CONFIRM));
            ctx = ctx.withLanguage(t.targetLanguage(), null);
            run.notify(new LecternEvent.LanguageChanged(t.targetLanguage()));
        }
        dev.lectern.domain.SequenceNumber seq = t.sequenceNumber() != null ? t.sequenceNumber()
                : dev.lectern.domain.SequenceNumber.of(t.timestamp());
        long millis = t.duration() == null || t.duration() < 0 ? 0 : Math.round(t.duration() * 1000);
        SegmentQueue.Segment segment = new SegmentQueue.Segment(seq, t.url(), Duration.ofMillis(millis), t.transcript(),
                t.targetLanguage() != null ? t.targetLanguage() : ctx.language(), t.timestamp() != null ? t.timestamp() : seq.value());
        SegmentQueue.Outcome outcome = ctx.segments().offer(segment);
        if (outcome.duplicate()) {
            return ctx.withCounters(ctx.counters().plusDuplicate());
        }
        return segments(run, ctx, outcome);
    }

    /** Carries out what the segment queue decided: fetches to start, audio to play, silence, in order. */
    static Context segments(Run run, Context ctx, SegmentQueue.Outcome outcome) {
        for (SegmentQueue.Rejected r : outcome.rejected()) {
            run.notify(new LecternEvent.SegmentFailed(r.segment().sequence(), "not kept: " + r.reason()));
        }
        for (SegmentQueue.Segment s : outcome.fetch()) {
            run.emit(new Effect.FetchSegment(s));
        }
        long played = 0;
        Counters counters = ctx.counters();
        for (SegmentQueue.Step step : outcome.steps()) {
            if (step instanceof SegmentQueue.Lost lost) {
                counters = counters.plusSegmentLost();
                run.notify(new LecternEvent.SegmentLikelyLost(lost.after(), lost.before(), lost.missing(), counters.segmentsLost()));
                continue;
            }
            if (step instanceof SegmentQueue.Play play) {
                SegmentQueue.Segment s = play.segment();
                run.emit(new Effect.Play(s.sequence(), play.audio()));
                run.notify(new LecternEvent.AudioReceived(s.sequence(), play.audio(), s.timestamp()));
                transcript(run, s, play.startMillis());
                played++;
            } else if (step instanceof SegmentQueue.Gap gap) {
                run.emit(new Effect.Silence(gap.length()));
                // a gap is a failed segment's now: time no segment covers is reported (Lost), never silence
                String cause = "segment " + gap.segment().sequence().value() + " " + gap.failure();
                run.notify(new LecternEvent.SegmentGap(gap.startMillis(), gap.length(), cause));
                transcript(run, gap.segment(), gap.startMillis()); // the text, even where its audio failed
            }
        }
        return ctx.withSegments(outcome.queue()).withCounters(played == 0 ? counters : counters.plusPlayed(played));
    }

    static void transcript(Run run, SegmentQueue.Segment s, long startMillis) {
        if (s.transcript() != null && !s.transcript().isBlank()) {
            run.notify(new LecternEvent.TranscriptReceived(s.sequence(), s.transcript(), s.language(), startMillis, s.duration()));
        }
    }

    static SessionState segmentsMoved(Run run, SessionState state, SegmentQueue.Outcome outcome) {
        SessionState next = with(state, segments(run, state.context(), outcome));
        return next.context().ending() ? finishIfDrained(run, next) : next;
    }

    static Context flushQueue(Run run, Context ctx, Link link) {
        if (ctx.queue().isEmpty()) {
            return ctx;
        }
        SendQueue.Drain drain = ctx.queue().drain();
        for (QueuedChunk chunk : drain.chunks()) {
            run.emit(new Effect.Transmit(link.id(), new ClientMessage.AudioChunkUpload(ctx.sessionId(), chunk.audio(),
                    chunk.chunkId(), chunk.capturedAt())));
        }
        return sent(run, ctx.withQueue(drain.queue()), drain.chunks().size());
    }

    /** {@code n} chunks handed to the transport now: counted, and a deployed speaker's end flushes from here. */
    static Context sent(Run run, Context ctx, int n) {
        Context c = ctx.withCounters(ctx.counters().plusSent(n));
        return ctx.sessionApi() ? c.withDeployed(c.deployed().sentAt(run.now)) : c;
    }

    static Context resumed(Run run, Context ctx) {
        if (ctx.pausedDrops() > 0) {
            run.notify(new LecternEvent.AudioDropped(ctx.pausedDrops(), DropReason.PAUSED, ctx.counters().dropped()));
        }
        return ctx.withPaused(false).withPausedDrops(0);
    }

    /** A pause the service cannot carry (section 11.3): audio is withheld here, and the host is told so. */
    static Context pausedLocally(Run run, Context ctx) {
        run.notify(new LecternEvent.ControlNotDelivered("pauseBroadcast",
                "listeners are not told; captured audio is withheld until resume"));
        run.notify(new LecternEvent.SessionPaused(ctx.sessionId()));
        return ctx.withPaused(true);
    }

    /**
     * A broadcast control the deployed service cannot carry (section 11.3), applied here where it can be: a
     * mute withholds captured audio until unmute, a volume scales it before it is sent; each is reported.
     * Anything else is not sent, and the host is told.
     */
    static Context controlLocally(Run run, Context ctx, ClientMessage message) {
        if (message instanceof ClientMessage.MuteBroadcast && ctx.speaker()) {
            run.notify(new LecternEvent.ControlNotDelivered("muteBroadcast",
                    "applied here: captured audio is withheld until unmute; listeners are not told"));
            run.notify(new LecternEvent.BroadcastChanged(ServerMessage.BroadcastChanged.Kind.BROADCAST_MUTED, null, null));
            return ctx.withDeployed(ctx.deployed().withMuted(true));
        }
        if (message instanceof ClientMessage.UnmuteBroadcast && ctx.speaker()) {
            run.notify(new LecternEvent.ControlNotDelivered("unmuteBroadcast", "applied here: audio flows again"));
            run.notify(new LecternEvent.BroadcastChanged(ServerMessage.BroadcastChanged.Kind.BROADCAST_UNMUTED, null, null));
            if (ctx.pausedDrops() > 0 && !ctx.paused()) {
                run.notify(new LecternEvent.AudioDropped(ctx.pausedDrops(), DropReason.MUTED, ctx.counters().dropped()));
                ctx = ctx.withPausedDrops(0);
            }
            return ctx.withDeployed(ctx.deployed().withMuted(false));
        }
        if (message instanceof ClientMessage.SetVolume volume && ctx.speaker()) {
            double level = Math.max(0.0, Math.min(1.0, volume.volumeLevel()));
            run.notify(new LecternEvent.ControlNotDelivered("setVolume",
                    "applied here: captured audio is scaled to " + level + " before it is sent"));
            run.notify(new LecternEvent.BroadcastChanged(ServerMessage.BroadcastChanged.Kind.VOLUME_CHANGED, null, level));
            return ctx.withDeployed(ctx.deployed().withVolume(level));
        }
        run.notify(new LecternEvent.ControlNotDelivered(message.action(),
                "not sent: the service cannot carry it for a session created over its HTTP API"));
        return ctx;
    }

    static Context resumedLocally(Run run, Context ctx) {
        run.notify(new LecternEvent.ControlNotDelivered("resumeBroadcast", "listeners are not told; audio flows again"));
        Context next = resumed(run, ctx);
        run.notify(new LecternEvent.SessionResumed(ctx.sessionId()));
        return next;
    }

    static void resendLanguage(Run run, Context ctx, Link link) {
        if (ctx.speaker()) {
            return;
        }
        LanguageCode wanted = ctx.pendingLanguage() != null ? ctx.pendingLanguage() : ctx.language();
        if (link.language() != null && !wanted.equals(link.language())) {
            run.emit(new Effect.Transmit(link.id(), new ClientMessage.ChangeLanguage(wanted)));
        }
    }

    /** Arms the audio watch for its next decision, or leaves it unarmed if there is none (nextAudioWatch). */
    static Link watchAudio(Run run, Context ctx, Link link) {
        long next = nextAudioWatch(ctx, link, run.now);
        if (next < 0) {
            return link.audioWatchAt(-1);
        }
        run.emit(new Effect.StartTimer(TimerKey.AUDIO_WATCH, Duration.ofMillis(next)));
        return link.audioWatchAt(run.now + next);
    }

    static void startLinkTimers(Run run, Context ctx) {
        SessionSettings s = ctx.settings();
        run.emit(new Effect.StartTimer(TimerKey.HEARTBEAT, s.heartbeatInterval()));
        // a listener's audio watch starts with the link's first audio (nextAudioWatch)
        run.emit(new Effect.StartTimer(TimerKey.REFRESH_CLOCK, s.refreshAfter().plus(s.selfRefreshGrace())));
        run.emit(new Effect.StartTimer(TimerKey.CUTOFF, s.maxConnectionAge()));
    }

    /** A fetched segment's audio, decoded: it plays when its turn comes. */
    static SessionState segmentReady(Run run, SessionState state, Input.SegmentReady ready) {
        return segmentsMoved(run, state, state.context().segments().ready(ready.sequence(), ready.audio()));
    }

    /** A segment that could not be fetched or decoded: reported, and a gap where it was. */
    static SessionState segmentFailed(Run run, SessionState state, Input.SegmentFailed failed) {
        run.notify(new LecternEvent.SegmentFailed(failed.sequence(), failed.reason()));
        return segmentsMoved(run, state, state.context().segments().failed(failed.sequence(), failed.reason()));
    }
}

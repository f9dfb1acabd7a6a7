package dev.lectern.domain.session;

import static dev.lectern.domain.session.SessionMachine.heartbeatWindow;
import static dev.lectern.domain.session.SessionMachine.nextAudioWatch;
import static dev.lectern.domain.session.States.candidate;
import static dev.lectern.domain.session.States.connectedState;
import static dev.lectern.domain.session.States.current;
import static dev.lectern.domain.session.States.errorOf;
import static dev.lectern.domain.session.States.isCandidate;
import static dev.lectern.domain.session.States.with;
import static dev.lectern.domain.session.RefreshAndLoss.beginCandidate;
import static dev.lectern.domain.session.RefreshAndLoss.linkDead;
import static dev.lectern.domain.session.RefreshAndLoss.linkLost;
import static dev.lectern.domain.session.RefreshAndLoss.openCandidate;
import static dev.lectern.domain.session.RefreshAndLoss.refreshFailed;
import static dev.lectern.domain.session.RefreshAndLoss.startRefresh;
import static dev.lectern.domain.session.RefreshAndLoss.switchOver;
import static dev.lectern.domain.session.Streams.audio;
import static dev.lectern.domain.session.Streams.controlLocally;
import static dev.lectern.domain.session.Streams.pausedLocally;
import static dev.lectern.domain.session.Streams.resumed;
import static dev.lectern.domain.session.Streams.resumedLocally;
import static dev.lectern.domain.session.Streams.skipHole;
import static dev.lectern.domain.session.Streams.translated;
import static dev.lectern.domain.session.Streams.watchAudio;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.SessionState.Connecting;
import java.time.Duration;
import java.util.Set;

/**
 * The connected states ({@code Active}, {@code Refreshing}, {@code Paused}): frames on the current
 * connection and on a refresh's candidate, timers, and the host's controls.
 * Part of {@link SessionMachine}; pure, as it is.
 */
final class WhileConnected {
    private static final Set<String> LANGUAGE_REJECTIONS =
            Set.of("UNSUPPORTED_LANGUAGE", "INVALID_LANGUAGE", "INVALID_PARAMETER", "MISSING_PARAMETER");

    private WhileConnected() {}

    static SessionState connected(Run run, SessionState state, Input input) {
        Context ctx = state.context();
        Link link = current(state);
        Candidate cand = candidate(state);
        if (input instanceof Input.Received received) {
            if (received.id().equals(link.id())) {
                return currentFrame(run, ctx, link.heard(run.now), cand, received.message());
            }
            if (cand != null && cand.step() == Step.OPENING && received.id().equals(cand.id())) {
                return candidateFrame(run, ctx, link, cand, received.message());
            }
            return retire(run, state, received.id(), received.message());
        }
        if (input instanceof Input.TimerFired timer) {
            return timer(run, state, ctx, link, cand, timer.key());
        }
        if (input instanceof Input.Opened opened) {
            if (isCandidate(cand, opened.id())) {
                run.emit(new Effect.Transmit(opened.id(), new ClientMessage.Heartbeat(run.now))); // may be its confirmation
            } else if (!opened.id().equals(link.id()) && (cand == null || !opened.id().equals(cand.id()))) {
                run.emit(new Effect.Abort(opened.id()));
            }
            return state;
        }
        if (input instanceof Input.Refused refused) {
            return isCandidate(cand, refused.id()) ? refreshFailed(run, ctx, link, cand, LecternError.of(refused.failure())) : state;
        }
        if (input instanceof Input.Closed closed) {
            if (closed.id().equals(link.id())) {
                return linkLost(run, ctx, link, cand, closed.code(), closed.reason());
            }
            if (isCandidate(cand, closed.id())) {
                return refreshFailed(run, ctx, link, cand, LecternError.of(ConnectFailure.network(
                        "closed before confirmation (" + closed.code() + " " + closed.reason() + ")")));
            }
            if (closed.id().equals(ctx.retiring())) {
                return with(state, ctx.withRetiring(null));
            }
            return state;
        }
        if (input instanceof Input.TokenReady ready) {
            return cand != null && cand.step() == Step.AWAITING_TOKEN ? openCandidate(run, ctx, link, cand, ready.token()) : state;
        }
        if (input instanceof Input.TokenFailed failed) {
            return cand != null && cand.step() == Step.AWAITING_TOKEN ? refreshFailed(run, ctx, link, cand, failed.error()) : state;
        }
        if (input instanceof Input.Pause) {
            if (!ctx.speaker() || ctx.paused()) {
                return state;
            }
            if (ctx.sessionApi()) {
                return connectedState(pausedLocally(run, ctx), link, cand);
            }
            run.emit(new Effect.Transmit(link.id(), new ClientMessage.PauseBroadcast()));
            return connectedState(ctx.withPaused(true), link, cand);
        }
        if (input instanceof Input.Resume) {
            if (!ctx.speaker() || !ctx.paused()) {
                return state;
            }
            if (ctx.sessionApi()) {
                return connectedState(resumedLocally(run, ctx), link, cand);
            }
            run.emit(new Effect.Transmit(link.id(), new ClientMessage.ResumeBroadcast()));
            return connectedState(resumed(run, ctx), link, cand);
        }
        if (input instanceof Input.ChangeLanguage change) {
            if (ctx.speaker()) {
                return state;
            }
            if (ctx.deployed().service()) {
                return changeLanguageDeployed(run, state, ctx, link, change);
            }
            run.emit(new Effect.Transmit(link.id(), new ClientMessage.ChangeLanguage(change.language())));
            return with(state, ctx.withLanguage(ctx.language(), change.language()));
        }
        if (input instanceof Input.SendControl control) {
            if (ctx.sessionApi()) {
                return with(state, controlLocally(run, ctx, control.message()));
            }
            run.emit(new Effect.Transmit(link.id(), control.message()));
            return state;
        }
        return state; // Start while connected: nothing to do
    }

    /**
     * A language change on the deployed service (section 11.3): applied there only for the languages it lists,
     * and answered by nothing; its first segment in the new language confirms it (Streams.translated), or the
     * wait runs out and the host is told.
     */
    static SessionState changeLanguageDeployed(Run run, SessionState state, Context ctx, Link link, Input.ChangeLanguage change) {
        if (!Deployed.changeable(change.language())) {
            run.notify(new LecternEvent.Error(LecternError.local("UNSUPPORTED_LANGUAGE", "not sent: this service ignores a"
                    + " change to " + change.language().value() + "; it changes only to " + String.join(" ",
                    new java.util.TreeSet<>(Deployed.CHANGEABLE_LANGUAGES)))));
            return state;
        }
        run.emit(new Effect.Transmit(link.id(), new ClientMessage.ChangeLanguage(change.language())));
        run.emit(new Effect.StartTimer(TimerKey.LANGUAGE_CONFIRM, ctx.settings().deployed().languageConfirmTimeout()));
        return with(state, ctx.withLanguage(ctx.language(), change.language()));
    }

    static SessionState timer(Run run, SessionState state, Context ctx, Link link, Candidate cand, TimerKey key) {
        SessionSettings settings = ctx.settings();
        switch (key) {
            case HEARTBEAT -> {
                if (run.now - link.lastFrameAt() >= settings.silenceTimeout().toMillis()) {
                    return linkDead(run, ctx, link, cand, "no frame for " + settings.silenceTimeout().toSeconds() + " s");
                }
                long window = heartbeatWindow(settings);
                if (!link.mayHeartbeat(run.now, window)) {
                    // A stall probe went out recently: keep to two heartbeats per window.
                    long at = link.previousHeartbeatAt() + window;
                    run.emit(new Effect.StartTimer(TimerKey.HEARTBEAT, Duration.ofMillis(at - run.now)));
                    return connectedState(ctx, link.heartbeatDue(at), cand);
                }
                // While audio flows it proves the link already: one heartbeat a window, keeping the
                // second for a probe the moment the audio stops.
                boolean streaming = link.lastAudioAt() >= 0 && run.now - link.lastAudioAt() < settings.heartbeatInterval().toMillis();
                if (streaming && link.heartbeatSentAt() >= 0 && run.now - link.heartbeatSentAt() < window) {
                    // the one of this window went out already (right after the upgrade, or as a probe)
                    long at = link.heartbeatSentAt() + window;
                    run.emit(new Effect.StartTimer(TimerKey.HEARTBEAT, Duration.ofMillis(at - run.now)));
                    return connectedState(ctx, link.heartbeatDue(at), cand);
                }
                run.emit(new Effect.Transmit(link.id(), new ClientMessage.Heartbeat(run.now)));
                run.emit(new Effect.StartTimer(TimerKey.HEARTBEAT_ACK, settings.heartbeatAckTimeout()));
                long next = streaming ? window : settings.heartbeatInterval().toMillis();
                run.emit(new Effect.StartTimer(TimerKey.HEARTBEAT, Duration.ofMillis(next)));
                return connectedState(ctx, link.heartbeatSent(run.now).heartbeatDue(run.now + next), cand);
            }
            case AUDIO_WATCH -> {
                long silentFor = run.now - link.lastAudioAt();
                long interval = settings.heartbeatInterval().toMillis();
                if (!ctx.speaker() && link.lastAudioAt() >= 0 && silentFor >= interval && link.heartbeatSentAt() >= 0) {
                    // Audio has stopped for good (a pause, a silent speaker): back to a heartbeat every
                    // interval, so an idle link is found as fast as any other.
                    long earliest = Math.max(link.heartbeatSentAt() + interval,
                            link.previousHeartbeatAt() < 0 ? 0 : link.previousHeartbeatAt() + heartbeatWindow(settings));
                    if (link.nextHeartbeatAt() > earliest) {
                        run.emit(new Effect.StartTimer(TimerKey.HEARTBEAT, Duration.ofMillis(Math.max(0, earliest - run.now))));
                        return connectedState(ctx, watchAudio(run, ctx, link.heartbeatDue(earliest)), cand);
                    }
                }
                if (ctx.speaker() || ctx.paused() || link.lastAudioAt() < 0 || link.probedAudioAt() == link.lastAudioAt()
                        || silentFor < settings.audioStallTimeout().toMillis()
                        || !link.mayHeartbeat(run.now, heartbeatWindow(settings))) {
                    return connectedState(ctx, watchAudio(run, ctx, link), cand);
                }
                // Audio stopped without a pause: ask the link whether it is still there.
                run.emit(new Effect.Transmit(link.id(), new ClientMessage.Heartbeat(run.now)));
                run.emit(new Effect.StartTimer(TimerKey.HEARTBEAT_ACK, settings.probeAckTimeout()));
                return connectedState(ctx, watchAudio(run, ctx, link.probed(run.now)), cand);
            }
            case HEARTBEAT_ACK -> {
                if (link.heartbeatSentAt() >= 0 && link.lastFrameAt() < link.heartbeatSentAt()) {
                    return linkDead(run, ctx, link, cand, link.probedAudioAt() >= 0 && link.probedAudioAt() == link.lastAudioAt()
                            && link.heartbeatSentAt() > link.lastAudioAt()
                            ? "audio stopped and a probe heartbeat got no answer within " + settings.probeAckTimeout().toMillis() + " ms"
                            : "no answer to a heartbeat within " + settings.heartbeatAckTimeout().toMillis() + " ms");
                }
                return state;
            }
            case REFRESH_CLOCK -> {
                return cand == null && !link.refreshBlocked() ? startRefresh(run, ctx, link, "connection age") : state;
            }
            case REFRESH_CONFIRM -> {
                return cand != null && cand.step() == Step.OPENING
                        ? refreshFailed(run, ctx, link, cand, LecternError.of(ConnectFailure.confirmTimeout(settings.refreshConfirmTimeout())))
                        : state;
            }
            case REFRESH_RETRY -> {
                if (cand == null || cand.step() != Step.BACKOFF) {
                    return state;
                }
                return beginCandidate(run, ctx, link, cand, false);
            }
            case CUTOFF -> {
                return linkDead(run, ctx, link, cand, "connection reached the maximum age of "
                        + settings.maxConnectionAge().toMinutes() + " min");
            }
            case REORDER -> {
                return connectedState(skipHole(run, ctx), link, cand);
            }
            case LANGUAGE_CONFIRM -> {
                if (ctx.pendingLanguage() == null) {
                    return state;
                }
                run.notify(new LecternEvent.LanguageChangeUnconfirmed(ctx.pendingLanguage(), settings.deployed().languageConfirmTimeout()));
                return connectedState(ctx.withLanguage(ctx.language(), null), link, cand);
            }
            default -> {
                return state; // CONFIRM, RECONNECT belong to Connecting
            }
        }
    }

    static SessionState currentFrame(Run run, Context ctx, Link link, Candidate cand, ServerMessage message) {
        boolean mayRefresh = cand == null && !link.refreshBlocked();
        if (message instanceof ServerMessage.ConnectionRefreshRequired) {
            return mayRefresh ? startRefresh(run, ctx, link, "server request") : connectedState(ctx, link, cand);
        }
        if (message instanceof ServerMessage.ConnectionWarning warning) {
            run.notify(new LecternEvent.ConnectionWarning(warning.remainingMinutes(), warning.message()));
            return mayRefresh ? startRefresh(run, ctx, link, "connection warning") : connectedState(ctx, link, cand);
        }
        if (message instanceof ServerMessage.ConnectionTimeout timeout) {
            run.notify(new LecternEvent.ConnectionWarning(null, timeout.message()));
        } else if (message instanceof ServerMessage.AudioData audio) {
            link = link.heardAudio(run.now);
            if (link.audioWatchAt() < 0 || link.audioWatchAt() > run.now + nextAudioWatch(ctx, link, run.now)) {
                // the first audio of this link, or the first after a silence: watch it from its own stall
                // deadline, not from a later decision the silence had left (while audio flows, no timer)
                link = watchAudio(run, ctx, link);
            }
            ctx = audio(run, Rejoin.heardAudio(run, ctx), audio, true);
        } else if (message instanceof ServerMessage.TranslatedAudio t) {
            ctx = translated(run, Rejoin.heardAudio(run, ctx), t);
            if (!ctx.speaker() && !ctx.language().equals(link.language())) {
                link = link.withLanguage(ctx.language()); // a change confirmed by its first segment
            }
        } else if (message instanceof ServerMessage.BroadcastChanged change) {
            boolean wasPaused = ctx.paused();
            ctx = broadcastChanged(run, ctx, change);
            if (wasPaused && !ctx.paused() && link.lastAudioAt() >= 0) {
                link = watchAudio(run, ctx, link); // resumed: if the audio does not come back, a probe may be due
            }
        } else if (message instanceof ServerMessage.LanguageChanged changed) {
            if (!ctx.speaker()) {
                run.emit(new Effect.CancelTimer(TimerKey.REORDER));
                ctx = ctx.withLanguage(changed.targetLanguage(), null).withBuffer(ctx.buffer().reset())
                        .withSegments(ctx.segments().reset());
                link = link.withLanguage(changed.targetLanguage());
                run.notify(new LecternEvent.LanguageChanged(changed.targetLanguage()));
            }
        } else if (message instanceof ServerMessage.SessionStatus status) {
            run.notify(new LecternEvent.StatusReceived(status));
        } else if (message instanceof ServerMessage.AudioQualityWarning warning) {
            run.notify(new LecternEvent.QualityWarning(warning.issue(), warning.message()));
        } else if (message instanceof ServerMessage.ErrorFrame error) {
            if (ctx.pendingLanguage() != null && LANGUAGE_REJECTIONS.contains(error.code())) {
                ctx = ctx.withLanguage(ctx.language(), null);
            }
            run.notify(new LecternEvent.Error(errorOf(error)));
        } else if (message instanceof ServerMessage.GatewayFault fault) {
            run.notify(new LecternEvent.Error(LecternError.local("GATEWAY_ERROR", String.valueOf(fault.message()))));
        } else if (message instanceof ServerMessage.Unknown) {
            ctx = ctx.withCounters(ctx.counters().plusIgnored()); // a newer server's message: ignored, counted
        }
        return connectedState(ctx, link, cand);
    }

    static Context broadcastChanged(Run run, Context ctx, ServerMessage.BroadcastChanged change) {
        switch (change.kind()) {
            case BROADCAST_PAUSED -> {
                run.notify(new LecternEvent.SessionPaused(ctx.sessionId()));
                return ctx.speaker() ? ctx : ctx.withPaused(true);
            }
            case BROADCAST_RESUMED -> {
                run.notify(new LecternEvent.SessionResumed(ctx.sessionId()));
                return ctx.speaker() ? ctx : ctx.withPaused(false);
            }
            default -> {
                Double volume = change.volumeLevel() != null ? change.volumeLevel()
                        : change.broadcastState() != null ? Double.valueOf(change.broadcastState().volume()) : null;
                run.notify(new LecternEvent.BroadcastChanged(change.kind(), change.broadcastState(), volume));
                if (!ctx.speaker() && change.kind() == ServerMessage.BroadcastChanged.Kind.SPEAKER_STATE_CHANGED
                        && change.broadcastState() != null) {
                    return ctx.withPaused(change.broadcastState().isPaused());
                }
                return ctx;
            }
        }
    }

    static SessionState candidateFrame(Run run, Context ctx, Link link, Candidate cand, ServerMessage message) {
        if (message instanceof ServerMessage.ConnectionRefreshComplete || message instanceof ServerMessage.HeartbeatAck) {
            return switchOver(run, ctx, link, cand);
        }
        if (message instanceof ServerMessage.ErrorFrame error) {
            return refreshFailed(run, ctx, link, cand, errorOf(error));
        }
        if (message instanceof ServerMessage.AudioData audio) {
            return connectedState(audio(run, ctx, audio, false), link, cand);
        }
        if (message instanceof ServerMessage.TranslatedAudio t) {
            return connectedState(translated(run, ctx, t), link, cand);
        }
        return connectedState(ctx, link, cand);
    }

    /** A frame from a connection that is neither current nor candidate: late audio of a retiring one is still used. */
    static SessionState retire(Run run, SessionState state, ConnectionId id, ServerMessage message) {
        Context ctx = state.context();
        if (id.equals(ctx.retiring()) && message instanceof ServerMessage.AudioData audio
                && !(state instanceof Connecting)) {
            return with(state, audio(run, ctx, audio, false));
        }
        if (id.equals(ctx.retiring()) && message instanceof ServerMessage.TranslatedAudio t) {
            return with(state, translated(run, ctx, t));
        }
        return with(state, ctx.withCounters(ctx.counters().plusStale()));
    }
}

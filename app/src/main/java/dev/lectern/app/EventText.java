package dev.lectern.app;

import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.LecternError;
import java.time.Duration;

/** One line of plain words for each event, as the runner prints them when its output is not a terminal. */
final class EventText {
    private EventText() {}

    static String describe(LecternEvent event) {
        if (event instanceof LecternEvent.SessionCreated e) {
            return "session " + e.sessionId().value() + " created" + (e.sourceLanguage() == null ? "" : ", spoken in " + e.sourceLanguage());
        } else if (event instanceof LecternEvent.SessionReplaced e) {
            return "session " + e.previous().value() + " was lost; it goes on as " + e.current().value();
        } else if (event instanceof LecternEvent.SessionJoined e) {
            return "joined " + e.sessionId().value() + " in " + e.targetLanguage()
                    + (e.listenerCount() == null ? "" : " (" + e.listenerCount() + " listening)");
        } else if (event instanceof LecternEvent.SessionEnded e) {
            return "the session ended" + (e.message() == null ? "" : ": " + e.message());
        } else if (event instanceof LecternEvent.SessionPaused) {
            return "the broadcast is paused";
        } else if (event instanceof LecternEvent.SessionResumed) {
            return "the broadcast is live again";
        } else if (event instanceof LecternEvent.RefreshStarted e) {
            return "replacing the connection (" + e.trigger() + ")";
        } else if (event instanceof LecternEvent.ConnectionRefreshed e) {
            return "connection replaced: " + e.from() + " -> " + e.to();
        } else if (event instanceof LecternEvent.ConnectionWarning e) {
            return "warning" + (e.remainingMinutes() == null ? "" : String.format(" (%.1f min left)", e.remainingMinutes()))
                    + (e.message() == null ? "" : ": " + e.message());
        } else if (event instanceof LecternEvent.Disconnected e) {
            return "connection " + e.connection() + " lost (" + e.code() + (e.reason() == null || e.reason().isEmpty() ? "" : " " + e.reason()) + ")";
        } else if (event instanceof LecternEvent.RetryScheduled e) {
            return "retry " + e.attempt() + " in " + millis(e.delay()) + (e.cause() == null ? "" : " after " + error(e.cause()));
        } else if (event instanceof LecternEvent.Reconnected e) {
            return "back online after " + e.attempts() + " retr" + (e.attempts() == 1 ? "y" : "ies");
        } else if (event instanceof LecternEvent.ReconnectFailed e) {
            return "gave up after " + e.attempts() + " attempts" + (e.lastError() == null ? "" : ": " + error(e.lastError()));
        } else if (event instanceof LecternEvent.Error e) {
            return "error: " + error(e.error());
        } else if (event instanceof LecternEvent.AudioDropped e) {
            return e.chunks() + " captured chunk" + (e.chunks() == 1 ? "" : "s") + " dropped (" + e.reason() + "; " + e.totalDropped() + " in all)";
        } else if (event instanceof LecternEvent.AudioGap e) {
            return "missing audio: chunks " + e.from().value() + " to " + e.to().value();
        } else if (event instanceof LecternEvent.FrameRejected e) {
            return "a frame was skipped: " + e.reason() + " (" + e.totalRejected() + " in all)";
        } else if (event instanceof LecternEvent.LanguageChanged e) {
            return "now hearing " + e.language();
        } else if (event instanceof LecternEvent.ControlNotDelivered e) {
            return e.action() + " not carried by this service: " + e.outcome();
        } else if (event instanceof LecternEvent.TranscriptReceived e) {
            return "text (" + e.language() + ", at " + millis(Duration.ofMillis(e.startMillis())) + "): " + e.text();
        } else if (event instanceof LecternEvent.SegmentFailed e) {
            return "segment " + e.sequence().value() + " could not be played: " + e.reason();
        } else if (event instanceof LecternEvent.SegmentGap e) {
            return millis(e.length()) + " of silence at " + millis(Duration.ofMillis(e.startMillis())) + " (" + e.cause() + ")";
        } else if (event instanceof LecternEvent.SegmentLikelyLost e) {
            return "a segment was likely lost after " + e.after().value() + " (" + millis(e.missing()) + " unaccounted for; "
                    + e.totalLost() + " in all)";
        } else if (event instanceof LecternEvent.SessionEnding e) {
            return "ending, " + e.step() + (e.ok() ? ": " : " failed: ") + e.outcome();
        } else if (event instanceof LecternEvent.SpeakerHandedOver e) {
            return "handed over " + e.from() + " -> " + e.to() + ": " + e.message();
        } else if (event instanceof LecternEvent.RejoinScheduled e) {
            return "told the session ended; rejoining in " + millis(e.delay()) + " (a speaker's hand-over ends it so too)";
        } else if (event instanceof LecternEvent.RejoinAccepted e) {
            return "rejoined; waiting up to " + millis(e.audioWait()) + " for audio";
        } else if (event instanceof LecternEvent.RejoinResumed) {
            return "audio again after the rejoin: the speaker handed over";
        } else if (event instanceof LecternEvent.RejoinRefused e) {
            return "rejoin refused (" + error(e.error()) + "): the session is over";
        } else if (event instanceof LecternEvent.RejoinNoAudio e) {
            return "no audio within " + millis(e.waited()) + " of the rejoin: the session is over";
        } else if (event instanceof LecternEvent.LanguageChangeUnconfirmed e) {
            return "no segment in " + e.language() + " within " + millis(e.waited()) + ": the change is not confirmed";
        } else if (event instanceof LecternEvent.StatusReceived e) {
            return "status: " + e.status().listenerCount() + " listening";
        } else if (event instanceof LecternEvent.QualityWarning e) {
            return "audio quality: " + e.issue() + (e.message() == null ? "" : ", " + e.message());
        } else if (event instanceof LecternEvent.BroadcastChanged e) {
            return "broadcast: " + e.kind().wireName() + (e.volume() == null ? "" : " (volume " + e.volume() + ")");
        } else if (event instanceof LecternEvent.Closed e) {
            return "ended: " + e.reason();
        }
        return event.getClass().getSimpleName();
    }

    private static String error(LecternError e) {
        return e.message() + " (" + e.code() + (e.status() > 0 ? ", HTTP " + e.status() : "") + ")";
    }

    private static String millis(Duration d) {
        long ms = d.toMillis();
        return ms < 10_000 ? ms + " ms" : String.format("%.1f s", ms / 1000.0);
    }
}

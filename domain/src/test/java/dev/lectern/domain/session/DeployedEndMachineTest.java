package dev.lectern.domain.session;

import static dev.lectern.domain.session.DeployedServiceMachineTest.activeApiSpeaker;
import static dev.lectern.domain.session.SessionMachineTest.CHUNK;
import static dev.lectern.domain.session.SessionMachineTest.SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A speaker's end on the service as deployed (protocol section 11.5), in the pure machine: the socket stays
 * open for the last batch, then PATCH, close, DELETE, in that order; each step bounded, each failure
 * reported and passed over; an immediate end skips the wait.
 */
class DeployedEndMachineTest {
    static final Input ANSWERED_MARK = new Input.SessionApiAnswered(Input.SessionApiCall.MARK_ENDED, null);
    static final Input ANSWERED_DELETE = new Input.SessionApiAnswered(Input.SessionApiCall.DELETE, null);

    /** The effects of the end that reach the service, in order, by name. */
    static List<String> serviceSteps(Harness h) {
        List<String> out = new ArrayList<>();
        for (Effect e : h.allEffects) {
            if (e instanceof Effect.MarkSessionEnded) {
                out.add("PATCH ended");
            } else if (e instanceof Effect.Close c) {
                out.add("close " + c.id());
            } else if (e instanceof Effect.Abort a) {
                out.add("abort " + a.id());
            } else if (e instanceof Effect.DeleteSession) {
                out.add("DELETE");
            }
        }
        return out;
    }

    @Test
    void theSocketStaysOpenForTheLastBatchThenPatchCloseDeleteInThatOrder() {
        Harness h = activeApiSpeaker();
        ConnectionId conn = h.lastOpened();
        h.step(new Input.Capture(CHUNK));
        long lastChunkAt = h.now;
        h.advance(Duration.ofSeconds(1));
        h.step(new Input.End("done"));

        assertThat(serviceSteps(h)).as("nothing before the flush is over").isEmpty();
        assertThat(h.timers).containsOnlyKeys(TimerKey.END_STEP);
        assertThat(h.timers.get(TimerKey.END_STEP)).as("the flush counts from the last chunk sent")
                .isEqualTo(lastChunkAt + DeployedSettings.DEFAULT_END_FLUSH.toMillis());
        assertThat(h.open).containsExactly(conn);

        h.fire(TimerKey.END_STEP);
        assertThat(serviceSteps(h)).containsExactly("PATCH ended");
        h.step(ANSWERED_MARK);
        assertThat(serviceSteps(h)).containsExactly("PATCH ended", "close " + conn);
        h.step(new Input.Closed(conn, 1000, "Session ended by speaker"));
        assertThat(serviceSteps(h)).as("the service's disconnect handler tells the listeners first").containsExactly("PATCH ended",
                "close " + conn);
        assertThat(h.timerDelays.get(TimerKey.END_STEP)).isEqualTo(DeployedSettings.DEFAULT_DISCONNECT_GRACE);
        h.fire(TimerKey.END_STEP);
        assertThat(serviceSteps(h)).containsExactly("PATCH ended", "close " + conn, "DELETE");
        assertThat(h.state.kind()).isNotEqualTo(SessionState.Kind.ENDED);
        h.step(ANSWERED_DELETE);

        assertThat(h.state).isInstanceOfSatisfying(SessionState.Ended.class,
                e -> assertThat(e.reason()).isEqualTo(EndReason.ENDED_BY_USER));
        assertThat(h.sent(ClientMessage.EndSession.class)).as("no route for it there").isEmpty();
        assertThat(h.events(LecternEvent.SessionEnding.class)).extracting(LecternEvent.SessionEnding::step)
                .containsExactly("flush", "mark", "close", "delete");
        assertThat(h.events(LecternEvent.SessionEnding.class)).allMatch(LecternEvent.SessionEnding::ok);
        assertThat(h.timers).isEmpty();
    }

    @Test
    void aFailingPatchStillClosesAndDeletesAndSaysSo() {
        Harness h = activeApiSpeaker();
        ConnectionId conn = h.lastOpened();
        h.step(new Input.End("done", true));
        h.step(new Input.SessionApiAnswered(Input.SessionApiCall.MARK_ENDED,
                new LecternError("HTTP_500", "Internal Server Error", 500, null, false)));
        h.step(new Input.Closed(conn, 1000, ""));
        h.fire(TimerKey.END_STEP);
        h.step(ANSWERED_DELETE);

        assertThat(serviceSteps(h)).containsExactly("PATCH ended", "close " + conn, "DELETE");
        assertThat(h.events(LecternEvent.SessionEnding.class)).filteredOn(e -> e.step().equals("mark")).singleElement()
                .satisfies(e -> {
                    assertThat(e.ok()).isFalse();
                    assertThat(e.outcome()).contains("HTTP_500");
                });
        assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
    }

    @Test
    void nothingWaitsForEverEachStepIsBoundedByItsTimeout() {
        Harness h = activeApiSpeaker();
        h.answerHeartbeats = false;
        ConnectionId conn = h.lastOpened();
        h.step(new Input.Capture(CHUNK));
        long start = h.now;
        h.step(new Input.End("done"));
        h.advance(Duration.ofMinutes(1)); // no answer to anything, no close handshake

        assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
        assertThat(serviceSteps(h)).containsExactly("PATCH ended", "close " + conn, "abort " + conn, "DELETE");
        assertThat(h.events(LecternEvent.Closed.class)).hasSize(1);
        long closedAt = start + DeployedSettings.DEFAULTS.endBound().toMillis();
        assertThat(h.now).isGreaterThanOrEqualTo(closedAt);
        assertThat(h.events(LecternEvent.SessionEnding.class)).extracting(LecternEvent.SessionEnding::ok)
                .containsExactly(true, false, false, false);
        assertThat(h.timersFired.get(TimerKey.END_STEP)).as("flush, mark, close, the grace, delete").isEqualTo(5);
    }

    @Test
    void anImmediateEndSkipsTheFlushAndASecondOneCutsAFlushShort() {
        Harness now = activeApiSpeaker();
        now.step(new Input.Capture(CHUNK));
        now.step(new Input.End("Ctrl-C", true));
        assertThat(serviceSteps(now)).containsExactly("PATCH ended");

        Harness twice = activeApiSpeaker();
        twice.step(new Input.Capture(CHUNK));
        twice.step(new Input.End("Ctrl-C"));
        assertThat(serviceSteps(twice)).isEmpty();
        twice.step(new Input.End("Ctrl-C again", true));
        assertThat(serviceSteps(twice)).containsExactly("PATCH ended");
    }

    @Test
    void aChunkCapturedAfterTheEndIsCountedAndNeverSent() {
        Harness h = activeApiSpeaker();
        h.step(new Input.Capture(CHUNK));
        h.step(new Input.End("done"));
        int sent = h.sent(ClientMessage.AudioChunkUpload.class).size();
        h.step(new Input.Capture(CHUNK));

        assertThat(h.sent(ClientMessage.AudioChunkUpload.class)).hasSize(sent);
        Counters c = h.state.context().counters();
        assertThat(c.captured()).isEqualTo(c.sent() + c.dropped());
        assertThat(h.events(LecternEvent.AudioDropped.class)).singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo(dev.lectern.domain.event.DropReason.SESSION_ENDED));
    }

    @Test
    void aConnectionLostDuringTheFlushStillMarksAndDeletes() {
        Harness h = activeApiSpeaker();
        ConnectionId conn = h.lastOpened();
        h.step(new Input.Capture(CHUNK));
        h.step(new Input.End("done"));
        h.step(new Input.Closed(conn, 1006, "network"));
        h.step(ANSWERED_MARK);
        h.fire(TimerKey.END_STEP);
        h.step(ANSWERED_DELETE);

        assertThat(serviceSteps(h)).containsExactly("PATCH ended", "DELETE");
        assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
        assertThat(h.requests).as("nothing connects again").hasSize(1);
    }

    @Test
    void endingWhileConnectingToACreatedSessionMarksAndDeletesIt() {
        Harness h = DeployedServiceMachineTest.apiSpeaker();
        h.step(new Input.Start());
        h.step(new Input.SessionApiCreated(SESSION, SessionMachineTest.EN, null));
        h.token();
        ConnectionId opening = h.lastOpened();
        h.step(new Input.End("done"));
        h.step(ANSWERED_MARK);
        h.fire(TimerKey.END_STEP);
        h.step(ANSWERED_DELETE);

        assertThat(serviceSteps(h)).containsExactly("abort " + opening, "PATCH ended", "DELETE");
        assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
    }

    @Test
    void aCreatedSessionItsSpeakerCanNeverAttachToIsDeletedNotLeftActive() {
        Harness h = DeployedServiceMachineTest.apiSpeaker();
        h.step(new Input.Start());
        h.step(new Input.SessionApiCreated(SESSION, SessionMachineTest.EN, null));
        h.token();
        h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(403, "SESSION_INACTIVE", "Session is not active", null)));

        assertThat(h.state).isInstanceOfSatisfying(SessionState.Ended.class,
                e -> assertThat(e.reason()).isEqualTo(EndReason.PERMANENT_ERROR));
        assertThat(h.allEffects).contains(new Effect.DeleteSession(SESSION));
    }
}

package dev.lectern.domain.session;

import static dev.lectern.domain.session.DeployedServiceMachineTest.ACK;
import static dev.lectern.domain.session.DeployedServiceMachineTest.ENDED;
import static dev.lectern.domain.session.SessionMachineTest.ES;
import static dev.lectern.domain.session.SessionMachineTest.SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ServerMessage;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A listener's rejoin on the service as deployed (protocol sections 11.4 and 11.5), in the pure machine:
 * told {@code sessionEnded}, it rejoins once after a spread wait, and what is queued keeps playing; a refused
 * rejoin is the end; an accepted one waits a bounded time for audio.
 */
class RejoinMachineTest {
    static final long T0 = 1_764_800_000_000L;

    static ServerMessage segment(long offset) {
        long ts = T0 + offset;
        return new ServerMessage.TranslatedAudio(SESSION, ES, "https://bucket.s3.amazonaws.com/s" + ts + ".mp3", 3.0,
                "texto " + offset, SequenceNumber.of(ts), ts);
    }

    /** A listener joined with no first frame, as on the deployed service. */
    static Harness joined() {
        Harness h = SessionMachineTest.listener();
        h.step(new Input.Start());
        h.step(new Input.Opened(h.lastOpened()));
        h.step(new Input.Received(h.lastOpened(), ACK));
        return h;
    }

    @Test
    void toldSessionEndedItRejoinsOnceAfterASpreadWaitAndAudioConfirmsTheHandover() {
        Harness h = joined();
        ConnectionId first = h.lastOpened();
        h.step(new Input.Received(first, ENDED));

        assertThat(h.state.kind()).isEqualTo(SessionState.Kind.CONNECTING);
        assertThat(h.open).as("the service forgot it: closed").isEmpty();
        LecternEvent.RejoinScheduled scheduled = h.events(LecternEvent.RejoinScheduled.class).get(0);
        assertThat(scheduled.delay()).isBetween(Duration.ZERO, DeployedSettings.DEFAULT_REJOIN_SPREAD);
        assertThat(h.events(LecternEvent.SessionEnded.class)).as("not the end yet").isEmpty();

        h.fire(TimerKey.RECONNECT);
        ConnectionId rejoin = h.lastOpened();
        assertThat(h.requests.get(rejoin)).isInstanceOf(ConnectRequest.JoinSession.class);
        h.step(new Input.Opened(rejoin));
        h.step(new Input.Received(rejoin, ACK));
        assertThat(h.events(LecternEvent.RejoinAccepted.class)).hasSize(1);
        assertThat(h.events(LecternEvent.Reconnected.class)).isEmpty();
        assertThat(h.timers).containsKey(TimerKey.REJOIN_AUDIO);

        h.step(new Input.Received(rejoin, segment(0))); // may be the last batch of a speaker that is gone
        assertThat(h.events(LecternEvent.RejoinResumed.class)).as("proves nothing yet").isEmpty();
        h.now += DeployedSettings.DEFAULT_END_FLUSH.toMillis();
        h.step(new Input.Received(rejoin, segment(3000)));
        assertThat(h.events(LecternEvent.RejoinResumed.class)).hasSize(1);
        assertThat(h.timers).doesNotContainKey(TimerKey.REJOIN_AUDIO);

        h.step(new Input.Received(rejoin, ENDED)); // the next hand-over: rejoins again
        assertThat(h.events(LecternEvent.RejoinScheduled.class)).hasSize(2);
    }

    @Test
    void whatIsQueuedKeepsPlayingWhileTheRejoinConnects() {
        Harness h = joined();
        ConnectionId first = h.lastOpened();
        h.step(new Input.Received(first, segment(0)));
        h.step(new Input.Received(first, ENDED));
        h.fire(TimerKey.RECONNECT);
        h.step(new Input.SegmentReady(SequenceNumber.of(T0), AudioChunk.silence(3000)));

        assertThat(h.played).containsExactly(T0);
    }

    @Test
    void aRefusedRejoinIsTheEndAndNothingConnectsAgain() {
        Harness h = joined();
        h.step(new Input.Received(h.lastOpened(), ENDED));
        h.fire(TimerKey.RECONNECT);
        ConnectionId rejoin = h.lastOpened();
        int opens = h.requests.size();
        h.step(new Input.Refused(rejoin, new ConnectFailure(403, "SESSION_INACTIVE", "Session is not active", null)));

        assertThat(h.state).isInstanceOfSatisfying(SessionState.Ended.class,
                e -> assertThat(e.reason()).isEqualTo(EndReason.SESSION_ENDED));
        assertThat(h.events(LecternEvent.RejoinRefused.class)).singleElement()
                .satisfies(r -> assertThat(r.error().code()).isEqualTo("SESSION_INACTIVE"));
        assertThat(h.events(LecternEvent.SessionEnded.class)).hasSize(1);
        h.advance(Duration.ofMinutes(10));
        assertThat(h.requests).hasSize(opens);
    }

    @Test
    void aRefusedRejoinWaitsForTheQueuedSegmentsBeforeTheEnd() {
        Harness h = joined();
        h.step(new Input.Received(h.lastOpened(), segment(0)));
        h.step(new Input.Received(h.lastOpened(), ENDED));
        h.fire(TimerKey.RECONNECT);
        h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(404, "SESSION_NOT_FOUND", "Session not found", null)));
        assertThat(h.state.kind()).as("the last segment still plays").isNotEqualTo(SessionState.Kind.ENDED);

        h.step(new Input.SegmentReady(SequenceNumber.of(T0), AudioChunk.silence(3000)));

        assertThat(h.played).containsExactly(T0);
        assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
    }

    @Test
    void anAcceptedRejoinWithNoAudioWithinTheWaitIsTheEndAndSaysWhy() {
        Harness h = joined();
        h.answerHeartbeats = true;
        h.step(new Input.Received(h.lastOpened(), ENDED));
        h.fire(TimerKey.RECONNECT);
        h.step(new Input.Opened(h.lastOpened()));
        long acceptedAt = h.now;
        h.advance(Duration.ofMinutes(1));

        assertThat(h.state).isInstanceOfSatisfying(SessionState.Ended.class,
                e -> assertThat(e.reason()).isEqualTo(EndReason.SESSION_ENDED));
        assertThat(h.events(LecternEvent.RejoinNoAudio.class)).singleElement()
                .satisfies(e -> assertThat(e.waited()).isEqualTo(DeployedSettings.DEFAULT_REJOIN_AUDIO_WAIT));
        assertThat(h.events(LecternEvent.SessionEnded.class)).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("did not come back"));
        assertThat(h.open).isEmpty();
        assertThat(h.events(LecternEvent.Closed.class)).hasSize(1);
        assertThat(acceptedAt + DeployedSettings.DEFAULT_REJOIN_AUDIO_WAIT.toMillis()).isLessThanOrEqualTo(h.now);
    }

    @Test
    void theLastBatchOfASpeakerThatIsGoneIsPlayedButDoesNotKeepTheListenerWaiting() {
        Harness h = joined();
        h.answerHeartbeats = true;
        h.step(new Input.Received(h.lastOpened(), ENDED)); // a speaker killed: the service saw its connection drop
        h.fire(TimerKey.RECONNECT);
        h.step(new Input.Opened(h.lastOpened()));
        h.step(new Input.Received(h.lastOpened(), segment(0))); // its last batch, pushed after the rejoin
        h.step(new Input.SegmentReady(SequenceNumber.of(T0), AudioChunk.silence(3000)));
        h.advance(Duration.ofMinutes(1));

        assertThat(h.played).containsExactly(T0);
        assertThat(h.events(LecternEvent.RejoinNoAudio.class)).hasSize(1);
        assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
    }

    @Test
    void aSecondSessionEndedBeforeAnyAudioCameBackIsFinal() {
        Harness h = joined();
        h.step(new Input.Received(h.lastOpened(), ENDED));
        h.fire(TimerKey.RECONNECT);
        ConnectionId rejoin = h.lastOpened();
        h.step(new Input.Opened(rejoin));
        h.step(new Input.Received(rejoin, ACK));
        int opens = h.requests.size();
        h.step(new Input.Received(rejoin, ENDED));

        assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
        assertThat(h.requests).hasSize(opens);
        assertThat(h.events(LecternEvent.RejoinScheduled.class)).hasSize(1);
    }

    /** A listener joined with no first frame that may read its session over the HTTP session API. */
    static Harness joinedWithSessionApi() {
        Harness h = new Harness(SessionMachine.listener(SessionSettings.ofDefaults(), SESSION, ES, true, 42));
        h.step(new Input.Start());
        h.step(new Input.Opened(h.lastOpened()));
        h.step(new Input.Received(h.lastOpened(), ACK));
        return h;
    }

    @Test
    void withTheSessionApiAnEndedOrDeletedSessionEndsTheListenerWithoutAConnect() {
        for (Input.SessionRead read : new Input.SessionRead[] {new Input.SessionRead("ended", false, null),
                new Input.SessionRead(null, true, new LecternError("HTTP_404", "Session not found", 404, null, true))}) {
            Harness h = joinedWithSessionApi();
            int opens = h.requests.size();
            h.step(new Input.Received(h.lastOpened(), ENDED));
            assertThat(h.allEffects).as("the public GET, before any connect").contains(new Effect.ReadSession(SESSION));
            h.step(read);

            assertThat(h.requests).as("no connect spent").hasSize(opens);
            assertThat(h.events(LecternEvent.RejoinRefused.class)).hasSize(1);
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
        }
    }

    @Test
    void withTheSessionApiAnActiveSessionOrNoAnswerGoesOnToTheRejoin() {
        Harness active = joinedWithSessionApi();
        active.step(new Input.Received(active.lastOpened(), ENDED));
        active.step(new Input.SessionRead("active", false, null));
        assertThat(active.events(LecternEvent.RejoinScheduled.class)).hasSize(1);
        active.fire(TimerKey.RECONNECT);
        assertThat(active.requests.get(active.lastOpened())).isInstanceOf(ConnectRequest.JoinSession.class);

        Harness silent = joinedWithSessionApi();
        silent.step(new Input.Received(silent.lastOpened(), ENDED));
        silent.fire(TimerKey.SESSION_READ);
        assertThat(silent.events(LecternEvent.RejoinScheduled.class)).as("no answer: the connect decides").hasSize(1);
    }

    @Test
    void theSeedsSessionEndedIsFinalAsBefore() {
        Harness h = SessionMachineTest.listener();
        h.step(new Input.Start());
        h.step(new Input.Received(h.lastOpened(), new ServerMessage.SessionJoined(SESSION, ES, SessionMachineTest.EN, "c", 1, null, 0L)));
        h.step(new Input.Received(h.lastOpened(), ENDED));

        assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
        assertThat(h.events(LecternEvent.RejoinScheduled.class)).isEmpty();
    }

    @Test
    void aLanguageTheDeployedServiceIgnoresIsRefusedLocallyAndAChangeIsConfirmedByItsFirstSegment() {
        Harness h = joined();
        int sent = h.sent.size();
        h.step(new Input.ChangeLanguage(dev.lectern.domain.LanguageCode.of("ru")));
        assertThat(h.sent).as("not sent").hasSize(sent);
        assertThat(h.events(LecternEvent.Error.class)).singleElement()
                .satisfies(e -> assertThat(e.error().code()).isEqualTo("UNSUPPORTED_LANGUAGE"));

        h.step(new Input.ChangeLanguage(SessionMachineTest.DE));
        assertThat(h.events(LecternEvent.LanguageChanged.class)).as("nothing answers it there").isEmpty();
        h.step(new Input.Received(h.lastOpened(), segment(0))); // an old-language segment in flight
        assertThat(h.events(LecternEvent.LanguageChanged.class)).isEmpty();
        long ts = T0 + 3000;
        h.step(new Input.Received(h.lastOpened(), new ServerMessage.TranslatedAudio(SESSION, SessionMachineTest.DE,
                "https://b/s.mp3", 3.0, "Text", SequenceNumber.of(ts), ts)));
        assertThat(h.events(LecternEvent.LanguageChanged.class)).singleElement()
                .isEqualTo(new LecternEvent.LanguageChanged(SessionMachineTest.DE));
        assertThat(h.state.context().language()).isEqualTo(SessionMachineTest.DE);

        h.step(new Input.ChangeLanguage(ES));
        h.advance(DeployedSettings.DEFAULT_LANGUAGE_CONFIRM_TIMEOUT.plusSeconds(1));
        assertThat(h.events(LecternEvent.LanguageChangeUnconfirmed.class)).singleElement()
                .satisfies(e -> assertThat(e.language()).isEqualTo(ES));
        assertThat(h.state.context().language()).isEqualTo(SessionMachineTest.DE);
    }
}

package dev.lectern.domain.session;

import static dev.lectern.domain.session.SessionMachineTest.CHUNK;
import static dev.lectern.domain.session.SessionMachineTest.EN;
import static dev.lectern.domain.session.SessionMachineTest.ES;
import static dev.lectern.domain.session.SessionMachineTest.SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The machine against the service as deployed (protocol section 11): no first frame, sessions created over
 * HTTP, {@code audioChunk}, a {@code sessionEnded} in any state, and a speaker session that cannot outlive
 * its connection.
 */
class DeployedServiceMachineTest {
    static final ServerMessage ACK = new ServerMessage.HeartbeatAck(0L, 0L);
    static final ServerMessage ENDED = new ServerMessage.SessionEnded(SESSION, "Speaker has ended the session", 0L);

    static Harness apiSpeaker() {
        return apiSpeaker(SessionSettings.ofDefaults());
    }

    static Harness apiSpeaker(SessionSettings settings) {
        return new Harness(SessionMachine.initial(new SessionPlan.Speak(CreateParams.of(EN), true), settings, 7));
    }

    /** Settings with the speaker's hand-over and the listener's rejoin turned off. */
    static SessionSettings withoutHandoverOrRejoin() {
        return SessionSettings.builder().deployed(DeployedSettings.DEFAULTS.withSpeakerHandover(false).withListenerRejoin(false)).build();
    }

    /** A session-API speaker whose session exists and whose connection the first heartbeatAck confirmed. */
    static Harness activeApiSpeaker() {
        return activeApiSpeaker(SessionSettings.ofDefaults());
    }

    static Harness activeApiSpeaker(SessionSettings settings) {
        Harness h = apiSpeaker(settings);
        h.step(new Input.Start());
        h.step(new Input.SessionApiCreated(SESSION, EN, 1_900_000_000_000L));
        h.token();
        h.step(new Input.Opened(h.lastOpened()));
        h.step(new Input.Received(h.lastOpened(), ACK));
        assertThat(h.state).isInstanceOf(SessionState.Active.class);
        h.answerHeartbeats = true;
        return h;
    }

    @Nested
    class Listener {
        @Test
        void sendsAHeartbeatRightAfterTheUpgradeAndCountsItsAnswerAsTheJoin() {
            Harness h = SessionMachineTest.listener();
            h.step(new Input.Start());
            ConnectionId conn = h.lastOpened();
            h.step(new Input.Opened(conn));
            assertThat(h.sent(ClientMessage.Heartbeat.class)).singleElement()
                    .satisfies(s -> assertThat(s.id()).isEqualTo(conn));

            h.step(new Input.Received(conn, ACK));

            assertThat(h.state).isInstanceOf(SessionState.Active.class);
            assertThat(h.events(LecternEvent.SessionJoined.class)).singleElement()
                    .isEqualTo(new LecternEvent.SessionJoined(SESSION, ES, null, null));
            assertThat(h.timers).doesNotContainKey(TimerKey.CONFIRM);
        }

        @Test
        void audioBeforeTheHeartbeatsAnswerConfirmsTheJoinAndIsPlayed() {
            Harness h = SessionMachineTest.listener();
            h.step(new Input.Start());
            h.step(new Input.Opened(h.lastOpened()));
            h.step(new Input.Received(h.lastOpened(), SessionMachineTest.audio(0)));

            assertThat(h.state).isInstanceOf(SessionState.Active.class);
            assertThat(h.played).containsExactly(0L);
        }

        @Test
        void aSessionEndedBeforeConfirmationEndsTheListenerAndNothingConnectsAgain() {
            Harness h = SessionMachineTest.listener();
            h.step(new Input.Start());
            h.step(new Input.Opened(h.lastOpened()));
            int opensBefore = h.requests.size();

            h.step(new Input.Received(h.lastOpened(), ENDED));

            assertThat(h.state).isInstanceOfSatisfying(SessionState.Ended.class,
                    e -> assertThat(e.reason()).isEqualTo(EndReason.SESSION_ENDED));
            assertThat(h.events(LecternEvent.SessionEnded.class)).hasSize(1);
            assertThat(h.open).isEmpty();
            h.advance(Duration.ofMinutes(30));
            assertThat(h.requests).hasSize(opensBefore);
        }

        @Test
        void aSessionEndedWhileWaitingToReconnectEndsWithoutAnotherAttempt() {
            Harness h = SessionMachineTest.listener();
            h.step(new Input.Start());
            ConnectionId first = h.lastOpened();
            h.fire(TimerKey.CONFIRM); // no confirmation in time: backoff
            assertThat(h.timers).containsKey(TimerKey.RECONNECT);

            h.step(new Input.Received(first, ENDED)); // late, from the abandoned attempt

            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
            assertThat(h.timers).isEmpty();
        }

        @Test
        void aRefreshIsConfirmedByTheNewConnectionsHeartbeatAnswer() {
            Harness h = SessionMachineTest.listener();
            h.step(new Input.Start());
            ConnectionId old = h.lastOpened();
            h.step(new Input.Opened(old));
            h.step(new Input.Received(old, ACK));
            h.step(new Input.Received(old, new ServerMessage.ConnectionRefreshRequired(SESSION, "listener", ES, "refresh", 0L)));
            ConnectionId fresh = h.lastOpened();
            assertThat(fresh).isNotEqualTo(old);

            h.step(new Input.Opened(fresh));
            assertThat(h.sent(ClientMessage.Heartbeat.class)).last().satisfies(s -> assertThat(s.id()).isEqualTo(fresh));
            h.step(new Input.Received(fresh, ACK));

            assertThat(h.events(LecternEvent.ConnectionRefreshed.class)).singleElement()
                    .isEqualTo(new LecternEvent.ConnectionRefreshed(old, fresh));
            assertThat(h.open).containsExactly(fresh);
        }
    }

    @Nested
    class SessionApiSpeaker {
        @Test
        void createsOverHttpThenConnectsBySessionIdAndStreamsAudioChunks() {
            Harness h = apiSpeaker();
            h.step(new Input.Start());
            assertThat(h.lastEffects).containsExactly(new Effect.CreateSession(CreateParams.of(EN)));
            h.step(new Input.Capture(CHUNK)); // captured before the session exists: queued

            h.step(new Input.SessionApiCreated(SESSION, EN, 1_900_000_000_000L));
            assertThat(h.events(LecternEvent.SessionCreated.class)).singleElement()
                    .isEqualTo(new LecternEvent.SessionCreated(SESSION, EN, 1_900_000_000_000L));
            assertThat(h.tokenPending).isTrue();
            h.token();
            assertThat(h.requests.get(h.lastOpened())).isInstanceOfSatisfying(ConnectRequest.Attach.class, a -> {
                assertThat(a.sessionId()).isEqualTo(SESSION);
                assertThat(a.queryParameters()).containsOnlyKeys("sessionId");
            });
            h.step(new Input.Opened(h.lastOpened()));
            h.step(new Input.Received(h.lastOpened(), ACK));
            h.step(new Input.Capture(CHUNK));

            assertThat(h.sent(ClientMessage.AudioChunkUpload.class)).extracting(s -> (ClientMessage.AudioChunkUpload) s.message())
                    .extracting(ClientMessage.AudioChunkUpload::chunkIndex, ClientMessage.AudioChunkUpload::sessionId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, SESSION), org.assertj.core.groups.Tuple.tuple(1L, SESSION));
        }

        @Test
        void aRefused400WithATokenOfUnknownExpiryIsTriedOnceMoreWithARenewedToken() {
            Harness h = apiSpeaker();
            h.step(new Input.Start());
            h.step(new Input.SessionApiCreated(SESSION, EN, null));
            h.token();
            h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(400, "HTTP_400", "Bad Request", null)));
            assertThat(h.tokenPending).isTrue();
            assertThat(h.lastTokenForced).as("renewal forced").isTrue();

            h.token();
            h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(400, "HTTP_400", "Bad Request", null)));

            assertThat(h.state).isInstanceOfSatisfying(SessionState.Ended.class,
                    e -> assertThat(e.reason()).isEqualTo(EndReason.PERMANENT_ERROR));
            assertThat(h.requests).hasSize(2);
        }

        @Test
        void aRefused400WithATokenFarFromExpiryIsPermanentAtOnce() {
            Harness h = apiSpeaker();
            h.step(new Input.Start());
            h.step(new Input.SessionApiCreated(SESSION, EN, null));
            h.tokenPending = false;
            h.step(new Input.TokenReady(new IdToken("fresh", h.now + Duration.ofMinutes(50).toMillis())));
            h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(400, "HTTP_400", "Bad Request", null)));

            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
            assertThat(h.requests).hasSize(1);
        }

        @Test
        void withTheHandoverOffARefreshRequestIsTurnedIntoAnEarlyWarningAndNoSecondConnection() {
            Harness h = activeApiSpeaker(withoutHandoverOrRejoin());
            int opens = h.requests.size();
            h.advance(Duration.ofMinutes(100));
            h.step(new Input.Received(h.lastOpened(), new ServerMessage.ConnectionRefreshRequired(SESSION, "speaker", null, "refresh", 0L)));
            h.step(new Input.Received(h.lastOpened(), new ServerMessage.ConnectionRefreshRequired(SESSION, "speaker", null, "refresh", 0L)));

            assertThat(h.requests).hasSize(opens);
            assertThat(h.events(LecternEvent.RefreshStarted.class)).isEmpty();
            assertThat(h.events(LecternEvent.ConnectionWarning.class)).singleElement().satisfies(w -> {
                assertThat(w.remainingMinutes()).isBetween(19.0, 20.5);
                assertThat(w.message()).contains("hand-over is turned off");
            });
        }

        @Test
        void withTheHandoverOffTheCutoffEndsTheSessionAndNamesWhy() {
            Harness h = activeApiSpeaker(withoutHandoverOrRejoin());
            h.advance(Duration.ofMinutes(125));

            assertThat(h.state).isInstanceOfSatisfying(SessionState.Ended.class,
                    e -> assertThat(e.reason()).isEqualTo(EndReason.SESSION_ENDED));
            assertThat(h.events(LecternEvent.ConnectionWarning.class)).as("told early, by its own clock").isNotEmpty();
            assertThat(h.events(LecternEvent.Error.class)).singleElement()
                    .satisfies(e -> assertThat(e.error().code()).isEqualTo("SPEAKER_CONNECTION_CLOSED"));
            assertThat(h.requests).as("no reconnect: the service ended the session").hasSize(1);
        }

        @Test
        void muteWithholdsTheAudioAndVolumeScalesItHereEachReported() {
            Harness h = activeApiSpeaker();
            byte[] loud = new byte[3200];
            for (int i = 0; i < loud.length; i += 2) {
                loud[i] = (byte) 0x40; // 16 448: 0x4040
                loud[i + 1] = (byte) 0x40;
            }
            h.step(new Input.SendControl(new ClientMessage.SetVolume(0.5)));
            h.step(new Input.Capture(dev.lectern.domain.AudioChunk.of(loud)));
            ClientMessage.AudioChunkUpload sent = (ClientMessage.AudioChunkUpload) h.sent(ClientMessage.AudioChunkUpload.class).get(0).message();
            byte[] pcm = sent.audio().pcm();
            assertThat((short) ((pcm[0] & 0xFF) | (pcm[1] << 8))).as("half of 16 448").isEqualTo((short) 8224);

            h.step(new Input.SendControl(new ClientMessage.MuteBroadcast()));
            h.step(new Input.Capture(CHUNK));
            h.step(new Input.Capture(CHUNK));
            assertThat(h.sent(ClientMessage.AudioChunkUpload.class)).as("withheld while muted").hasSize(1);
            h.step(new Input.SendControl(new ClientMessage.UnmuteBroadcast()));
            h.step(new Input.Capture(CHUNK));

            assertThat(h.sent(ClientMessage.AudioChunkUpload.class)).hasSize(2);
            assertThat(h.sent).extracting(x -> x.message().action()).doesNotContain("setVolume", "muteBroadcast", "unmuteBroadcast");
            assertThat(h.events(LecternEvent.AudioDropped.class)).singleElement().satisfies(d -> {
                assertThat(d.chunks()).isEqualTo(2);
                assertThat(d.reason()).isEqualTo(dev.lectern.domain.event.DropReason.MUTED);
            });
            assertThat(h.events(LecternEvent.BroadcastChanged.class)).extracting(LecternEvent.BroadcastChanged::kind)
                    .containsExactly(ServerMessage.BroadcastChanged.Kind.VOLUME_CHANGED, ServerMessage.BroadcastChanged.Kind.BROADCAST_MUTED,
                            ServerMessage.BroadcastChanged.Kind.BROADCAST_UNMUTED);
            Counters c = h.state.context().counters();
            assertThat(c.captured()).isEqualTo(c.sent() + c.dropped());
        }

        @Test
        void pauseIsKeptLocallyAndControlsTheServiceCannotCarryAreNotSent() {
            Harness h = activeApiSpeaker();
            h.step(new Input.Pause());
            h.step(new Input.Capture(CHUNK));
            h.step(new Input.SendControl(new ClientMessage.MuteBroadcast()));
            h.step(new Input.Resume());

            assertThat(h.sent).extracting(s -> s.message().action())
                    .doesNotContain("pauseBroadcast", "resumeBroadcast", "muteBroadcast", "audioChunk");
            assertThat(h.events(LecternEvent.ControlNotDelivered.class)).extracting(LecternEvent.ControlNotDelivered::action)
                    .containsExactly("pauseBroadcast", "muteBroadcast", "resumeBroadcast");
            assertThat(h.events(LecternEvent.SessionPaused.class)).hasSize(1);
            assertThat(h.events(LecternEvent.SessionResumed.class)).hasSize(1);
            assertThat(h.state.context().counters().dropped()).isEqualTo(1);
        }

    }

    @Nested
    class TranslatedSegments {
        static final long T0 = 1_764_800_000_000L;

        static ServerMessage segment(long offset) {
            long ts = T0 + offset;
            return new ServerMessage.TranslatedAudio(SESSION, ES, "https://bucket.s3.amazonaws.com/s" + ts + ".mp3", 3.0,
                    "texto " + offset, dev.lectern.domain.SequenceNumber.of(ts), ts);
        }

        static Harness joined() {
            return joined(SessionSettings.ofDefaults());
        }

        static Harness joined(SessionSettings settings) {
            Harness h = new Harness(SessionMachine.listener(settings, SESSION, ES, 7));
            h.step(new Input.Start());
            h.step(new Input.Opened(h.lastOpened()));
            h.step(new Input.Received(h.lastOpened(), ACK));
            return h;
        }

        static java.util.List<Effect.FetchSegment> fetches(Harness h) {
            return h.allEffects.stream().filter(e -> e instanceof Effect.FetchSegment).map(e -> (Effect.FetchSegment) e).toList();
        }

        @Test
        void segmentsAreFetchedAheadAndPlayedInOrderWithTheirText() {
            Harness h = joined();
            for (long i = 0; i < 4; i++) {
                h.step(new Input.Received(h.lastOpened(), segment(i * 3000)));
            }
            assertThat(fetches(h)).as("three ahead").hasSize(3);
            h.step(new Input.SegmentReady(dev.lectern.domain.SequenceNumber.of(T0 + 3000), dev.lectern.domain.AudioChunk.silence(3000)));
            assertThat(h.played).isEmpty();
            h.step(new Input.SegmentReady(dev.lectern.domain.SequenceNumber.of(T0), dev.lectern.domain.AudioChunk.silence(3000)));

            assertThat(h.played).containsExactly(T0, T0 + 3000);
            assertThat(fetches(h)).hasSize(4);
            assertThat(h.events(LecternEvent.TranscriptReceived.class)).extracting(LecternEvent.TranscriptReceived::text,
                    LecternEvent.TranscriptReceived::startMillis).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("texto 0", 0L), org.assertj.core.groups.Tuple.tuple("texto 3000", 3000L));
        }

        @Test
        void anUndecodableSegmentIsAGapOfItsDurationAndReported() {
            Harness h = joined();
            h.step(new Input.Received(h.lastOpened(), segment(0)));
            h.step(new Input.SegmentFailed(dev.lectern.domain.SequenceNumber.of(T0), "undecodable"));

            assertThat(h.lastEffects).contains(new Effect.Silence(Duration.ofSeconds(3)));
            assertThat(h.events(LecternEvent.SegmentFailed.class)).singleElement()
                    .satisfies(f -> assertThat(f.reason()).isEqualTo("undecodable"));
            assertThat(h.events(LecternEvent.SegmentGap.class)).singleElement()
                    .satisfies(g -> assertThat(g.length()).isEqualTo(Duration.ofSeconds(3)));
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ACTIVE);
        }

        @Test
        void withTheRejoinOffASegmentAfterSessionEndedIsStillPlayedThenTheListenerLeaves() {
            Harness h = joined(withoutHandoverOrRejoin());
            h.step(new Input.Received(h.lastOpened(), segment(0)));
            h.step(new Input.SegmentReady(dev.lectern.domain.SequenceNumber.of(T0), dev.lectern.domain.AudioChunk.silence(3000)));
            int opens = h.requests.size();
            h.step(new Input.Received(h.lastOpened(), ENDED));
            assertThat(h.state.kind()).as("waiting for the last segment").isEqualTo(SessionState.Kind.ACTIVE);
            assertThat(h.events(LecternEvent.SessionEnded.class)).hasSize(1);

            h.step(new Input.Received(h.lastOpened(), segment(3000)));
            h.step(new Input.Closed(h.lastOpened(), 1000, "Session deleted")); // no reconnect for that
            h.advance(Duration.ofSeconds(30)); // the wait ends while the segment is still being fetched
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ACTIVE);
            h.step(new Input.SegmentReady(dev.lectern.domain.SequenceNumber.of(T0 + 3000), dev.lectern.domain.AudioChunk.silence(3000)));

            assertThat(h.played).containsExactly(T0, T0 + 3000);
            assertThat(h.state).isInstanceOfSatisfying(SessionState.Ended.class,
                    e -> assertThat(e.reason()).isEqualTo(EndReason.SESSION_ENDED));
            assertThat(h.requests).hasSize(opens);
        }

        @Test
        void withTheRejoinOffAClosedConnectionAfterSessionEndedMeansLeavingWithoutWaiting() {
            Harness h = joined(withoutHandoverOrRejoin());
            h.step(new Input.Received(h.lastOpened(), segment(0)));
            h.step(new Input.SegmentReady(dev.lectern.domain.SequenceNumber.of(T0), dev.lectern.domain.AudioChunk.silence(3000)));
            h.step(new Input.Received(h.lastOpened(), ENDED));
            long endedAt = h.now;

            h.step(new Input.Closed(h.lastOpened(), 1000, "Session deleted")); // a DELETE closes every connection

            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
            assertThat(h.now).isEqualTo(endedAt);
        }

        @Test
        void aSegmentDeliveredOnTheOldAndTheNewConnectionOfARefreshIsFetchedOnce() {
            Harness h = joined();
            ConnectionId old = h.lastOpened();
            h.step(new Input.Received(old, new ServerMessage.ConnectionRefreshRequired(SESSION, "listener", ES, "r", 0L)));
            ConnectionId fresh = h.lastOpened();
            h.step(new Input.Opened(fresh));
            h.step(new Input.Received(old, segment(0)));
            h.step(new Input.Received(fresh, segment(0)));
            h.step(new Input.Received(fresh, ACK));
            h.step(new Input.Received(old, segment(3000))); // late, on the retiring one
            h.step(new Input.Received(fresh, segment(3000)));

            assertThat(fetches(h)).extracting(f -> f.segment().timestamp()).containsExactly(T0, T0 + 3000);
            assertThat(h.state.context().counters().duplicates()).isEqualTo(2);
        }
    }
}

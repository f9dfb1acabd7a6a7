package dev.lectern.domain.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.DropReason;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.message.ServerMessage.BroadcastChanged.Kind;
import dev.lectern.domain.retry.BackoffPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SessionMachineTest {
    static final SessionId SESSION = SessionId.of("golden-eagle-427");
    static final LanguageCode EN = LanguageCode.of("en");
    static final LanguageCode ES = LanguageCode.of("es");
    static final LanguageCode DE = LanguageCode.of("de");
    static final AudioChunk CHUNK = AudioChunk.silence(100);

    static Harness speaker() {
        return new Harness(SessionMachine.speaker(SessionSettings.ofDefaults(), CreateParams.of(EN), 42));
    }

    static Harness listener() {
        return new Harness(SessionMachine.listener(SessionSettings.ofDefaults(), SESSION, ES, 42));
    }

    static ServerMessage created() {
        return new ServerMessage.SessionCreated(SESSION, EN, "standard", true, 0.85, 5.0, "c1", 0L, null);
    }

    static ServerMessage joined() {
        return new ServerMessage.SessionJoined(SESSION, ES, EN, "c1", 1, null, 0L);
    }

    static ServerMessage refreshComplete(LanguageCode lang) {
        return new ServerMessage.ConnectionRefreshComplete(SESSION, lang == null ? "speaker" : "listener", lang, EN, 0L);
    }

    static ServerMessage audio(long seq) {
        return new ServerMessage.AudioData(SESSION, ES, CHUNK, SequenceNumber.of(seq), 0L);
    }

    static ServerMessage error(String code, int status, Long retryAfter) {
        return new ServerMessage.ErrorFrame(code, code.toLowerCase(), status, retryAfter, null, 0L);
    }

    /** A speaker with a confirmed session on conn-1. */
    static Harness activeSpeaker() {
        Harness h = speaker();
        h.step(new Input.Start());
        h.token();
        h.step(new Input.Opened(h.lastOpened()));
        h.step(new Input.Received(h.lastOpened(), created()));
        assertThat(h.state).isInstanceOf(SessionState.Active.class);
        return h;
    }

    static Harness activeListener() {
        Harness h = listener();
        h.step(new Input.Start());
        h.step(new Input.Received(h.lastOpened(), joined()));
        assertThat(h.state).isInstanceOf(SessionState.Active.class);
        return h;
    }

    @Nested
    class Connect {
        @Test
        void speakerSignsInThenCreatesWithTokenAndIsConfirmedByFirstFrame() {
            Harness h = speaker();
            h.step(new Input.Start());
            assertThat(h.tokenPending).isTrue();
            assertThat(h.open).isEmpty();
            h.token();
            ConnectRequest request = h.requests.get(h.lastOpened());
            assertThat(request).isInstanceOf(ConnectRequest.CreateSession.class);
            assertThat(request.token()).isPresent();
            assertThat(request.queryParameters()).containsEntry("action", "createSession")
                    .containsEntry("sourceLanguage", "en").doesNotContainKey("token");
            assertThat(request.toString()).doesNotContain("alice-");
            assertThat(h.timers).containsKey(TimerKey.CONFIRM);

            h.step(new Input.Received(h.lastOpened(), created()));
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ACTIVE);
            assertThat(h.events(LecternEvent.SessionCreated.class)).singleElement()
                    .extracting(LecternEvent.SessionCreated::sessionId).isEqualTo(SESSION);
            assertThat(h.timers).containsKeys(TimerKey.HEARTBEAT, TimerKey.REFRESH_CLOCK, TimerKey.CUTOFF)
                    .doesNotContainKey(TimerKey.CONFIRM);
        }

        @Test
        void audioCapturedBeforeConfirmationIsQueuedAndFlushedInCaptureOrder() {
            Harness h = speaker();
            h.step(new Input.Start());
            h.token();
            for (int i = 0; i < 5; i++) {
                h.step(new Input.Capture(CHUNK));
            }
            assertThat(h.sent).isEmpty();
            h.step(new Input.Received(h.lastOpened(), created()));
            assertThat(h.sent(ClientMessage.AudioChunkUpload.class)).extracting(s -> ((ClientMessage.AudioChunkUpload) s.message()).chunkIndex())
                    .containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(h.state.context().counters().sent()).isEqualTo(5);
        }

        @Test
        void missingConfirmationTimesOutAndRetriesWithinOneSecond() {
            Harness h = listener();
            h.step(new Input.Start());
            ConnectionId first = h.lastOpened();
            h.fire(TimerKey.CONFIRM);
            assertThat(h.open).doesNotContain(first);
            assertThat(h.timerDelays.get(TimerKey.RECONNECT)).isLessThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(h.events(LecternEvent.RetryScheduled.class)).singleElement()
                    .satisfies(r -> assertThat(r.cause().code()).isEqualTo("CONFIRM_TIMEOUT"));
        }

        @Test
        void unknownSessionIsPermanentAndNeverRetried() {
            Harness h = listener();
            h.step(new Input.Start());
            h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(404, "SESSION_NOT_FOUND", "no such session", null)));
            assertThat(h.state).isInstanceOfSatisfying(SessionState.Ended.class,
                    e -> assertThat(e.reason()).isEqualTo(EndReason.PERMANENT_ERROR));
            assertThat(h.timers).isEmpty();
            assertThat(h.events).last().isInstanceOf(LecternEvent.Closed.class);
            assertThat(h.events(LecternEvent.Error.class)).singleElement()
                    .satisfies(e -> assertThat(e.error().status()).isEqualTo(404));
        }

        @Test
        void unauthorizedRenewsTheTokenOnceThenGivesUp() {
            Harness h = speaker();
            h.step(new Input.Start());
            h.token();
            h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(401, "UNAUTHORIZED", "Token expired", null)));
            assertThat(h.tokenPending).isTrue();
            assertThat(h.lastTokenForced).isTrue();
            h.token();
            h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(401, "UNAUTHORIZED", "Invalid token", null)));
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
            assertThat(h.requests).hasSize(2);
        }

        @Test
        void rateLimitWaitsAtLeastRetryAfter() {
            Harness h = listener();
            h.step(new Input.Start());
            h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(429, "RATE_LIMIT_EXCEEDED", "slow down", Duration.ofSeconds(7))));
            assertThat(h.timerDelays.get(TimerKey.RECONNECT)).isGreaterThanOrEqualTo(Duration.ofSeconds(7));
        }

        @Test
        void retryAfterZeroStillWaitsOneSecond() {
            Harness h = listener();
            h.step(new Input.Start());
            h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(429, "RATE_LIMIT_EXCEEDED", "slow down", Duration.ZERO)));
            assertThat(h.timerDelays.get(TimerKey.RECONNECT)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }

        @Test
        void retryBudgetRunsOutWithReconnectFailed() {
            SessionSettings settings = SessionSettings.builder()
                    .reconnectBackoff(BackoffPolicy.DEFAULT.withMaxAttempts(3)).build();
            Harness h = new Harness(SessionMachine.listener(settings, SESSION, ES, 7));
            h.step(new Input.Start());
            for (int i = 0; i < 4; i++) {
                h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(503, "SERVICE_UNAVAILABLE", "busy", null)));
                if (h.timers.containsKey(TimerKey.RECONNECT)) {
                    h.fire(TimerKey.RECONNECT);
                }
            }
            assertThat(h.requests).hasSize(4);
            assertThat(h.events(LecternEvent.ReconnectFailed.class)).singleElement()
                    .satisfies(f -> assertThat(f.attempts()).isEqualTo(3));
            assertThat(h.state).isInstanceOfSatisfying(SessionState.Ended.class,
                    e -> assertThat(e.reason()).isEqualTo(EndReason.RETRIES_EXHAUSTED));
        }

        @Test
        void seedSchedulePresetWaitsThirtySixtyOneTwentyTwoFortyThreeHundred() {
            SessionSettings settings = SessionSettings.builder().reconnectBackoff(BackoffPolicy.SEED_SCHEDULE).build();
            Harness h = new Harness(SessionMachine.listener(settings, SESSION, ES, 7));
            h.step(new Input.Start());
            List<Long> delays = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                h.step(new Input.Refused(h.lastOpened(), ConnectFailure.network("connection refused")));
                delays.add(h.timerDelays.get(TimerKey.RECONNECT).toSeconds());
                h.fire(TimerKey.RECONNECT);
            }
            assertThat(delays).containsExactly(30L, 60L, 120L, 240L, 300L);
            h.step(new Input.Refused(h.lastOpened(), ConnectFailure.network("connection refused")));
            assertThat(h.events(LecternEvent.ReconnectFailed.class)).hasSize(1);
        }
    }

    @Nested
    class Refresh {
        @Test
        void speakerRefreshIsMakeBeforeBreakWithARenewedToken() {
            Harness h = activeSpeaker();
            ConnectionId old = h.lastOpened();
            int tokensBefore = h.tokenRequests;
            h.step(new Input.Received(old, new ServerMessage.ConnectionRefreshRequired(SESSION, "speaker", null, "refresh", 0L)));
            assertThat(h.tokenRequests).isEqualTo(tokensBefore + 1);
            h.token();
            ConnectionId candidate = h.lastOpened();
            assertThat(h.requests.get(candidate)).isInstanceOfSatisfying(ConnectRequest.RefreshConnection.class, r -> {
                assertThat(r.queryParameters()).containsEntry("role", "speaker").containsEntry("sessionId", SESSION.value());
                assertThat(r.token()).isPresent();
            });
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.REFRESHING);
            assertThat(h.open).containsExactly(old, candidate);

            h.step(new Input.Capture(CHUNK));
            assertThat(h.sent).last().extracting(Harness.Sent::id).isEqualTo(old);

            h.step(new Input.Received(old, new ServerMessage.ConnectionRefreshRequired(SESSION, "speaker", null, "again", 0L)));
            assertThat(h.requests).hasSize(2); // deduplicated

            h.step(new Input.Received(candidate, refreshComplete(null)));
            assertThat(h.lastEffects).contains(new Effect.Close(old, 1000, "Connection refresh"));
            assertThat(h.open).containsExactly(candidate);
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ACTIVE);
            assertThat(h.events(LecternEvent.ConnectionRefreshed.class)).singleElement()
                    .isEqualTo(new LecternEvent.ConnectionRefreshed(old, candidate));

            h.step(new Input.Capture(CHUNK));
            assertThat(h.sent).last().extracting(Harness.Sent::id).isEqualTo(candidate);
        }

        @Test
        void clientRefreshesByItsOwnClockWhenTheServerNeverAsks() {
            Harness h = activeListener();
            h.answerHeartbeats = true;
            h.advance(SessionSettings.DEFAULT_REFRESH_AFTER.plus(SessionSettings.DEFAULT_SELF_REFRESH_GRACE).minusSeconds(1));
            assertThat(h.requests).hasSize(1);
            h.advance(Duration.ofSeconds(1));
            assertThat(h.events(LecternEvent.RefreshStarted.class)).singleElement()
                    .satisfies(r -> assertThat(r.trigger()).isEqualTo("connection age"));
            assertThat(h.requests.get(h.lastOpened())).isInstanceOf(ConnectRequest.RefreshConnection.class);
        }

        @Test
        void refreshThatNeverConfirmsIsRetriedWhileTheOldConnectionServes() {
            Harness h = activeListener();
            ConnectionId old = h.lastOpened();
            h.step(new Input.Received(old, new ServerMessage.ConnectionRefreshRequired(SESSION, "listener", ES, "r", 0L)));
            ConnectionId first = h.lastOpened();
            h.fire(TimerKey.REFRESH_CONFIRM);
            assertThat(h.open).containsExactly(old);
            assertThat(h.timers).containsKey(TimerKey.REFRESH_RETRY);
            h.fire(TimerKey.REFRESH_RETRY);
            ConnectionId second = h.lastOpened();
            assertThat(second).isNotEqualTo(first);
            h.step(new Input.Received(second, refreshComplete(ES)));
            assertThat(h.open).containsExactly(second);
        }

        @Test
        void permanentRefreshFailureKeepsTheOldConnectionAndReportsIt() {
            Harness h = activeSpeaker();
            ConnectionId old = h.lastOpened();
            h.step(new Input.Received(old, new ServerMessage.ConnectionRefreshRequired(SESSION, "speaker", null, "r", 0L)));
            h.token();
            h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(403, "FORBIDDEN", "Speaker identity mismatch", null)));
            assertThat(h.state).isInstanceOf(SessionState.Active.class);
            assertThat(h.open).containsExactly(old);
            assertThat(h.events(LecternEvent.Error.class)).singleElement()
                    .satisfies(e -> assertThat(e.error().code()).isEqualTo("REFRESH_FAILED"));
            h.step(new Input.Received(old, new ServerMessage.ConnectionWarning("soon", 15.0, 0L)));
            assertThat(h.requests).hasSize(2); // no new attempt for a blocked refresh
        }

        @Test
        void oldConnectionDyingDuringRefreshPromotesTheCandidate() {
            Harness h = activeListener();
            ConnectionId old = h.lastOpened();
            h.step(new Input.Received(old, new ServerMessage.ConnectionRefreshRequired(SESSION, "listener", ES, "r", 0L)));
            ConnectionId candidate = h.lastOpened();
            h.step(new Input.Closed(old, 1006, "gone"));
            assertThat(h.state).isInstanceOf(SessionState.Connecting.class);
            h.step(new Input.Received(candidate, refreshComplete(ES)));
            assertThat(h.state).isInstanceOf(SessionState.Active.class);
            assertThat(h.events(LecternEvent.Reconnected.class)).hasSize(1);
            assertThat(h.requests).hasSize(2);
        }

        @Test
        void listenerDeduplicatesTheOverlapAndUsesLateAudioOfTheRetiredConnection() {
            Harness h = activeListener();
            ConnectionId old = h.lastOpened();
            h.step(new Input.Received(old, audio(0)));
            h.step(new Input.Received(old, new ServerMessage.ConnectionRefreshRequired(SESSION, "listener", ES, "r", 0L)));
            ConnectionId candidate = h.lastOpened();
            h.step(new Input.Received(candidate, refreshComplete(ES)));
            h.step(new Input.Received(candidate, audio(2)));  // ahead: 1 is still on its way on the old one
            h.step(new Input.Received(old, audio(1)));        // late frame of the retired connection
            h.step(new Input.Received(candidate, audio(1)));  // duplicate of the overlap
            h.step(new Input.Received(candidate, audio(3)));
            assertThat(h.played).containsExactly(0L, 1L, 2L, 3L);
            assertThat(h.state.context().counters().duplicates()).isEqualTo(1);
            assertThat(h.events(LecternEvent.AudioGap.class)).isEmpty();
        }
    }

    /** Streams {@code chunks} chunks, one each 100 ms, from sequence {@code first} on the current connection; the next sequence. */
    static long stream(Harness h, long first, int chunks) {
        for (int i = 0; i < chunks; i++) {
            h.advance(Duration.ofMillis(100));
            h.step(new Input.Received(h.lastOpened(), audio(first + i)));
        }
        return first + chunks;
    }

    /** Lets silence run, 100 ms at a time, until the client gives its link up (at most 10 s); how long that took. */
    static long silenceUntilTheLinkIsGivenUp(Harness h) {
        long from = h.now;
        while (h.state.kind() == SessionState.Kind.ACTIVE && h.now - from < 10_000) {
            h.advance(Duration.ofMillis(100));
        }
        return h.now - from;
    }

    /** Lets silence run, 10 ms at a time, until a heartbeat goes out (at most 10 s); how long that took. */
    static long silenceUntilTheNextHeartbeat(Harness h) {
        long from = h.now;
        int sentBefore = h.sent(ClientMessage.Heartbeat.class).size();
        while (h.sent(ClientMessage.Heartbeat.class).size() == sentBefore && h.now - from < 10_000) {
            h.advance(Duration.ofMillis(10));
        }
        return h.now - from;
    }

    @Nested
    class Liveness {
        @Test
        void heartbeatGoesOnlyOnTheCurrentConnectionAndAMissingAnswerMeansDead() {
            Harness h = activeListener();
            ConnectionId current = h.lastOpened();
            h.fire(TimerKey.HEARTBEAT);
            assertThat(h.sent(ClientMessage.Heartbeat.class)).singleElement()
                    .extracting(Harness.Sent::id).isEqualTo(current);
            h.fire(TimerKey.HEARTBEAT_ACK);
            assertThat(h.open).isEmpty();
            assertThat(h.events(LecternEvent.Disconnected.class)).singleElement()
                    .satisfies(d -> assertThat(d.reason()).contains("heartbeat"));
            assertThat(h.timerDelays.get(TimerKey.RECONNECT)).isLessThanOrEqualTo(Duration.ofSeconds(1));
        }

        @Test
        void listenerWhoseAudioStopsProbesAndFindsAHalfOpenLinkWithinFiveSeconds() {
            Harness h = activeListener();
            h.answerHeartbeats = true;
            stream(h, 0, 400); // 40 s of audio with heartbeats answered
            int heartbeatsWhileStreaming = h.sent(ClientMessage.Heartbeat.class).size();
            assertThat(heartbeatsWhileStreaming).as("one heartbeat a minute while audio flows").isLessThanOrEqualTo(2);
            h.answerHeartbeats = false; // the link goes half-open: nothing arrives any more
            long noticedAfter = silenceUntilTheLinkIsGivenUp(h);
            assertThat(h.events(LecternEvent.Disconnected.class)).singleElement()
                    .satisfies(d -> assertThat(d.reason()).contains("audio stopped"));
            assertThat(noticedAfter).as("noticed within 5 s").isLessThanOrEqualTo(5_000);
        }

        @Test
        void whileAudioFlowsTheWatchWakesOncePerStallTimeoutAndStillCatchesTheStallAtItsDeadline() {
            Harness h = activeListener();
            h.answerHeartbeats = true;
            stream(h, 0, 100); // 10 s of audio
            long stall = h.state.context().settings().audioStallTimeout().toMillis();
            assertThat(h.timersFired.getOrDefault(TimerKey.AUDIO_WATCH, 0))
                    .as("audio checks in 10 s of a steady stream, stall timeout %d ms", stall)
                    .isBetween(1, (int) (10_000 / stall) + 1);
            h.answerHeartbeats = false; // silence from here, without a pause
            assertThat(silenceUntilTheNextHeartbeat(h)).as("the probe goes out when the silence reaches the stall timeout")
                    .isBetween(stall, stall + 10);
        }

        @Test
        void aListenerWaitingForTheSpeakerArmsNoAudioWatchUntilTheFirstAudio() {
            Harness h = activeListener();
            h.answerHeartbeats = true;
            h.advance(Duration.ofSeconds(25)); // joined; nobody speaks yet (and no heartbeat is due, to keep the probe free)
            assertThat(h.timersFired.getOrDefault(TimerKey.AUDIO_WATCH, 0)).as("no audio yet: nothing to watch (was 50 wake-ups)")
                    .isZero();
            assertThat(h.timers).doesNotContainKey(TimerKey.AUDIO_WATCH);

            h.step(new Input.Received(h.lastOpened(), audio(0)));
            long stall = h.state.context().settings().audioStallTimeout().toMillis();
            assertThat(h.timers.get(TimerKey.AUDIO_WATCH)).as("armed by the first audio, for the stall deadline")
                    .isEqualTo(h.now + stall);
            assertThat(silenceUntilTheNextHeartbeat(h)).as("a stall right after the first audio is still probed at its deadline")
                    .isBetween(stall, stall + 10);
        }

        @Test
        void aSettledSilenceArmsNoWatchUntilTheAudioReturnsAndTheNextStallIsStillFound() {
            Harness h = activeListener();
            h.answerHeartbeats = true;
            long seq = stream(h, 0, 50); // 5 s of audio
            int firedBefore = h.timersFired.getOrDefault(TimerKey.AUDIO_WATCH, 0);
            int heartbeatsBefore = h.sent(ClientMessage.Heartbeat.class).size();
            h.advance(Duration.ofMinutes(10)); // the speaker is quiet without a pause; the link answers
            assertThat(h.timersFired.getOrDefault(TimerKey.AUDIO_WATCH, 0) - firedBefore)
                    .as("the probe at the stall timeout and the heartbeat cadence at the interval, then nothing (was every 500 ms)")
                    .isBetween(2, 3);
            assertThat(h.timers).doesNotContainKey(TimerKey.AUDIO_WATCH);
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ACTIVE);
            assertThat(h.sent(ClientMessage.Heartbeat.class).size() - heartbeatsBefore)
                    .as("back to a heartbeat every interval while silent").isGreaterThanOrEqualTo(18);

            stream(h, seq, 700); // the audio returns, 70 s of it
            assertThat(h.timers).containsKey(TimerKey.AUDIO_WATCH);
            h.answerHeartbeats = false; // and the link goes half-open
            long noticedAfter = silenceUntilTheLinkIsGivenUp(h);
            assertThat(h.events(LecternEvent.Disconnected.class)).singleElement()
                    .satisfies(d -> assertThat(d.reason()).contains("audio stopped"));
            assertThat(noticedAfter).as("noticed within 5 s").isLessThanOrEqualTo(5_000);
        }

        @Test
        void audioThatReturnsSoonAfterAProbeIsWatchedFromItsOwnStallDeadline() {
            Harness h = activeListener();
            h.answerHeartbeats = true;
            long seq = stream(h, 0, 50); // 5 s of audio
            h.advance(Duration.ofSeconds(3)); // a short silence: probed and answered, the interval still ahead
            seq = stream(h, seq, 50); // the audio comes back for 5 s
            long stall = h.state.context().settings().audioStallTimeout().toMillis();
            assertThat(h.timers.get(TimerKey.AUDIO_WATCH)).as("watched from the returning audio's own stall deadline")
                    .isLessThanOrEqualTo(h.now + stall);
            h.answerHeartbeats = false; // and the link goes half-open
            long from = h.now;
            while (h.state.kind() == SessionState.Kind.ACTIVE && h.now - from < 120_000) {
                h.advance(Duration.ofMillis(100));
            }
            long noticedAfter = h.now - from;
            assertThat(h.events(LecternEvent.Disconnected.class)).singleElement()
                    .satisfies(d -> assertThat(d.reason()).contains("audio stopped"));
            // the heartbeat right after the upgrade and the first probe fill this minute's two: the second
            // probe waits for the window, never a third heartbeat in it
            long window = SessionMachine.heartbeatWindow(h.state.context().settings());
            assertThat(noticedAfter).as("noticed once the window allows a probe, not at the silence timeout")
                    .isLessThanOrEqualTo(window + 5_000);
        }

        @Test
        void aLongPauseArmsNoWatchAndTheResumeArmsIt() {
            Harness h = activeListener();
            h.answerHeartbeats = true;
            stream(h, 0, 20);
            h.step(new Input.Received(h.lastOpened(), new ServerMessage.BroadcastChanged(Kind.BROADCAST_PAUSED, SESSION, null, null, null, null, 0L)));
            int firedBefore = h.timersFired.getOrDefault(TimerKey.AUDIO_WATCH, 0);
            h.advance(Duration.ofMinutes(10));
            assertThat(h.timersFired.getOrDefault(TimerKey.AUDIO_WATCH, 0) - firedBefore)
                    .as("only the heartbeat cadence at the interval (was every 500 ms)").isBetween(1, 2);
            assertThat(h.timers).doesNotContainKey(TimerKey.AUDIO_WATCH);
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.PAUSED);

            h.step(new Input.Received(h.lastOpened(), new ServerMessage.BroadcastChanged(Kind.BROADCAST_RESUMED, SESSION, null, null, null, null, 0L)));
            assertThat(h.timers.get(TimerKey.AUDIO_WATCH)).as("resumed: if no audio comes back, a probe may be due")
                    .isEqualTo(h.now + SessionMachine.AUDIO_WATCH_PERIOD.toMillis());
        }

        @Test
        void aPauseIsNotAStall() {
            Harness h = activeListener();
            h.answerHeartbeats = true;
            stream(h, 0, 20);
            h.step(new Input.Received(h.lastOpened(), new ServerMessage.BroadcastChanged(Kind.BROADCAST_PAUSED, SESSION, null, null, null, null, 0L)));
            int before = h.sent(ClientMessage.Heartbeat.class).size();
            h.advance(Duration.ofSeconds(20));
            assertThat(h.sent(ClientMessage.Heartbeat.class).size() - before).as("no probe while paused").isLessThanOrEqualTo(1);
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.PAUSED);
        }

        @Test
        void anyFrameAnswersAHeartbeat() {
            Harness h = activeListener();
            h.fire(TimerKey.HEARTBEAT);
            h.now += 5;
            h.step(new Input.Received(h.lastOpened(), audio(0)));
            h.fire(TimerKey.HEARTBEAT_ACK);
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ACTIVE);
        }

        @Test
        void connectionAtTheCutoffIsGivenUpAndReplaced() {
            Harness h = activeSpeaker();
            ConnectionId old = h.lastOpened();
            h.step(new Input.Received(old, new ServerMessage.ConnectionRefreshRequired(SESSION, "speaker", null, "r", 0L)));
            h.token();
            h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(404, "SESSION_NOT_FOUND", "gone", null)));
            h.fire(TimerKey.CUTOFF);
            assertThat(h.open).doesNotContain(old);
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.CONNECTING);
        }
    }

    @Nested
    class Reconnect {
        @Test
        void speakerResumesItsSessionAndFlushesWhatItCapturedOffline() {
            Harness h = activeSpeaker();
            h.step(new Input.Closed(h.lastOpened(), 1006, "network"));
            h.step(new Input.Capture(CHUNK));
            h.step(new Input.Capture(CHUNK));
            h.fire(TimerKey.RECONNECT);
            h.token();
            assertThat(h.requests.get(h.lastOpened())).isInstanceOf(ConnectRequest.RefreshConnection.class);
            h.step(new Input.Received(h.lastOpened(), refreshComplete(null)));
            assertThat(h.events(LecternEvent.Reconnected.class)).hasSize(1);
            assertThat(h.sent(ClientMessage.AudioChunkUpload.class)).extracting(Harness.Sent::id).containsOnly(h.lastOpened());
            Counters c = h.state.context().counters();
            assertThat(c.captured()).isEqualTo(c.sent() + c.dropped());
        }

        @Test
        void speakerWhoseSessionIsGoneCreatesANewOneAndSaysSo() {
            Harness h = activeSpeaker();
            h.step(new Input.Closed(h.lastOpened(), 1006, "network"));
            h.fire(TimerKey.RECONNECT);
            h.token();
            h.step(new Input.Refused(h.lastOpened(), new ConnectFailure(404, "SESSION_NOT_FOUND", "gone", null)));
            h.token();
            assertThat(h.requests.get(h.lastOpened())).isInstanceOf(ConnectRequest.CreateSession.class);
            SessionId fresh = SessionId.of("quiet-river-555");
            h.step(new Input.Received(h.lastOpened(), new ServerMessage.SessionCreated(fresh, EN, "standard", true, 0.85, 5.0, "c", 0L, null)));
            assertThat(h.events(LecternEvent.SessionReplaced.class)).singleElement()
                    .isEqualTo(new LecternEvent.SessionReplaced(SESSION, fresh));
        }

        @Test
        void queueOverflowDropsTheOldestAndReportsIt() {
            SessionSettings settings = SessionSettings.builder().sendQueueCapacity(Duration.ofMillis(300)).build();
            Harness h = new Harness(SessionMachine.speaker(settings, CreateParams.of(EN), 1));
            h.step(new Input.Start());
            for (int i = 0; i < 5; i++) {
                h.step(new Input.Capture(CHUNK));
            }
            assertThat(h.events(LecternEvent.AudioDropped.class)).hasSize(2)
                    .allSatisfy(d -> assertThat(d.reason()).isEqualTo(DropReason.QUEUE_FULL));
            h.token();
            h.step(new Input.Received(h.lastOpened(), created()));
            assertThat(h.sent(ClientMessage.AudioChunkUpload.class)).extracting(s -> ((ClientMessage.AudioChunkUpload) s.message()).chunkIndex())
                    .containsExactly(2L, 3L, 4L);
        }

        @Test
        void listenerRejoinReportsTheMissedRangeAsAGap() {
            Harness h = activeListener();
            h.step(new Input.Received(h.lastOpened(), audio(0)));
            h.step(new Input.Received(h.lastOpened(), audio(1)));
            h.step(new Input.Closed(h.lastOpened(), 1006, "network"));
            h.fire(TimerKey.RECONNECT);
            assertThat(h.requests.get(h.lastOpened())).isInstanceOf(ConnectRequest.JoinSession.class);
            h.step(new Input.Received(h.lastOpened(), joined()));
            h.step(new Input.Received(h.lastOpened(), audio(40)));
            h.step(new Input.Received(h.lastOpened(), audio(41)));
            h.fire(TimerKey.REORDER);
            assertThat(h.events(LecternEvent.AudioGap.class)).singleElement()
                    .isEqualTo(new LecternEvent.AudioGap(SequenceNumber.of(2), SequenceNumber.of(39)));
            assertThat(h.played).containsExactly(0L, 1L, 40L, 41L);
        }
    }

    @Nested
    class Controls {
        @Test
        void pauseStopsStreamingReportsWhatWasDroppedAndARefreshMayRunMeanwhile() {
            Harness h = activeSpeaker();
            h.step(new Input.Pause());
            assertThat(h.sent).last().extracting(Harness.Sent::message).isInstanceOf(ClientMessage.PauseBroadcast.class);
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.PAUSED);
            h.step(new Input.Received(h.lastOpened(), new ServerMessage.BroadcastChanged(Kind.BROADCAST_PAUSED, SESSION, null, 0, null, null, 0L)));
            assertThat(h.events(LecternEvent.SessionPaused.class)).hasSize(1);
            h.step(new Input.Capture(CHUNK));
            h.step(new Input.Capture(CHUNK));
            ConnectionId old = h.lastOpened();
            h.step(new Input.Received(old, new ServerMessage.ConnectionRefreshRequired(SESSION, "speaker", null, "r", 0L)));
            h.token();
            h.step(new Input.Received(h.lastOpened(), refreshComplete(null)));
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.PAUSED);
            h.step(new Input.Resume());
            assertThat(h.events(LecternEvent.AudioDropped.class)).singleElement()
                    .isEqualTo(new LecternEvent.AudioDropped(2, DropReason.PAUSED, 2));
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ACTIVE);
        }

        @Test
        void languageChangeWaitsForTheServerAndARefusalKeepsTheOldLanguage() {
            Harness h = activeListener();
            h.step(new Input.ChangeLanguage(DE));
            assertThat(h.state.context().language()).isEqualTo(ES);
            h.step(new Input.Received(h.lastOpened(), error("UNSUPPORTED_LANGUAGE", 400, null)));
            assertThat(h.state.context().language()).isEqualTo(ES);
            assertThat(h.state.context().pendingLanguage()).isNull();
            h.step(new Input.ChangeLanguage(DE));
            h.step(new Input.Received(h.lastOpened(), new ServerMessage.LanguageChanged(SESSION, DE, EN, 0L)));
            assertThat(h.state.context().language()).isEqualTo(DE);
            assertThat(h.events(LecternEvent.LanguageChanged.class)).hasSize(1);
        }

        @Test
        void listenerFollowsPauseResumeAndEnd() {
            Harness h = activeListener();
            h.step(new Input.Received(h.lastOpened(), new ServerMessage.BroadcastChanged(Kind.BROADCAST_PAUSED, SESSION, null, null, null, null, 0L)));
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.PAUSED);
            h.step(new Input.Received(h.lastOpened(), new ServerMessage.BroadcastChanged(Kind.BROADCAST_RESUMED, SESSION, null, null, null, null, 0L)));
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ACTIVE);
            h.step(new Input.Received(h.lastOpened(), new ServerMessage.SessionEnded(SESSION, "Speaker has ended the session", 0L)));
            assertThat(h.state).isInstanceOfSatisfying(SessionState.Ended.class,
                    e -> assertThat(e.reason()).isEqualTo(EndReason.SESSION_ENDED));
            assertThat(h.events).last().isEqualTo(new LecternEvent.Closed(EndReason.SESSION_ENDED));
            assertThat(h.open).isEmpty();
        }

        @Test
        void speakerEndSendsEndSessionAndClosesNormally() {
            Harness h = activeSpeaker();
            ConnectionId current = h.lastOpened();
            h.step(new Input.End("done"));
            assertThat(h.lastEffects).containsSubsequence(
                    new Effect.Transmit(current, new ClientMessage.EndSession("done")),
                    new Effect.Close(current, 1000, "Session ended by speaker"));
            assertThat(h.timers).isEmpty();
        }

        @Test
        void endedIgnoresEverythingAndTellsNothingMore() {
            Harness h = activeSpeaker();
            h.step(new Input.End(null));
            int events = h.events.size();
            for (Input input : List.of(new Input.Start(), new Input.Capture(CHUNK), new Input.Pause(),
                    new Input.TimerFired(TimerKey.HEARTBEAT), new Input.Received(h.lastOpened(), created()),
                    new Input.Closed(h.lastOpened(), 1006, "x"), new Input.End(null))) {
                h.step(input);
                assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
            }
            assertThat(h.events).hasSize(events);
        }

        @Test
        void malformedFrameIsCountedAndSkipped() {
            Harness h = activeListener();
            h.step(new Input.Malformed(h.lastOpened(), "not JSON"));
            h.step(new Input.Malformed(h.lastOpened(), "no type"));
            assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ACTIVE);
            assertThat(h.events(LecternEvent.FrameRejected.class)).extracting(LecternEvent.FrameRejected::totalRejected)
                    .containsExactly(1L, 2L);
        }
    }

    @Test
    void transitionTableRejectsAnUnlistedEdgeNamingBothStates() {
        assertThatThrownBy(() -> Transition.between(SessionState.Kind.ENDED, SessionState.Kind.ACTIVE))
                .isInstanceOf(IllegalStateTransitionException.class)
                .hasMessageContaining("ENDED").hasMessageContaining("ACTIVE");
        assertThat(Transition.targets(SessionState.Kind.ENDED)).containsExactly(SessionState.Kind.ENDED);
    }
}

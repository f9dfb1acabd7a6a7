package dev.lectern.domain.session;

import static dev.lectern.domain.session.DeployedServiceMachineTest.ACK;
import static dev.lectern.domain.session.DeployedServiceMachineTest.activeApiSpeaker;
import static dev.lectern.domain.session.SessionMachineTest.CHUNK;
import static dev.lectern.domain.session.SessionMachineTest.SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A speaker's hand-over on the service as deployed (protocol section 11.4), in the pure machine: a second
 * connection by session id with a fresh token, confirmed by its heartbeat's answer, takes the audio; the old
 * one closes only then; no chunk is lost or sent twice, over simulated days.
 */
class HandoverMachineTest {
    static final ServerMessage REFRESH = new ServerMessage.ConnectionRefreshRequired(SESSION, "speaker", null, "refresh", 0L);

    @Test
    void aRefreshRequestOpensASecondConnectionBySessionIdWithAFreshTokenAndMovesTheAudioThere() {
        Harness h = activeApiSpeaker();
        ConnectionId old = h.lastOpened();
        int tokens = h.tokenRequests;
        h.advance(Duration.ofMinutes(100));
        h.step(new Input.Received(old, REFRESH));
        assertThat(h.tokenRequests).as("a fresh token for the new connection").isEqualTo(tokens + 1);
        h.token();
        ConnectionId fresh = h.lastOpened();
        assertThat(h.requests.get(fresh)).isInstanceOfSatisfying(ConnectRequest.Attach.class,
                a -> assertThat(a.sessionId()).isEqualTo(SESSION));

        h.step(new Input.Capture(CHUNK)); // still on the old one until the new one is confirmed
        h.answerHeartbeats = false;
        h.step(new Input.Opened(fresh));
        assertThat(h.open).containsExactlyInAnyOrder(old, fresh);
        h.step(new Input.Received(fresh, ACK));
        h.step(new Input.Capture(CHUNK));

        List<Harness.Sent> audio = h.sent(ClientMessage.AudioChunkUpload.class);
        assertThat(audio.get(audio.size() - 2).id()).isEqualTo(old);
        assertThat(audio.get(audio.size() - 1).id()).isEqualTo(fresh);
        assertThat(h.open).containsExactly(fresh);
        assertThat(h.events(LecternEvent.SpeakerHandedOver.class)).singleElement().satisfies(e -> {
            assertThat(e.from()).isEqualTo(old);
            assertThat(e.to()).isEqualTo(fresh);
            assertThat(e.message()).contains("sessionEnded").contains("rejoin");
        });
        assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ACTIVE);
    }

    @Test
    void aSpeakerHandsOverByItsOwnClockAcrossSimulatedDaysWithNoChunkLostOrSentTwice() {
        Harness h = activeApiSpeaker(); // answers every heartbeat, never asks for a refresh
        int handovers = 0;
        for (long minute = 0; minute < 3 * 24 * 60; minute++) {
            for (int i = 0; i < 10; i++) {
                h.step(new Input.Capture(CHUNK));
                h.advance(Duration.ofSeconds(6));
            }
            if (h.tokenPending) {
                h.token();
            }
            for (ConnectionId id : new ArrayList<>(h.open)) {
                if (h.state instanceof SessionState.Refreshing r && id.equals(r.candidate().id())) {
                    h.step(new Input.Opened(id));
                    handovers++;
                }
            }
        }
        List<Long> ids = new ArrayList<>();
        for (Harness.Sent s : h.sent(ClientMessage.AudioChunkUpload.class)) {
            ids.add(((ClientMessage.AudioChunkUpload) s.message()).chunkIndex());
        }
        Counters c = h.state.context().counters();
        assertThat(handovers).as("one every 101 minutes for three days").isBetween(40, 43);
        assertThat(h.events(LecternEvent.SpeakerHandedOver.class)).hasSize(handovers);
        assertThat(new HashSet<>(ids)).as("none sent twice").hasSize(ids.size());
        assertThat(c.captured()).isEqualTo(3 * 24 * 60 * 10);
        assertThat(c.sent()).as("none lost").isEqualTo(c.captured());
        assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ACTIVE);
    }

    @Test
    void aHandoverTheServiceRefusesKeepsTheOldConnectionUntilItsCut() {
        Harness h = activeApiSpeaker();
        ConnectionId old = h.lastOpened();
        h.advance(Duration.ofMinutes(100));
        h.step(new Input.Received(old, REFRESH));
        h.token();
        ConnectionId fresh = h.lastOpened();
        h.step(new Input.Refused(fresh, new ConnectFailure(403, "SESSION_INACTIVE", "Session is not active", null)));

        assertThat(h.open).containsExactly(old);
        assertThat(h.events(LecternEvent.Error.class)).singleElement()
                .satisfies(e -> assertThat(e.error().code()).isEqualTo("REFRESH_FAILED"));
        h.step(new Input.Capture(CHUNK));
        assertThat(h.sent(ClientMessage.AudioChunkUpload.class)).last().satisfies(s -> assertThat(s.id()).isEqualTo(old));
    }

    @Test
    void withTheHandoverOffNoSecondConnectionIsOpened() {
        Harness h = activeApiSpeaker(DeployedServiceMachineTest.withoutHandoverOrRejoin());
        int opens = h.requests.size();
        h.advance(Duration.ofMinutes(100));
        h.step(new Input.Received(h.lastOpened(), REFRESH));
        assertThat(h.tokenRequests).isEqualTo(1);
        assertThat(h.requests).hasSize(opens);
    }
}

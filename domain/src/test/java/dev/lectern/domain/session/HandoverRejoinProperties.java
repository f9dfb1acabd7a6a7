package dev.lectern.domain.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.SessionMachineProperties.World;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Arbitrary;

/**
 * The deployed service's hand-overs and rejoins under random schedules (protocol section 11.4): the
 * guarantees of {@link SessionMachineProperties} after every step (every captured chunk sent once or reported
 * dropped, never sent twice; nothing connects after a refused rejoin), with refresh requests and
 * {@code sessionEnded} frequent enough that most chains hand over or rejoin, which the statistics show.
 */
class HandoverRejoinProperties {

    @Property(tries = 300, shrinking = ShrinkingMode.FULL, afterFailure = AfterFailureMode.RANDOM_SEED)
    void aSpeakerLosesNoChunkAndSendsNoneTwiceAcrossHandovers(@ForAll("handoverChains") ActionChain<World> chain) {
        chain.withInvariant("guarantees", World::check).run();
        World w = chain.finalState().orElseThrow();
        long handovers = w.h.events(LecternEvent.SpeakerHandedOver.class).size();
        Statistics.collect(handovers == 0 ? "no hand-over" : handovers == 1 ? "1 hand-over" : "2+ hand-overs");
        Statistics.coverage(c -> c.check("no hand-over").percentage(p -> p < 50));
        Counters c = w.h.state.context().counters();
        assertThat(c.captured()).isEqualTo(c.sent() + c.dropped() + w.h.state.context().queue().size());
    }

    @Property(tries = 300, shrinking = ShrinkingMode.FULL, afterFailure = AfterFailureMode.RANDOM_SEED)
    void aListenerNeverRejoinsAfterARefusedRejoin(@ForAll("rejoinChains") ActionChain<World> chain) {
        chain.withInvariant("guarantees", World::check).run();
        World w = chain.finalState().orElseThrow();
        Statistics.collect(w.rejoinRefused ? "rejoin refused" : w.rejoins > 0 ? "rejoined" : "no rejoin");
        Statistics.coverage(c -> {
            c.check("rejoin refused").percentage(p -> p > 2);
            c.check("rejoined").percentage(p -> p > 4);
        });
        if (w.rejoinRefused) {
            assertThat(w.h.events(LecternEvent.RejoinRefused.class)).isNotEmpty();
        }
    }

    /**
     * A deployed speaker's life with hand-overs in it: connects, refresh requests, tokens, candidates confirmed
     * or refused, audio, failed writes, time, and at any point the end. Lost connections and timers are the
     * general properties' business; here they would end most sessions before their first hand-over.
     */
    @Provide
    Arbitrary<ActionChain<World>> handoverChains() {
        return Arbitraries.longs().flatMap(seed -> ActionChain.startWith(() -> World.sessionApiSpeaker(seed))
                .withAction(3, Action.<World>when(World::idle).describeAs("start").justMutate(w -> w.step(new Input.Start())))
                .withAction(4, SessionMachineProperties.sessionApiAnswer())
                .withAction(6, Action.<World>when(w -> w.h.tokenPending).describeAs("token ready").justMutate(w -> w.h.token()))
                .withAction(4, SessionMachineProperties.opened())
                .withAction(8, SessionMachineProperties.confirm())
                .withAction(1, Action.<World>when(w -> w.candidate() != null && w.candidate().id() != null).describeAs("candidate refused")
                        .justMutate(w -> w.refuse(w.candidate().id(), new ConnectFailure(500, "DB_WRITE_FAILED", "boom", null))))
                .withAction(10, SessionMachineProperties.capture())
                .withAction(1, SessionMachineProperties.sendFailed())
                .withAction(2, SessionMachineProperties.advance())
                .withAction(4, Action.<World>when(World::connected).describeAs("refresh requested")
                        .justMutate(w -> w.step(new Input.Received(w.current(), new ServerMessage.ConnectionRefreshRequired(
                                SessionMachineTest.SESSION, "speaker", null, "refresh", 0L)))))
                .withAction(1, Action.<World>when(w -> !w.ended() && w.h.sent.size() > 40).describeAs("end").justMutate(w -> w.step(new Input.End("bye"))))
                .withMaxTransformations(150));
    }

    @Provide
    Arbitrary<ActionChain<World>> rejoinChains() {
        return Arbitraries.longs().flatMap(seed -> SessionMachineProperties.common(ActionChain.startWith(() -> World.listener(seed)))
                .withAction(12, SessionMachineProperties.audio())
                .withAction(3, SessionMachineProperties.sessionEnded())
                .withAction(3, Action.<World>when(w -> w.h.state instanceof SessionState.Connecting c && c.step() == Step.OPENING
                                && w.h.state.context().deployed().rejoin() == Deployed.Rejoin.REJOINING)
                        .describeAs("rejoin refused").justMutate(w -> w.refuse(w.h.lastOpened(),
                                new ConnectFailure(403, "SESSION_INACTIVE", "Session is not active", null))))
                .withMaxTransformations(150));
    }
}

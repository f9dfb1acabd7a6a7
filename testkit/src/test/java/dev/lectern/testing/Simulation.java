package dev.lectern.testing;

import dev.lectern.client.LecternListener;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.ConnectFailure;
import dev.lectern.domain.session.Counters;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.SessionSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;

/**
 * One deterministic run: the real clients and engine on the in-memory gateway and a virtual clock, a
 * speaker and three listeners, audio at 10 chunks a second, the gateway asking for a refresh every
 * 100 minutes, and faults drawn from the seed. Same seed, same run.
 */
final class Simulation {
    static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final Duration CHUNK_INTERVAL = Duration.ofMillis(100);
    static final AudioChunk CHUNK = AudioChunk.silence(100);
    static final List<ConnectFailure> REFUSALS = List.of(
            ConnectFailure.network("connection refused"),
            new ConnectFailure(500, "INTERNAL_ERROR", "Internal server error", null),
            new ConnectFailure(503, "SERVICE_UNAVAILABLE", "Service unavailable", null),
            new ConnectFailure(429, "RATE_LIMIT_EXCEEDED", "Rate limit exceeded. Retry after 2 seconds.", Duration.ofSeconds(2)));

    /** What one run measured. {@code violations} lists every broken guarantee; empty is a pass. */
    record Result(long seed, long captured, long sent, long dropped, long receivedByGateway, long played, long gapChunks,
                  long duplicatesDiscarded, long refreshes, long reconnects, long faults, long rejectedFrames,
                  List<String> violations) {}

    /** Checks one listener's event stream as it comes: in order, once, every sequence number played or in a gap. */
    static final class StreamCheck implements LecternListener {
        final String name;
        final List<String> violations;
        long lastCovered = -1;
        boolean segmentStarted;
        long played;
        long gapChunks;
        long refreshes;
        long reconnects;
        EndReason ended;

        StreamCheck(String name, List<String> violations) {
            this.name = name;
            this.violations = violations;
        }

        @Override
        public void onEvent(LecternEvent event) {
            if (ended != null) {
                violations.add(name + ": event after the final one: " + event);
            }
            if (event instanceof LecternEvent.LanguageChanged) {
                segmentStarted = false;
            } else if (event instanceof LecternEvent.AudioReceived r) {
                long seq = r.sequence().value();
                if (segmentStarted && seq != lastCovered + 1) {
                    violations.add(name + ": played " + seq + " after " + lastCovered + (seq <= lastCovered ? " (twice or out of order)" : " (unreported gap)"));
                }
                segmentStarted = true;
                lastCovered = seq;
                played++;
            } else if (event instanceof LecternEvent.AudioGap g) {
                if (!segmentStarted || g.from().value() != lastCovered + 1) {
                    violations.add(name + ": gap " + g + " does not follow " + lastCovered);
                }
                lastCovered = g.to().value();
                gapChunks += g.chunks();
            } else if (event instanceof LecternEvent.ConnectionRefreshed) {
                refreshes++;
            } else if (event instanceof LecternEvent.Reconnected) {
                reconnects++;
            } else if (event instanceof LecternEvent.Closed c) {
                ended = c.reason();
            }
        }
    }

    static Result run(long seed, Duration length) {
        List<String> violations = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        ManualScheduler clock = new ManualScheduler(START);
        InMemoryGateway gateway = new InMemoryGateway(clock, InMemoryGateway.Settings.ofDefaults()
                .withLatency(Duration.ofMillis(15 + random.nextInt(60))).withSpeakerGrace(Duration.ofMinutes(10)));
        gateway.frameFaults(seed, 0.0005, 0.0005, 0.0002);
        SessionSettings settings = SessionSettings.ofDefaults();

        StreamCheck speakerEvents = new StreamCheck("speaker", violations);
        long[] reportedDrops = {0};
        LecternListener speakerListener = new LecternListener() {
            @Override
            public void onEvent(LecternEvent event) {
                speakerEvents.onEvent(event);
                if (event instanceof LecternEvent.AudioDropped d) {
                    reportedDrops[0] += d.chunks();
                }
                if (event instanceof LecternEvent.SessionReplaced r) {
                    violations.add("speaker lost its session: " + r);
                }
            }
        };
        List<ConnectionCensus> censuses = new ArrayList<>();
        ConnectionCensus speakerCensus = new ConnectionCensus("speaker", gateway.transport(), violations);
        censuses.add(speakerCensus);
        SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(settings).build())
                .transport(speakerCensus).tokenProvider(FixedTokenProvider.of("alice")).scheduler(clock)
                .eventExecutor(Runnable::run).listener(speakerListener).seed(seed).build();
        speakerCensus.watch(speaker::state);
        CompletionStage<SessionId> created = speaker.start();
        clock.advance(Duration.ofSeconds(1));
        SessionId sessionId = created.toCompletableFuture().getNow(null);
        if (sessionId == null) {
            return fail(seed, "speaker did not create a session");
        }

        String[] languages = {"es", "es", "de"};
        List<ListenerClient> listeners = new ArrayList<>();
        List<StreamCheck> checks = new ArrayList<>();
        for (int i = 0; i < languages.length; i++) {
            StreamCheck check = new StreamCheck("listener-" + i + "(" + languages[i] + ")", violations);
            ConnectionCensus census = new ConnectionCensus(check.name, gateway.transport(), violations);
            censuses.add(census);
            ListenerClient client = ListenerClient.builder(ListenerConfig.builder().sessionId(sessionId.value())
                            .targetLanguage(languages[i]).settings(settings).build())
                    .transport(census).scheduler(clock).eventExecutor(Runnable::run)
                    .listener(check).seed(seed * 31 + i).build();
            census.watch(client::state);
            client.start();
            listeners.add(client);
            checks.add(check);
        }
        clock.advance(Duration.ofSeconds(1));

        long end = clock.now() + length.toMillis();
        // The speaker talks: a chunk every 100 ms until the end.
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            for (ConnectionCensus census : censuses) {
                census.check("at " + (clock.now() - START) + " ms");
            }
            if (clock.now() < end) {
                speaker.send(CHUNK);
                clock.schedule(CHUNK_INTERVAL, tick[0]);
            }
        };
        clock.execute(tick[0]);
        // Faults: on average one every 20 minutes, of a kind drawn from the seed.
        long[] faults = {0};
        Runnable[] fault = new Runnable[1];
        dev.lectern.port.Scheduler.Cancellable[] nextFault = new dev.lectern.port.Scheduler.Cancellable[1];
        boolean[] paused = {false};
        fault[0] = () -> {
            if (clock.now() >= end - Duration.ofMinutes(5).toMillis()) {
                return;
            }
            faults[0]++;
            inject(random, clock, gateway, speaker, listeners, paused);
            nextFault[0] = clock.schedule(Duration.ofMillis((long) (-Math.log(1 - random.nextDouble())
                    * Duration.ofMinutes(20).toMillis())), fault[0]);
        };
        nextFault[0] = clock.schedule(Duration.ofMinutes(1 + random.nextInt(10)), fault[0]);

        while (clock.now() < end) {
            clock.advance(Duration.ofHours(1).compareTo(Duration.ofMillis(end - clock.now())) < 0
                    ? Duration.ofHours(1) : Duration.ofMillis(end - clock.now()));
        }
        nextFault[0].cancel(); // the simulation's own fault loop; everything else must end by itself
        if (paused[0]) {
            speaker.resume();
        }
        clock.advance(Duration.ofSeconds(60)); // let everything in flight land
        speaker.end("simulation over");
        clock.advance(Duration.ofSeconds(30));

        // ---- accounting
        Counters s = speaker.counters();
        if (s.captured() != s.sent() + s.dropped()) {
            violations.add("speaker: captured " + s.captured() + " != sent " + s.sent() + " + dropped " + s.dropped());
        }
        if (reportedDrops[0] != s.dropped()) {
            violations.add("speaker: dropped " + s.dropped() + " but reported " + reportedDrops[0]);
        }
        List<Long> transmitted = gateway.transmittedChunks();
        Set<Long> unique = new HashSet<>(transmitted);
        if (unique.size() != transmitted.size()) {
            violations.add("speaker: " + (transmitted.size() - unique.size()) + " chunks written twice");
        }
        List<Long> received = gateway.session(sessionId).received();
        if (new HashSet<>(received).size() != received.size()) {
            violations.add("gateway received a chunk twice");
        }
        if (speaker.terminated().toCompletableFuture().getNow(null) != EndReason.ENDED_BY_USER) {
            violations.add("speaker did not end cleanly: " + speaker.state());
        }
        long played = 0;
        long gaps = 0;
        long refreshes = speakerEvents.refreshes;
        long reconnects = speakerEvents.reconnects;
        long rejected = 0;
        long duplicates = 0;
        for (int i = 0; i < listeners.size(); i++) {
            StreamCheck check = checks.get(i);
            long relayed = gateway.session(sessionId).relayed(listeners.get(i).language());
            if (check.lastCovered + 1 != relayed) {
                violations.add(check.name + " accounted up to " + check.lastCovered + " but " + relayed + " were relayed");
            }
            if (check.ended != EndReason.SESSION_ENDED) {
                violations.add(check.name + " ended with " + check.ended + " instead of the session's end");
            }
            played += check.played;
            gaps += check.gapChunks;
            refreshes += check.refreshes;
            reconnects += check.reconnects;
            rejected += listeners.get(i).counters().rejectedFrames();
            duplicates += listeners.get(i).counters().duplicates();
        }
        if (!gateway.connections().isEmpty()) {
            violations.add("connections left open at the gateway: " + gateway.connections());
        }
        for (ConnectionCensus census : censuses) {
            if (census.most() > 2) {
                violations.add("a client held " + census.most() + " connections at once");
            }
        }
        if (clock.pending() != 0) {
            violations.add(clock.pending() + " timers or tasks outlived the clients");
        }
        return new Result(seed, s.captured(), s.sent(), s.dropped(), received.size(), played, gaps, duplicates,
                refreshes, reconnects, faults[0], rejected, violations);
    }

    private static void inject(SplittableRandom random, ManualScheduler clock, InMemoryGateway gateway,
                               SpeakerClient speaker, List<ListenerClient> listeners, boolean[] paused) {
        List<InMemoryGateway.Conn> live = gateway.connections();
        int kind = random.nextInt(7);
        if (live.isEmpty()) {
            return;
        }
        InMemoryGateway.Conn victim = live.get(random.nextInt(live.size()));
        switch (kind) {
            case 0 -> gateway.drop(victim);
            case 1 -> gateway.silence(victim);
            case 2 -> gateway.stall(victim, Duration.ofMillis(200 + random.nextInt(3_000)));
            case 3 -> {
                gateway.refuseNext(1 + random.nextInt(3), REFUSALS.get(random.nextInt(REFUSALS.size())));
                gateway.drop(victim);
            }
            case 4 -> {
                if (!paused[0]) {
                    paused[0] = true;
                    speaker.pause();
                    clock.schedule(Duration.ofSeconds(10 + random.nextInt(110)), () -> {
                        paused[0] = false;
                        speaker.resume();
                    });
                }
            }
            case 5 -> listeners.get(2).changeLanguage(random.nextBoolean() ? "de" : "fr");
            default -> {
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    gateway.sendMalformed(victim, "injected garbage");
                }
            }
        }
    }

    private static Result fail(long seed, String why) {
        return new Result(seed, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(why));
    }
}

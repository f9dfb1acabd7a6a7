package dev.lectern.domain.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.message.ServerMessage.BroadcastChanged.Kind;
import dev.lectern.domain.retry.BackoffPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Stateful properties of the machine for both roles: random chains of host commands, server frames,
 * refusals, drops, timers and token outcomes, with the guarantees of architecture.md checked as
 * invariants after every step.
 */
class SessionMachineProperties {
    static final SessionId SESSION = SessionId.of("golden-eagle-427");
    static final LanguageCode EN = LanguageCode.of("en");
    static final List<LanguageCode> LANGUAGES = List.of(LanguageCode.of("es"), LanguageCode.of("de"), LanguageCode.of("fr"));
    static final AudioChunk CHUNK = AudioChunk.silence(100);

    /** Failures a connect may meet: transient, unauthorized and permanent ones. */
    static final List<ConnectFailure> FAILURES = List.of(
            ConnectFailure.network("connection refused"),
            new ConnectFailure(500, "INTERNAL_ERROR", "boom", null),
            new ConnectFailure(503, "SESSION_FULL", "full", null),
            new ConnectFailure(429, "RATE_LIMIT_EXCEEDED", "slow down", Duration.ofSeconds(3)),
            new ConnectFailure(429, "RATE_LIMIT_EXCEEDED", "slow down", Duration.ZERO),
            new ConnectFailure(401, "UNAUTHORIZED", "Token expired", null),
            new ConnectFailure(400, "INVALID_PARAMETERS", "bad", null),
            new ConnectFailure(403, "FORBIDDEN", "Speaker identity mismatch", null),
            new ConnectFailure(404, "SESSION_NOT_FOUND", "gone", null));

    @Property(tries = 400, shrinking = ShrinkingMode.FULL, afterFailure = AfterFailureMode.RANDOM_SEED)
    void speakerKeepsEveryGuarantee(@ForAll("speakerChains") ActionChain<World> chain) {
        chain.withInvariant("guarantees", World::check).run();
    }

    @Property(tries = 400, shrinking = ShrinkingMode.FULL, afterFailure = AfterFailureMode.RANDOM_SEED)
    void listenerKeepsEveryGuarantee(@ForAll("listenerChains") ActionChain<World> chain) {
        chain.withInvariant("guarantees", World::check).run();
    }

    @Property(tries = 300, shrinking = ShrinkingMode.FULL, afterFailure = AfterFailureMode.RANDOM_SEED)
    void sessionApiSpeakerKeepsEveryGuarantee(@ForAll("sessionApiSpeakerChains") ActionChain<World> chain) {
        chain.withInvariant("guarantees", World::check).run();
    }

    @Property(tries = 500)
    void backoffDelaysStayWithinTheirBounds(@ForAll("policies") BackoffPolicy policy,
                                            @ForAll("attempts") int attempt,
                                            @ForAll("draws") double random) {
        Duration ceiling = policy.ceiling(attempt);
        Duration delay = policy.delay(attempt, random, null);
        assertThat(delay).isGreaterThanOrEqualTo(Duration.ZERO).isLessThanOrEqualTo(ceiling);
        assertThat(ceiling).isLessThanOrEqualTo(policy.maxDelay());
        if (policy.jitter() == BackoffPolicy.Jitter.EQUAL) {
            assertThat(delay.toMillis()).isGreaterThanOrEqualTo(ceiling.toMillis() / 2);
        }
        Duration withHint = policy.delay(attempt, random, Duration.ofSeconds(2));
        assertThat(withHint).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Provide
    Arbitrary<BackoffPolicy> policies() {
        return Arbitraries.longs().between(1, 5_000).flatMap(initial ->
                Arbitraries.longs().between(initial, 600_000).flatMap(max ->
                        Arbitraries.doubles().between(1.0, 4.0).flatMap(mult ->
                                Arbitraries.of(BackoffPolicy.Jitter.class).map(j ->
                                        new BackoffPolicy(Duration.ofMillis(initial), mult, Duration.ofMillis(max), j, 0)))));
    }

    @Provide
    Arbitrary<Integer> attempts() {
        return Arbitraries.integers().between(1, 200);
    }

    @Provide
    Arbitrary<Double> draws() {
        return Arbitraries.doubles().between(0.0, true, 1.0, false).ofScale(6);
    }

    @Provide
    Arbitrary<ActionChain<World>> speakerChains() {
        return Arbitraries.longs().flatMap(seed -> common(ActionChain.startWith(() -> World.speaker(seed)))
                .withAction(12, capture())
                .withAction(2, pause())
                .withAction(2, resume())
                .withAction(1, sendFailed())
                .withMaxTransformations(120));
    }

    @Provide
    Arbitrary<ActionChain<World>> sessionApiSpeakerChains() {
        return Arbitraries.longs().flatMap(seed -> common(ActionChain.startWith(() -> World.sessionApiSpeaker(seed)))
                .withAction(4, sessionApiAnswer())
                .withAction(12, capture())
                .withAction(2, pause())
                .withAction(2, resume())
                .withAction(1, sendFailed())
                .withMaxTransformations(120));
    }

    @Provide
    Arbitrary<ActionChain<World>> listenerChains() {
        return Arbitraries.longs().flatMap(seed -> common(ActionChain.startWith(() -> World.listener(seed)))
                .withAction(12, audio())
                .withAction(2, listenerControl())
                .withAction(1, changeLanguage())
                .withMaxTransformations(120));
    }

    static net.jqwik.api.state.ActionChainArbitrary<World> common(net.jqwik.api.state.ActionChainArbitrary<World> chain) {
        return chain
                .withAction(3, Action.<World>when(w -> w.idle()).describeAs("start").justMutate(w -> w.step(new Input.Start())))
                .withAction(4, tokenOutcome())
                .withAction(4, opened())
                .withAction(6, confirm())
                .withAction(1, sessionEnded())
                .withAction(3, refuse())
                .withAction(2, drop())
                .withAction(5, fireTimer())
                .withAction(3, advance())
                .withAction(3, serverFrame())
                .withAction(1, Action.<World>when(World::connected).describeAs("malformed frame")
                        .justMutate(w -> w.step(new Input.Malformed(w.current(), "garbage"))))
                .withAction(1, staleFrame())
                .withAction(1, Action.<World>when(w -> !w.ended()).describeAs("end").justMutate(w -> w.step(new Input.End("bye"))));
    }

    static Action<World> tokenOutcome() {
        return new Action.Dependent<World>() {
                    @Override
                    public boolean precondition(World w) {
                        return w.h.tokenPending;
                    }

                    @Override
                    public Arbitrary<Transformer<World>> transformer(World w) {
                        return Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(8, Arbitraries.just(Transformer.<World>mutate("token ready", x -> x.h.token()))),
                                net.jqwik.api.Tuple.of(1, Arbitraries.just(Transformer.<World>mutate("token fails transiently", x -> {
                                    x.h.tokenPending = false;
                                    x.step(new Input.TokenFailed(LecternError.local("NETWORK_ERROR", "timeout")));
                                }))),
                                net.jqwik.api.Tuple.of(1, Arbitraries.just(Transformer.<World>mutate("token fails for good", x -> {
                                    x.h.tokenPending = false;
                                    x.step(new Input.TokenFailed(new LecternError("INVALID_CREDENTIALS", "Invalid username or password", 400, null, true)));
                                }))));
                    }
                };
    }

    /** The upgrade of an opening connection completes (a heartbeat goes out on it at once). */
    static Action<World> opened() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(World w) {
                return !w.notYetOpened().isEmpty();
            }

            @Override
            public Arbitrary<Transformer<World>> transformer(World w) {
                return Arbitraries.of(w.notYetOpened()).map(id -> Transformer.mutate("upgrade " + id, x -> {
                    x.upgraded.add(id);
                    x.step(new Input.Opened(id));
                }));
            }
        };
    }

    /** The service says the session is over, on any connection this client has or had. */
    static Action<World> sessionEnded() {
        return Action.<World>when(w -> !w.ended() && w.h.lastOpened() != null).describeAs("sessionEnded")
                .justMutate(w -> {
                    List<ConnectionId> ids = new ArrayList<>(w.h.requests.keySet());
                    ConnectionId on = ids.get((int) (Math.abs(w.h.now) % ids.size()));
                    Context before = w.h.state.context();
                    boolean ours = before.sessionId() != null;
                    // a deployed listener rejoins once; a deployed speaker already ending finishes its own steps
                    boolean rejoins = ours && Rejoin.applies(before);
                    boolean speakerEnding = before.deployed().endStep() != Deployed.EndStep.NONE;
                    w.step(new Input.Received(on, new ServerMessage.SessionEnded(SESSION, "Speaker has ended the session", 0L)));
                    if (rejoins) {
                        w.rejoins++;
                        assertThat(w.h.state.kind()).as("a rejoin is under way").isEqualTo(SessionState.Kind.CONNECTING);
                    } else if (ours && !speakerEnding) {
                        w.sessionEnded = true;
                    }
                });
    }

    /** The HTTP session API answers a creation: created, or failed transiently or for good. */
    static Action<World> sessionApiAnswer() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(World w) {
                return w.h.state instanceof SessionState.Connecting c && c.step() == Step.AWAITING_SESSION;
            }

            @Override
            public Arbitrary<Transformer<World>> transformer(World w) {
                return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(8, Arbitraries.just(Transformer.<World>mutate("session created over HTTP",
                                x -> x.step(new Input.SessionApiCreated(SESSION, EN, null))))),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(Transformer.<World>mutate("session API fails transiently",
                                x -> x.step(new Input.SessionApiFailed(new LecternError("INTERNAL_ERROR", "boom", 500, null, false)))))),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(Transformer.<World>mutate("session API refuses",
                                x -> x.step(new Input.SessionApiFailed(new LecternError("FORBIDDEN", "no", 403, null, true)))))));
            }
        };
    }

    static Action<World> confirm() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(World w) {
                return !w.opening().isEmpty();
            }

            @Override
            public Arbitrary<Transformer<World>> transformer(World w) {
                return Arbitraries.of(w.opening()).flatMap(id -> Arbitraries.of(true, false).map(byAck ->
                        Transformer.mutate("confirm " + id + (byAck ? " by heartbeatAck" : ""), x -> x.confirm(id, byAck))));
            }
        };
    }

    static Action<World> refuse() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(World w) {
                return !w.opening().isEmpty();
            }

            @Override
            public Arbitrary<Transformer<World>> transformer(World w) {
                return Arbitraries.of(w.opening()).flatMap(id -> Arbitraries.of(FAILURES)
                        .map(f -> Transformer.mutate("refuse " + id + " " + f, x -> x.refuse(id, f))));
            }
        };
    }

    static Action<World> drop() {
        return Action.<World>when(World::connected).describeAs("drop current").justMutate(w ->
                w.step(new Input.Closed(w.current(), 1006, "network")));
    }

    static Action<World> fireTimer() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(World w) {
                return !w.h.timers.isEmpty();
            }

            @Override
            public Arbitrary<Transformer<World>> transformer(World w) {
                return Arbitraries.of(List.copyOf(w.h.timers.keySet()))
                        .map(key -> Transformer.mutate("fire " + key, x -> x.fire(key)));
            }
        };
    }

    static Action<World> advance() {
        return new Action.Independent<>() {
            @Override
            public Arbitrary<Transformer<World>> transformer() {
                return Arbitraries.longs().between(1, 40_000)
                        .map(ms -> Transformer.mutate("advance " + ms + " ms", x -> x.advance(Duration.ofMillis(ms))));
            }
        };
    }

    static Action<World> serverFrame() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(World w) {
                return w.connected();
            }

            @Override
            public Arbitrary<Transformer<World>> transformer(World w) {
                List<ServerMessage> frames = List.of(
                        new ServerMessage.HeartbeatAck(0L, 0L),
                        new ServerMessage.ConnectionRefreshRequired(SESSION, w.speaker ? "speaker" : "listener", null, "r", 0L),
                        new ServerMessage.ConnectionWarning("soon", 10.0, 0L),
                        new ServerMessage.ConnectionTimeout("idle", 600, 0L),
                        new ServerMessage.ErrorFrame("INVALID_ACTION", "x", 400, null, null, 0L),
                        new ServerMessage.GatewayFault("Internal server error", "c", "r"),
                        new ServerMessage.Unknown("somethingNew"));
                return Arbitraries.of(frames).map(f -> Transformer.mutate("server sends " + f.getClass().getSimpleName(),
                        x -> x.step(new Input.Received(x.current(), f))));
            }
        };
    }

    static Action<World> staleFrame() {
        return Action.<World>when(w -> !w.ended() && w.h.lastOpened() != null).describeAs("frame on an old connection")
                .justMutate(w -> w.step(new Input.Received(new ConnectionId(1), new ServerMessage.HeartbeatAck(0L, 0L))));
    }

    static Action<World> capture() {
        return Action.<World>when(w -> !w.ended()).describeAs("capture").justMutate(w -> w.step(new Input.Capture(CHUNK)));
    }

    static Action<World> pause() {
        return Action.<World>when(w -> !w.ended()).describeAs("pause").justMutate(w -> w.step(new Input.Pause()));
    }

    static Action<World> resume() {
        return Action.<World>when(w -> !w.ended()).describeAs("resume").justMutate(w -> w.step(new Input.Resume()));
    }

    static Action<World> sendFailed() {
        return Action.<World>when(w -> !w.ended() && !w.h.sent(ClientMessage.AudioChunkUpload.class).isEmpty())
                .describeAs("last audio write fails").justMutate(w -> {
                    List<Harness.Sent> audio = w.h.sent(ClientMessage.AudioChunkUpload.class);
                    Harness.Sent last = audio.get(audio.size() - 1);
                    long id = ((ClientMessage.AudioChunkUpload) last.message()).chunkIndex();
                    if (w.failedChunks.add(id)) {
                        w.step(new Input.SendFailed(last.id(), last.message(), "broken pipe"));
                    }
                });
    }

    static Action<World> audio() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(World w) {
                return w.connected();
            }

            @Override
            public Arbitrary<Transformer<World>> transformer(World w) {
                List<ConnectionId> carriers = w.carriers();
                return Arbitraries.of(carriers).flatMap(id -> Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(10, Arbitraries.just(0L)),   // in order
                        net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(-3, -1)), // duplicate of a recent one
                        net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(1, 80)))  // ahead: a gap or reordering
                        .map(offset -> Transformer.mutate("audio " + offset + " on " + id, x -> x.audio(id, offset))));
            }
        };
    }

    static Action<World> listenerControl() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(World w) {
                return w.connected();
            }

            @Override
            public Arbitrary<Transformer<World>> transformer(World w) {
                List<ServerMessage> frames = List.of(
                        new ServerMessage.BroadcastChanged(Kind.BROADCAST_PAUSED, SESSION, null, null, null, null, 0L),
                        new ServerMessage.BroadcastChanged(Kind.BROADCAST_RESUMED, SESSION, null, null, null, null, 0L),
                        new ServerMessage.BroadcastChanged(Kind.BROADCAST_MUTED, SESSION, null, null, null, null, 0L),
                        new ServerMessage.SessionEnded(SESSION, "Speaker has ended the session", 0L));
                return Arbitraries.of(frames).map(f -> Transformer.mutate("server sends " + f.type(),
                        x -> x.step(new Input.Received(x.current(), f))));
            }
        };
    }

    static Action<World> changeLanguage() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(World w) {
                return !w.ended();
            }

            @Override
            public Arbitrary<Transformer<World>> transformer(World w) {
                return Arbitraries.of(LANGUAGES).flatMap(lang -> Arbitraries.of(true, false).map(accept ->
                        Transformer.mutate("change language to " + lang + (accept ? " (accepted)" : " (refused)"), x -> {
                            x.step(new Input.ChangeLanguage(lang));
                            if (x.connected()) {
                                x.step(new Input.Received(x.current(), accept
                                        ? new ServerMessage.LanguageChanged(SESSION, lang, EN, 0L)
                                        : new ServerMessage.ErrorFrame("UNSUPPORTED_LANGUAGE", "no", 400, null, null, 0L)));
                            }
                        })));
            }
        };
    }

    /** The machine and a model of the world around it. */
    static final class World {
        final Harness h;
        final boolean speaker;
        final Set<Long> failedChunks = new HashSet<>();
        long serverSeq;               // next sequence number the server would send
        long lastPlayed = -1;
        int lastEventCount;
        boolean wasEnded;
        /** A sessionEnded about this client's session arrived: nothing may connect from then on. */
        boolean sessionEnded;
        /** sessionEnded calls for a rejoin (a listener of the deployed service): how many did. */
        int rejoins;
        /** A rejoin was refused for good: nothing may connect from then on. */
        boolean rejoinRefused;
        final Set<ConnectionId> upgraded = new HashSet<>();
        Input lastInput;

        private World(SessionState initial, boolean speaker) {
            this.h = new Harness(initial);
            this.speaker = speaker;
        }

        static SessionSettings settings() {
            return SessionSettings.builder()
                    .reconnectBackoff(BackoffPolicy.DEFAULT.withMaxAttempts(6))
                    .sendQueueCapacity(Duration.ofSeconds(2))
                    .jitterBufferCapacity(Duration.ofSeconds(1))
                    .build();
        }

        static World speaker(long seed) {
            return new World(SessionMachine.speaker(settings(), CreateParams.of(EN), seed), true);
        }

        static World sessionApiSpeaker(long seed) {
            return new World(SessionMachine.initial(new SessionPlan.Speak(CreateParams.of(EN), true), settings(), seed), true);
        }

        static World listener(long seed) {
            return new World(SessionMachine.listener(settings(), SESSION, LANGUAGES.get(0), seed), false);
        }

        boolean idle() {
            return h.state instanceof SessionState.Connecting c && c.step() == Step.IDLE;
        }

        boolean ended() {
            return h.state instanceof SessionState.Ended;
        }

        boolean connected() {
            return current() != null;
        }

        ConnectionId current() {
            if (h.state instanceof SessionState.Active a) {
                return a.current().id();
            }
            if (h.state instanceof SessionState.Refreshing r) {
                return r.current().id();
            }
            if (h.state instanceof SessionState.Paused p) {
                return p.current().id();
            }
            return null;
        }

        Candidate candidate() {
            if (h.state instanceof SessionState.Refreshing r) {
                return r.candidate();
            }
            if (h.state instanceof SessionState.Paused p) {
                return p.candidate();
            }
            return null;
        }

        /** Connections waiting for their confirming frame. */
        List<ConnectionId> opening() {
            List<ConnectionId> ids = new ArrayList<>();
            if (h.state instanceof SessionState.Connecting c && c.step() == Step.OPENING) {
                ids.add(c.connection());
            }
            Candidate cand = candidate();
            if (cand != null && cand.step() == Step.OPENING) {
                ids.add(cand.id());
            }
            return ids;
        }

        List<ConnectionId> notYetOpened() {
            List<ConnectionId> ids = new ArrayList<>(opening());
            ids.removeAll(upgraded);
            return ids;
        }

        /** Connections that may carry audio: current, candidate, the retiring one. */
        List<ConnectionId> carriers() {
            List<ConnectionId> ids = new ArrayList<>();
            ids.add(current());
            Candidate cand = candidate();
            if (cand != null && cand.id() != null) {
                ids.add(cand.id());
            }
            if (h.state.context().retiring() != null) {
                ids.add(h.state.context().retiring());
            }
            return ids;
        }

        void step(Input input) {
            lastInput = input;
            h.step(input);
        }

        void fire(TimerKey key) {
            lastInput = new Input.TimerFired(key);
            h.fire(key);
        }

        void advance(Duration d) {
            lastInput = null;
            h.advance(d);
        }

        void confirm(ConnectionId id, boolean byAck) {
            ConnectRequest request = h.requests.get(id);
            ServerMessage frame;
            if (request instanceof ConnectRequest.Attach || (byAck && !(request instanceof ConnectRequest.CreateSession))) {
                frame = new ServerMessage.HeartbeatAck(0L, 0L); // a service with no first frame (protocol section 11)
            } else if (request instanceof ConnectRequest.CreateSession) {
                frame = new ServerMessage.SessionCreated(SESSION, EN, "standard", true, 0.85, 5.0, "c", 0L, null);
            } else if (request instanceof ConnectRequest.JoinSession j) {
                frame = new ServerMessage.SessionJoined(SESSION, j.targetLanguage(), EN, "c", 1, null, 0L);
            } else {
                ConnectRequest.RefreshConnection r = (ConnectRequest.RefreshConnection) request;
                frame = new ServerMessage.ConnectionRefreshComplete(SESSION, r.role().wireName(), r.targetLanguage(), EN, 0L);
            }
            step(new Input.Received(id, frame));
        }

        void refuse(ConnectionId id, ConnectFailure failure) {
            boolean inConnecting = h.state instanceof SessionState.Connecting;
            boolean resumingSpeaker = h.state instanceof SessionState.Connecting c && c.mode() == ConnectMode.RESUME && speaker;
            boolean renewed = h.state instanceof SessionState.Connecting c && c.tokenRenewed();
            boolean byId = !(h.requests.get(id) instanceof ConnectRequest.CreateSession);
            // a 401, or a 400 on a connect by session id (an expired token on the deployed service), renews once
            boolean renewable = speaker && (failure.classify() == FailureClass.UNAUTHORIZED
                    || (failure.status() == 400 && byId && inConnecting && !renewed));
            boolean rejoining = !speaker && h.state.context().deployed().rejoin() == Deployed.Rejoin.REJOINING && inConnecting;
            step(new Input.Refused(id, failure));
            boolean permanent = failure.classify() != FailureClass.TRANSIENT && !renewable;
            if (rejoining && permanent) {
                rejoinRefused = true;
                assertThat(h.events(LecternEvent.RejoinRefused.class)).as("a refused rejoin is told").isNotEmpty();
            }
            boolean sessionGone = "SESSION_NOT_FOUND".equals(failure.code()) && resumingSpeaker;
            if (permanent && !sessionGone) {
                // Guarantee 5: a permanent error is never retried.
                assertThat(h.lastEffects).noneMatch(e -> e instanceof Effect.Open);
                assertThat(h.lastEffects).noneMatch(e -> e instanceof Effect.StartTimer t
                        && (t.key() == TimerKey.RECONNECT || t.key() == TimerKey.REFRESH_RETRY));
                if (inConnecting) {
                    assertThat(h.state.kind()).isEqualTo(SessionState.Kind.ENDED);
                }
            }
        }

        void audio(ConnectionId id, long offset) {
            long seq = offset < 0 ? Math.max(0, serverSeq + offset) : serverSeq + offset;
            serverSeq = Math.max(serverSeq, seq + 1);
            step(new Input.Received(id, new ServerMessage.AudioData(SESSION, h.state.context().language(), CHUNK,
                    SequenceNumber.of(seq), 0L)));
        }

        /** The guarantees of architecture.md, checked after every step. */
        void check() {
            SessionState state = h.state;
            Counters c = state.context().counters();
            // 1. Conservation: every captured chunk sent exactly once or reported dropped.
            assertThat(c.captured()).as("captured = sent + dropped + queued")
                    .isEqualTo(c.sent() + c.dropped() + state.context().queue().size());
            long reported = 0;
            for (LecternEvent.AudioDropped d : h.events(LecternEvent.AudioDropped.class)) {
                reported += d.chunks();
            }
            assertThat(reported + state.context().pausedDrops()).as("every drop reported").isEqualTo(c.dropped());
            List<Long> sentIds = new ArrayList<>();
            for (Harness.Sent s : h.sent(ClientMessage.AudioChunkUpload.class)) {
                sentIds.add(((ClientMessage.AudioChunkUpload) s.message()).chunkIndex());
            }
            assertThat(new HashSet<>(sentIds)).as("no chunk sent twice").hasSize(sentIds.size());
            assertThat(c.sent()).isEqualTo(sentIds.size() - failedChunks.size());
            // 2. A listener plays each sequence number at most once and in order (per language stream).
            List<LecternEvent> events = h.events;
            for (int i = lastEventCount; i < events.size(); i++) {
                LecternEvent e = events.get(i);
                if (e instanceof LecternEvent.LanguageChanged) {
                    lastPlayed = -1;
                } else if (e instanceof LecternEvent.AudioReceived r && r.sequence() != null) {
                    assertThat(r.sequence().value()).as("played in order, once").isGreaterThan(lastPlayed);
                    lastPlayed = r.sequence().value();
                } else if (e instanceof LecternEvent.AudioGap g) {
                    assertThat(g.from().value()).as("gap after what was played").isGreaterThan(lastPlayed);
                    lastPlayed = g.to().value();
                }
            }
            lastEventCount = events.size();
            // 3. At most two connections, two only while refreshing; the machine's view matches its effects.
            assertThat(h.open).as("open connections").hasSizeLessThanOrEqualTo(2);
            assertThat(h.open).containsExactlyInAnyOrderElementsOf(state.connections());
            if (h.open.size() == 2) {
                assertThat(candidate()).as("two connections only while refreshing").isNotNull();
            }
            for (Effect e : h.lastEffects) {
                if (e instanceof Effect.Close close && "Connection refresh".equals(close.reason())) {
                    assertThat(h.lastInput).as("old connection closed only after the new one confirmed")
                            .isInstanceOfSatisfying(Input.Received.class, r -> assertThat(r.message())
                                    .isInstanceOfAny(ServerMessage.ConnectionRefreshComplete.class, ServerMessage.HeartbeatAck.class));
                }
                if (e instanceof Effect.Transmit t && t.message() instanceof ClientMessage.Heartbeat) {
                    boolean justUpgraded = h.lastInput instanceof Input.Opened o && o.id().equals(t.id());
                    assertThat(justUpgraded || t.id().equals(current()))
                            .as("heartbeat on the current connection, or on a new one right after its upgrade").isTrue();
                }
                if (sessionEnded) {
                    assertThat(e).as("nothing connects after sessionEnded").isNotInstanceOf(Effect.Open.class);
                }
                if (rejoinRefused) {
                    assertThat(e).as("never a rejoin after a refused rejoin").isNotInstanceOf(Effect.Open.class);
                }
                if (e instanceof Effect.StartTimer t && (t.key() == TimerKey.RECONNECT || t.key() == TimerKey.REFRESH_RETRY)) {
                    BackoffPolicy policy = t.key() == TimerKey.RECONNECT ? settings().reconnectBackoff() : settings().refreshBackoff();
                    assertThat(t.delay()).as("backoff within bounds").isBetween(Duration.ZERO,
                            max(policy.maxDelay(), Duration.ofSeconds(3)));
                }
            }
            // At most two heartbeats in any window on every connection (the service's two a minute).
            long window = SessionMachine.heartbeatWindow(settings());
            for (java.util.Map.Entry<ConnectionId, List<Long>> e : h.heartbeats.entrySet()) {
                List<Long> times = e.getValue();
                for (int i = 2; i < times.size(); i++) {
                    assertThat(times.get(i) - times.get(i - 2)).as("at most two heartbeats per %d ms on %s: %s", window, e.getKey(), times)
                            .isGreaterThanOrEqualTo(window);
                }
            }
            // One retry chain at a time: no reconnect or confirm timer while connected.
            if (connected()) {
                assertThat(h.timers).doesNotContainKeys(TimerKey.RECONNECT, TimerKey.CONFIRM);
            }
            if (sessionEnded) {
                assertThat(state.kind()).as("sessionEnded ends the client in any state").isEqualTo(SessionState.Kind.ENDED);
            }
            // 4. Ended is absorbing, and nothing is told after the final event.
            if (wasEnded) {
                assertThat(state.kind()).isEqualTo(SessionState.Kind.ENDED);
            }
            if (state instanceof SessionState.Ended) {
                wasEnded = true;
                assertThat(h.events(LecternEvent.Closed.class)).hasSize(1);
                assertThat(h.events.get(h.events.size() - 1)).isInstanceOf(LecternEvent.Closed.class);
                assertThat(h.open).isEmpty();
                assertThat(h.timers).isEmpty();
            }
            assertThat(h.notifiesAfterClosed).isZero();
        }

        private static Duration max(Duration a, Duration b) {
            return a.compareTo(b) >= 0 ? a : b;
        }

        @Override
        public String toString() {
            return h.state.kind() + " " + h.state.context().counters();
        }
    }
}

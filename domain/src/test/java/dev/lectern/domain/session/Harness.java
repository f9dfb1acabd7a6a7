package dev.lectern.domain.session;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives the pure machine the way an engine would, keeping a model of what its effects did: which
 * connections are open, which timers run and when they are due, what was sent, played and told.
 */
final class Harness {
    record Sent(ConnectionId id, ClientMessage message) {}

    SessionState state;
    long now = 1_000_000L;
    final Set<ConnectionId> open = new LinkedHashSet<>();
    final Map<ConnectionId, ConnectRequest> requests = new LinkedHashMap<>();
    final Map<TimerKey, Long> timers = new EnumMap<>(TimerKey.class);
    final Map<TimerKey, Duration> timerDelays = new EnumMap<>(TimerKey.class);
    final Map<TimerKey, Integer> timersFired = new EnumMap<>(TimerKey.class);
    int tokenRequests;
    boolean tokenPending;
    boolean lastTokenForced;
    final List<Sent> sent = new ArrayList<>();
    /** When each heartbeat went out, by connection: at the step that sent it, not at the end of an advance. */
    final Map<ConnectionId, List<Long>> heartbeats = new LinkedHashMap<>();
    final List<LecternEvent> events = new ArrayList<>();
    final List<Long> played = new ArrayList<>();
    final List<Effect> allEffects = new ArrayList<>();
    List<Effect> lastEffects = List.of();
    boolean closedEventSeen;
    /** When set, every heartbeat is answered at once on the connection it went out on. */
    boolean answerHeartbeats;
    private final java.util.ArrayDeque<ConnectionId> acksDue = new java.util.ArrayDeque<>();
    int notifiesAfterClosed;

    Harness(SessionState initial) {
        this.state = initial;
    }

    Input lastInput;

    Decision step(Input input) {
        lastInput = input;
        if (input instanceof Input.Refused r) {
            open.remove(r.id());
        } else if (input instanceof Input.Closed c) {
            open.remove(c.id());
        }
        Decision decision = SessionMachine.decide(state, input, now);
        state = decision.next();
        lastEffects = decision.effects();
        allEffects.addAll(decision.effects());
        for (Effect effect : decision.effects()) {
            apply(effect);
        }
        while (!acksDue.isEmpty()) {
            step(new Input.Received(acksDue.poll(), new dev.lectern.domain.message.ServerMessage.HeartbeatAck(now, now)));
        }
        return decision;
    }

    private void apply(Effect effect) {
        if (effect instanceof Effect.Open o) {
            open.add(o.id());
            requests.put(o.id(), o.request());
        } else if (effect instanceof Effect.Close c) {
            open.remove(c.id());
        } else if (effect instanceof Effect.Abort a) {
            open.remove(a.id());
        } else if (effect instanceof Effect.StartTimer t) {
            timers.put(t.key(), now + t.delay().toMillis());
            timerDelays.put(t.key(), t.delay());
        } else if (effect instanceof Effect.CancelTimer t) {
            timers.remove(t.key());
        } else if (effect instanceof Effect.CancelAllTimers) {
            timers.clear();
        } else if (effect instanceof Effect.FetchToken f) {
            tokenRequests++;
            tokenPending = true;
            lastTokenForced = f.forceRenew();
        } else if (effect instanceof Effect.Transmit t) {
            sent.add(new Sent(t.id(), t.message()));
            if (t.message() instanceof ClientMessage.Heartbeat) {
                heartbeats.computeIfAbsent(t.id(), k -> new ArrayList<>()).add(now);
            }
            if (answerHeartbeats && t.message() instanceof ClientMessage.Heartbeat && open.contains(t.id())) {
                acksDue.add(t.id());
            }
        } else if (effect instanceof Effect.Play p) {
            if (p.sequence() != null) {
                played.add(p.sequence().value());
            }
        } else if (effect instanceof Effect.Notify n) {
            if (closedEventSeen) {
                notifiesAfterClosed++;
            }
            events.add(n.event());
            if (n.event() instanceof LecternEvent.Closed) {
                closedEventSeen = true;
            }
        }
    }

    Decision token() {
        tokenPending = false;
        return step(new Input.TokenReady(new IdToken("alice-" + tokenRequests)));
    }

    /** Fires timer {@code key}, moving the clock to its deadline. */
    Decision fire(TimerKey key) {
        Long due = timers.remove(key);
        if (due == null) {
            throw new AssertionError("timer " + key + " is not running; running: " + timers.keySet());
        }
        now = Math.max(now, due);
        timersFired.merge(key, 1, Integer::sum);
        return step(new Input.TimerFired(key));
    }

    /** Advances the clock, firing due timers in order. */
    void advance(Duration d) {
        lastEffects = List.of();
        long target = now + d.toMillis();
        while (true) {
            TimerKey next = null;
            long at = Long.MAX_VALUE;
            for (Map.Entry<TimerKey, Long> e : timers.entrySet()) {
                if (e.getValue() <= target && e.getValue() < at) {
                    next = e.getKey();
                    at = e.getValue();
                }
            }
            if (next == null) {
                break;
            }
            fire(next);
        }
        now = target;
    }

    ConnectionId lastOpened() {
        ConnectionId last = null;
        for (ConnectionId id : requests.keySet()) {
            last = id;
        }
        return last;
    }

    <T extends LecternEvent> List<T> events(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (LecternEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    <T extends ClientMessage> List<Sent> sent(Class<T> type) {
        List<Sent> out = new ArrayList<>();
        for (Sent s : sent) {
            if (type.isInstance(s.message())) {
                out.add(s);
            }
        }
        return out;
    }
}

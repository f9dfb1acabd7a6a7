package dev.lectern.micrometer;

import dev.lectern.client.LecternListener;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.SpeakerClient;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.Counters;
import dev.lectern.domain.session.SessionState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Binds one client to a {@link MeterRegistry}. Counts come from the client's own counters (function
 * counters, so nothing is counted twice) and from its events (refreshes, reconnects, drops by reason,
 * errors by code, and the timers). Use: create it for the role, pass {@link #listener()} to the client's
 * builder (with {@code LecternListener.all(...)} beside the host's own), then {@link #bind} the built
 * client for the counters and gauges. Meter names are in {@link LecternMeters}. An error code a service
 * sends is a tag only when it is one of {@link LecternMeters#ERROR_CODES} (else {@code other}). The meters
 * are removed from the registry at the client's final event: read them while it lives, or read the client's
 * own counters after it ended.
 */
public final class LecternMetrics {
    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter refreshes;
    private final Counter reconnects;
    private final Timer refreshDuration;
    private final Timer reconnectDuration;
    private final Timer refreshAudioGap;
    private final Timer latency;
    private final LecternListener listener = new Events();
    /** Every meter registered for this client, removed from the registry when the client ends. */
    private final java.util.List<io.micrometer.core.instrument.Meter> meters = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long refreshStartedAt;
    private volatile long disconnectedAt;
    private volatile long lastAudioAt;
    private volatile long audioBeforeRefresh;

    private LecternMetrics(MeterRegistry registry, Tags tags) {
        this.registry = Objects.requireNonNull(registry, "registry is null");
        this.tags = tags;
        refreshes = Counter.builder(LecternMeters.REFRESHES).tags(tags).description("Connections replaced make-before-break").register(registry);
        reconnects = Counter.builder(LecternMeters.RECONNECTS).tags(tags).description("Connections re-established after a drop").register(registry);
        refreshDuration = Timer.builder(LecternMeters.REFRESH_DURATION).tags(tags).description("Refresh, from its start to the switch").register(registry);
        reconnectDuration = Timer.builder(LecternMeters.RECONNECT_DURATION).tags(tags).description("From a drop to being back").register(registry);
        refreshAudioGap = Timer.builder(LecternMeters.REFRESH_AUDIO_GAP).tags(tags)
                .description("Listener: interval between the last chunk before a refresh completed and the first after").register(registry);
        latency = Timer.builder(LecternMeters.AUDIO_LATENCY).tags(tags)
                .description("Listener: from the time the audio frame carried to playing it").register(registry);
        for (io.micrometer.core.instrument.Meter m : java.util.List.of(refreshes, reconnects, refreshDuration, reconnectDuration,
                refreshAudioGap, latency)) {
            kept(m);
        }
    }

    /**
     * How many live clients hold each meter of a registry: clients with the same tags share the registry's one
     * meter, which is removed only when the last of them ends.
     */
    private static final java.util.Map<MeterRegistry, java.util.Map<io.micrometer.core.instrument.Meter.Id, Integer>> HOLDERS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private <M extends io.micrometer.core.instrument.Meter> M kept(M meter) {
        if (!meters.contains(meter)) {
            meters.add(meter);
            synchronized (HOLDERS) {
                HOLDERS.computeIfAbsent(registry, r -> new java.util.HashMap<>()).merge(meter.getId(), 1, Integer::sum);
            }
        }
        return meter;
    }

    /** Connections replaced so far; readable after the client ended and its meters were removed. */
    public long refreshCount() {
        return (long) refreshes.count();
    }

    /** Reconnects so far; readable after the client ended and its meters were removed. */
    public long reconnectCount() {
        return (long) reconnects.count();
    }

    /**
     * Removes this client's meters from the registry, those no other live client with the same tags still
     * uses. Done by itself at the client's final event, so that a later client with the same tags starts from
     * zero rather than reading this one's last values.
     */
    public void remove() {
        synchronized (HOLDERS) {
            java.util.Map<io.micrometer.core.instrument.Meter.Id, Integer> held = HOLDERS.getOrDefault(registry, java.util.Map.of());
            for (io.micrometer.core.instrument.Meter m : meters) {
                Integer left = held.isEmpty() ? Integer.valueOf(0) : held.computeIfPresent(m.getId(), (id, n) -> n > 1 ? n - 1 : null);
                if (left == null || left == 0) {
                    registry.remove(m); // the last client holding it: a live one with the same tags keeps counting
                }
            }
        }
        meters.clear();
    }

    /** Meters for a speaker, tagged {@code role=speaker} and {@code extra}. */
    public static LecternMetrics forSpeaker(MeterRegistry registry, Iterable<Tag> extra) {
        return new LecternMetrics(registry, Tags.of("role", "speaker").and(extra));
    }

    /** Meters for a listener, tagged {@code role=listener}, {@code language} and {@code extra}. */
    public static LecternMetrics forListener(MeterRegistry registry, String language, Iterable<Tag> extra) {
        return new LecternMetrics(registry, Tags.of("role", "listener", "language", language).and(extra));
    }

    /** The events side: give it to the client's builder. */
    public LecternListener listener() {
        return listener;
    }

    /** Counters and gauges that read the speaker. */
    public LecternMetrics bind(SpeakerClient speaker) {
        chunks("captured", speaker, c -> c.counters().captured());
        chunks("sent", speaker, c -> c.counters().sent());
        frames(speaker::counters, speaker);
        states(speaker::state, speaker);
        kept(Gauge.builder(LecternMeters.SEND_QUEUE, speaker, SpeakerClient::queuedChunks).tags(tags).baseUnit("chunks")
                .description("Captured chunks waiting to be sent").strongReference(false).register(registry));
        kept(Gauge.builder(LecternMeters.CONNECTION_AGE, speaker, s -> s.connectionAge().map(Duration::toMillis).orElse(0L) / 1000.0)
                .tags(tags).baseUnit("seconds").description("Age of the current connection").register(registry));
        return this;
    }

    /** Counters and gauges that read the listener. */
    public LecternMetrics bind(ListenerClient client) {
        chunks("played", client, c -> c.counters().played());
        kept(FunctionCounter.builder(LecternMeters.AUDIO_GAP_CHUNKS, client, c -> c.counters().gapChunks()).tags(tags).baseUnit("chunks")
                .description("Chunks reported missing in gaps").register(registry));
        kept(FunctionCounter.builder(LecternMeters.AUDIO_DUPLICATES, client, c -> c.counters().duplicates()).tags(tags).baseUnit("chunks")
                .description("Chunks received twice and discarded").register(registry));
        frames(client::counters, client);
        states(client::state, client);
        kept(Gauge.builder(LecternMeters.JITTER_BUFFER, client, c -> c.bufferedAudio().toMillis()).tags(tags).baseUnit("milliseconds")
                .description("Audio waiting behind a missing chunk").register(registry));
        kept(Gauge.builder(LecternMeters.CONNECTION_AGE, client, c -> c.connectionAge().map(Duration::toMillis).orElse(0L) / 1000.0)
                .tags(tags).baseUnit("seconds").description("Age of the current connection").register(registry));
        return this;
    }

    private <T> void chunks(String kind, T client, ToDoubleFunction<T> value) {
        kept(FunctionCounter.builder(LecternMeters.AUDIO_CHUNKS, client, value).tags(tags).tag("kind", kind).baseUnit("chunks")
                .description("Audio chunks").register(registry));
    }

    private void frames(Supplier<Counters> counters, Object owner) {
        kept(FunctionCounter.builder(LecternMeters.FRAMES, owner, o -> counters.get().rejectedFrames()).tags(tags).tag("outcome", "rejected")
                .description("Frames from the service").register(registry));
        kept(FunctionCounter.builder(LecternMeters.FRAMES, owner, o -> counters.get().ignoredFrames()).tags(tags).tag("outcome", "ignored")
                .description("Frames from the service").register(registry));
        kept(FunctionCounter.builder(LecternMeters.FRAMES, owner, o -> counters.get().staleFrames()).tags(tags).tag("outcome", "stale")
                .description("Frames from the service").register(registry));
    }

    private void states(Supplier<SessionState.Kind> state, Object owner) {
        for (SessionState.Kind kind : SessionState.Kind.values()) {
            kept(Gauge.builder(LecternMeters.STATE, owner, o -> state.get() == kind ? 1 : 0).tags(tags).tag("state", kind.name().toLowerCase(java.util.Locale.ROOT))
                    .description("1 for the state the client is in").register(registry));
        }
    }

    private final class Events implements LecternListener {
        @Override
        public void onEvent(LecternEvent event) {
            long now = System.nanoTime();
            if (event instanceof LecternEvent.AudioReceived received) {
                if (received.sentAt() != null) {
                    long ms = System.currentTimeMillis() - received.sentAt();
                    if (ms >= 0) {
                        latency.record(Duration.ofMillis(ms));
                    }
                }
                if (audioBeforeRefresh != 0) {
                    refreshAudioGap.record(Duration.ofNanos(now - audioBeforeRefresh));
                    audioBeforeRefresh = 0;
                }
                lastAudioAt = now;
            } else if (event instanceof LecternEvent.RefreshStarted) {
                refreshStartedAt = now;
            } else if (event instanceof LecternEvent.ConnectionRefreshed) {
                refreshes.increment();
                if (refreshStartedAt != 0) {
                    refreshDuration.record(Duration.ofNanos(now - refreshStartedAt));
                    refreshStartedAt = 0;
                }
                audioBeforeRefresh = lastAudioAt;
            } else if (event instanceof LecternEvent.Disconnected) {
                if (disconnectedAt == 0) {
                    disconnectedAt = now;
                }
            } else if (event instanceof LecternEvent.Reconnected) {
                reconnects.increment();
                if (disconnectedAt != 0) {
                    reconnectDuration.record(Duration.ofNanos(now - disconnectedAt));
                    disconnectedAt = 0;
                }
            } else if (event instanceof LecternEvent.AudioDropped d) {
                kept(Counter.builder(LecternMeters.AUDIO_DROPPED).tags(tags).tag("reason", d.reason().name()).baseUnit("chunks")
                        .description("Chunks dropped, each reported").register(registry)).increment(d.chunks());
            } else if (event instanceof LecternEvent.Error e) {
                kept(Counter.builder(LecternMeters.ERRORS).tags(tags).tag("code", LecternMeters.errorCodeTag(e.error().code()))
                        .description("Errors reported").register(registry)).increment();
            } else if (event instanceof LecternEvent.Closed) {
                remove();
            }
        }
    }
}

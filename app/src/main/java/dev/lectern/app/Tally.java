package dev.lectern.app;

import dev.lectern.client.LecternListener;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.EndReason;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * What one client told the runner: counts of refreshes and reconnects, the last retry and error, the end,
 * for the status line, the closing table and {@code --json}; and, when the output is not a terminal, a
 * plain line per event (audio excepted).
 */
final class Tally implements LecternListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    final String name;
    private final Consumer<String> lines;
    /** Refreshes and reconnects are read from the same meters a host would bind, not counted again here. */
    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    private final dev.lectern.micrometer.LecternMetrics metrics;
    volatile String retrying;
    volatile String lastError;
    volatile EndReason end;

    private Tally(String name, Consumer<String> lines,
                  java.util.function.Function<io.micrometer.core.instrument.MeterRegistry, dev.lectern.micrometer.LecternMetrics> meters) {
        this.name = name;
        this.lines = lines;
        this.metrics = meters.apply(registry);
    }

    /** A speaker's tally, its meters tagged {@code role=speaker}. */
    static Tally speaker(String name, Consumer<String> lines) {
        return new Tally(name, lines, r -> dev.lectern.micrometer.LecternMetrics.forSpeaker(r, io.micrometer.core.instrument.Tags.empty()));
    }

    /** A listener's tally, its meters tagged {@code role=listener} and the language. */
    static Tally listener(String name, String language, Consumer<String> lines) {
        return new Tally(name, lines, r -> dev.lectern.micrometer.LecternMetrics.forListener(r, language,
                io.micrometer.core.instrument.Tags.empty()));
    }

    int refreshes() {
        return (int) metrics.refreshCount();
    }

    int reconnects() {
        return (int) metrics.reconnectCount();
    }

    @Override
    public void onEvent(LecternEvent event) {
        metrics.listener().onEvent(event);
        if (event instanceof LecternEvent.Reconnected) {
            retrying = null;
        } else if (event instanceof LecternEvent.RetryScheduled r) {
            retrying = "retry " + r.attempt() + " in " + r.delay().toMillis() + " ms after " + r.cause().message();
        } else if (event instanceof LecternEvent.Error e) {
            lastError = e.error().code() + ": " + e.error().message();
        } else if (event instanceof LecternEvent.ReconnectFailed f) {
            lastError = "gave up after " + f.attempts() + " attempts" + (f.lastError() == null ? "" : ": " + f.lastError().message());
        } else if (event instanceof LecternEvent.Closed c) {
            end = c.reason();
        }
        if (!(event instanceof LecternEvent.AudioReceived)) {
            lines.accept(LocalTime.now().format(TIME) + " " + name + " " + EventText.describe(event));
        }
    }
}

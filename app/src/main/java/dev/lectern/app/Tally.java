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
    volatile int refreshes;
    volatile int reconnects;
    volatile String retrying;
    volatile String lastError;
    volatile EndReason end;

    Tally(String name, Consumer<String> lines) {
        this.name = name;
        this.lines = lines;
    }

    @Override
    public void onEvent(LecternEvent event) {
        if (event instanceof LecternEvent.ConnectionRefreshed) {
            refreshes++;
        } else if (event instanceof LecternEvent.Reconnected) {
            reconnects++;
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
            lines.accept(LocalTime.now().format(TIME) + " " + name + " " + event);
        }
    }
}

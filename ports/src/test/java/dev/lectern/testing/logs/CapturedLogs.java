package dev.lectern.testing.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every ERROR that one of Lectern's own loggers ({@code dev.lectern.*}) writes while a test runs, from
 * any thread. Installed by {@code logback-test.xml}; read and reset by {@link ErrorLogGuard}.
 */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> {
    private static final List<Entry> ERRORS = new ArrayList<>();

    /** One captured line: logger, thread, message and the exception's class and message, if any. */
    public record Entry(String logger, String thread, String message, String throwable) {
        @Override
        public String toString() {
            return "ERROR [" + thread + "] " + logger + " - " + message + (throwable == null ? "" : " (" + throwable + ")");
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.ERROR) && event.getLoggerName().startsWith("dev.lectern")) {
            IThrowableProxy t = event.getThrowableProxy();
            Entry entry = new Entry(event.getLoggerName(), event.getThreadName(), event.getFormattedMessage(),
                    t == null ? null : t.getClassName() + ": " + t.getMessage());
            synchronized (ERRORS) {
                ERRORS.add(entry);
            }
        }
    }

    /** Everything captured since the last call, which starts afresh. */
    static List<Entry> drain() {
        synchronized (ERRORS) {
            List<Entry> copy = List.copyOf(ERRORS);
            ERRORS.clear();
            return copy;
        }
    }
}

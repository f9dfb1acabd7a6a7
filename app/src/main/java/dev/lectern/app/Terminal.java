package dev.lectern.app;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The runner's output for people: on a terminal, one status line redrawn four times a second; otherwise
 * (a pipe, a file, a CI log) plain lines, one per event. Lines that must stay (the session id, the closing
 * table) go through {@link #println}, which keeps the status line below them.
 */
final class Terminal implements AutoCloseable {
    private final PrintWriter out;
    private final boolean interactive;
    private ScheduledExecutorService redraw;
    private volatile Supplier<String> status;
    private int drawn;

    Terminal(PrintWriter out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Whether standard input and output are a terminal a person watches. */
    static boolean isInteractive() {
        return System.console() != null;
    }

    boolean interactive() {
        return interactive;
    }

    /** An event line: printed only when there is no status line to show the same. */
    void event(String line) {
        if (!interactive) {
            println(line);
        }
    }

    synchronized void println(String line) {
        clear();
        out.println(line);
        out.flush();
        draw();
    }

    /** Shows {@code status} on a terminal from now on. */
    synchronized void status(Supplier<String> value) {
        status = value;
        if (interactive && redraw == null) {
            redraw = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lectern-status");
                t.setDaemon(true);
                return t;
            });
            redraw.scheduleAtFixedRate(this::redraw, 0, 250, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void redraw() {
        clear();
        draw();
    }

    private void clear() {
        if (drawn > 0) {
            out.print("\r\033[K");
            drawn = 0;
        }
    }

    private void draw() {
        Supplier<String> s = status;
        if (interactive && s != null) {
            String text = s.get();
            out.print(text);
            out.flush();
            drawn = text.length();
        }
    }

    @Override
    public synchronized void close() {
        if (redraw != null) {
            redraw.shutdownNow();
            redraw = null;
        }
        if (interactive && status != null) {
            clear();
            draw();
            out.println();
        }
        status = null;
        out.flush();
    }
}

package dev.lectern.app;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ctrl-C as a person at the runner expects it: the first asks for an orderly end (which may wait a few
 * seconds, bounded), the second cuts that wait short, the third exits at once. Where the JVM does not let a
 * program handle SIGINT, the shutdown hooks do the orderly end instead.
 */
final class CtrlC {
    private static final Logger log = LoggerFactory.getLogger(CtrlC.class);

    private CtrlC() {}

    /** Runs {@code first} on the first Ctrl-C, {@code second} on the second; the third exits with 130. */
    @SuppressWarnings("removal")
    static void onInterrupt(Runnable first, Runnable second) {
        AtomicInteger count = new AtomicInteger();
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
                int n = count.incrementAndGet();
                if (n == 1) {
                    first.run();
                } else if (n == 2) {
                    second.run();
                } else {
                    Runtime.getRuntime().halt(130);
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.debug("Ctrl-C is left to the shutdown hooks: {}", e.toString());
        }
    }
}

package dev.lectern.jetty.internal;

import dev.lectern.jetty.ConnectUrls;

/** What the Jetty adapters say of a failure: its root cause's message, and whether a cause of a kind is in its chain. */
public final class Failures {
    private Failures() {}

    /** The message of the innermost cause (its class name when it has none), redacted of credentials. */
    public static String rootMessage(Throwable t) {
        if (t == null) {
            return "unknown failure";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return ConnectUrls.redact(root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName());
    }

    /** Whether {@code t} or one of its causes is a {@code type}. */
    public static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}

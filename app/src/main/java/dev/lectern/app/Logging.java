package dev.lectern.app;

/**
 * The runnable jar's logging (SLF4J's simple binding, to standard error): quiet by default, warnings from
 * everything and Lectern's own lifecycle lines (sessions, sign-ins, devices); {@code --verbose} adds
 * Lectern's debug lines. Must run before the first logger is made.
 */
final class Logging {
    private Logging() {}

    static void configure(String[] args) {
        boolean verbose = false;
        for (String a : args) {
            if (a.equals("--verbose") || a.equals("-v")) {
                verbose = true;
            }
        }
        set("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        set("org.slf4j.simpleLogger.log.dev.lectern", verbose ? "debug" : "info");
        set("org.slf4j.simpleLogger.logFile", "System.err");
        set("org.slf4j.simpleLogger.showThreadName", verbose ? "true" : "false");
        set("org.slf4j.simpleLogger.showShortLogName", "true");
        set("org.slf4j.simpleLogger.showLogName", "false");
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

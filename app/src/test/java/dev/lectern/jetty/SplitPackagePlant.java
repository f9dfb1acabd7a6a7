package dev.lectern.jetty;

/** Planted: a class of the app's tests in the Jetty adapter's package, which that adapter's jar ships. */
public final class SplitPackagePlant {
    private SplitPackagePlant() {}
}

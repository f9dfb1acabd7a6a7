/** Micrometer meters for Lectern's clients: {@link dev.lectern.micrometer.LecternMetrics}. */
package dev.lectern.micrometer;

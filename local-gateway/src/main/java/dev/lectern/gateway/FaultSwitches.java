package dev.lectern.gateway;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The faults the protocol core applies itself, switched on and off by {@link GatewayFaults}; the faults
 * of single connections (silence, delay) are on {@link GatewayConnection}.
 */
final class FaultSwitches {
    /** Heartbeats get no answer (a service that confirms nothing). */
    volatile boolean withholdHeartbeatAcks;
    /** The chance that an audio frame is sent twice. */
    volatile double duplicateAudio;
    /** The chance that an audio frame is held back and sent after the next one. */
    volatile double reorderAudio;
    /** Refusals for the next connects, in order, before any check of theirs. */
    final ConcurrentLinkedQueue<Refusal> refusals = new ConcurrentLinkedQueue<>();
}

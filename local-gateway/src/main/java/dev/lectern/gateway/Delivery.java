package dev.lectern.gateway;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.message.ServerMessage;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the gateway writes: one frame to one connection, a speaker's audio to every listener (one
 * encoding per language, a sequence number per session and language), a segment's announcement. A
 * connection with more unsent than {@link GatewaySettings#maxOutboundBytes} is closed as too slow and cut
 * soon after, so it never holds up the others.
 */
final class Delivery {
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);
    /** How long a connection closed as too slow gets to take its close frame before it is cut. */
    static final long SLOW_CLOSE_BOUND_MILLIS = 2_000;

    private final GatewaySettings settings;
    private final Translator translator;
    private final FaultSwitches faults;
    private final GatewayClock time;
    private final GatewayObserver observer;
    /** Deployed flavor with segments: listeners get announcements of segments instead of audio; else null. */
    private final SegmentPipeline segments;
    private final AtomicLong slowClosed = new AtomicLong();

    Delivery(GatewaySettings settings, Translator translator, FaultSwitches faults, GatewayClock time, GatewayObserver observer,
             SegmentPipeline segments) {
        this.settings = settings;
        this.translator = translator;
        this.faults = faults;
        this.time = time;
        this.observer = observer;
        this.segments = segments;
    }

    /** Writes a frame, after the connection's delay fault if it has one. */
    void send(GatewayConnection conn, String json) {
        send(conn, new EncodedText(json));
    }

    /** As {@link #send(GatewayConnection, String)}, with the frame already encoded (one encoding for a fan-out). */
    void send(GatewayConnection conn, EncodedText json) {
        if (!conn.open || conn.silenced) {
            return;
        }
        if (conn.delayMillis > 0) {
            long delay = conn.delayMillis;
            time.later(() -> sendNow(conn, json), delay);
            return;
        }
        sendNow(conn, json);
    }

    private void sendNow(GatewayConnection conn, EncodedText json) {
        if (!conn.open || conn.silenced) {
            return;
        }
        long size = json.size();
        long pending = conn.pending.addAndGet(size);
        if (pending > settings.maxOutboundBytes()) {
            conn.pending.addAndGet(-size);
            if (conn.open) {
                conn.open = false;
                slowClosed.incrementAndGet();
                log.warn("Closing {}: {} bytes waiting to be written, over the limit of {}", conn, pending,
                        settings.maxOutboundBytes());
                observer.closing(conn.toString(), conn.role, 1013, "Too slow: outbound buffer full");
                conn.peer.close(1013, "Too slow: outbound buffer full");
                // The close frame queues behind everything the peer never read, so a peer that reads
                // nothing would hold its buffers until the idle timeout: cut it after a short bound.
                time.later(conn.peer::disconnect, SLOW_CLOSE_BOUND_MILLIS);
            }
            return;
        }
        conn.peer.sendText(json, failure -> conn.pending.addAndGet(-size));
    }

    /** An error frame (protocol section 3.5). */
    void error(GatewayConnection conn, Integer status, String code, String message, Map<String, Object> details) {
        send(conn, ServerFrameWriter.write(new ServerMessage.ErrorFrame(code, message, status, null, details, time.now())));
    }

    /** Fans {@code audio} out; each frame carries {@code sentAt}, the speaker's send time (or the arrival time). */
    void relay(GatewaySession session, AudioChunk audio, long sentAt) {
        synchronized (session) {
            session.received++;
            if (settings.flavor() == GatewaySettings.Flavor.DEPLOYED) {
                // there the pipeline reads the session item for each batch: a speaker's close does not stop it
                // (a second speaker connection still feeds it), a delete does; controls never reach it
                if (session.deleted) {
                    return;
                }
                if (segments != null) {
                    segments.add(session, audio);
                    return;
                }
            } else if (!session.active || session.paused || session.muted) {
                return; // paused and muted sessions drop audio
            }
            for (Map.Entry<LanguageCode, Long> stream : session.streams.entrySet()) {
                LanguageCode language = stream.getKey();
                long seq = stream.getValue();
                stream.setValue(seq + 1);
                EncodedText json = null;
                for (GatewayConnection listener : session.listeners) {
                    if (language.equals(listener.language)) {
                        if (json == null) {
                            AudioChunk translated = translator.translate(session.id, session.source, language, audio);
                            json = new EncodedText(ServerFrameWriter.write(new ServerMessage.AudioData(session.id, language, translated,
                                    SequenceNumber.of(seq), sentAt)));
                        }
                        sendAudio(listener, json);
                    }
                }
            }
        }
    }

    /** One audio frame to one listener, through the duplicate and reorder faults when they are on. */
    private void sendAudio(GatewayConnection listener, EncodedText json) {
        double dup = faults.duplicateAudio;
        double reorder = faults.reorderAudio;
        if (dup == 0 && reorder == 0 && listener.heldBackAudio == null) {
            send(listener, json);
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        EncodedText held = listener.heldBackAudio;
        if (held != null) {
            listener.heldBackAudio = null;
            send(listener, json);
            send(listener, held);
            return;
        }
        if (random.nextDouble() < reorder) {
            listener.heldBackAudio = json;
            return;
        }
        send(listener, json);
        if (random.nextDouble() < dup) {
            send(listener, json);
        }
    }

    /** The languages the session's listeners hear now. Under the session's lock. */
    static Set<LanguageCode> listenedLanguages(GatewaySession session) {
        Set<LanguageCode> languages = new LinkedHashSet<>();
        for (GatewayConnection l : session.listeners) {
            if (l.language != null) {
                languages.add(l.language);
            }
        }
        return languages;
    }

    /** A segment's {@code translatedAudio} to every listener of {@code language}. Under the session's lock. */
    void announce(GatewaySession session, LanguageCode language, String json) {
        EncodedText text = new EncodedText(json);
        for (GatewayConnection listener : session.listeners) {
            if (language.equals(listener.language)) {
                send(listener, text);
            }
        }
    }

    /** Connections closed as too slow so far. */
    long slowConnectionsClosed() {
        return slowClosed.get();
    }
}

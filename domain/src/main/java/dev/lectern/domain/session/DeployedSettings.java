package dev.lectern.domain.session;

import static dev.lectern.domain.Checks.positive;
import static dev.lectern.domain.Checks.require;

import java.time.Duration;

/**
 * How a client meets the service as deployed today (protocol section 11): a speaker's end and hand-over, a
 * listener's rejoin, and the language change that only a segment confirms. Invalid values fail at
 * construction, naming the field and the value.
 *
 * @param speakerHandover a speaker hands its session over to a new connection before the service cuts the
 *     old one (section 11.4); off, the session ends at the cut
 * @param listenerRejoin a listener told {@code sessionEnded} by that service rejoins once (section 11.5);
 *     off, every {@code sessionEnded} is final
 * @param endFlush how long a speaker's socket stays open after its last chunk, so that the last batch reaches
 *     the listeners: the service's 3 s batch window plus its processing time
 * @param endStepTimeout how long each later step of a speaker's end (the PATCH, the close, the DELETE) waits
 *     for its answer before the next step goes ahead
 * @param rejoinSpread a listener's rejoin waits a random time up to this, so that a room behind one address
 *     stays under the service's 20 connects a minute
 * @param rejoinAudioWait after a rejoin is accepted, how long audio may take to come before the listener
 *     takes the session as over; only audio later than {@link #lastBatchWindow()} after the {@code sessionEnded}
 *     counts, since a speaker that is gone may still have its last batch pushed
 * @param languageConfirmTimeout how long a language change waits for its first segment in the new language
 * @param disconnectGrace at the end, how long after its connection closed a speaker waits before the
 *     {@code DELETE}: the service tells the listeners from its disconnect handler, which runs after the close
 *     and needs the listeners' records that the {@code DELETE} removes
 */
public record DeployedSettings(boolean speakerHandover, boolean listenerRejoin, Duration endFlush, Duration endStepTimeout,
                               Duration rejoinSpread, Duration rejoinAudioWait, Duration languageConfirmTimeout,
                               Duration disconnectGrace) {
    /** 3 s of batching plus about 3 s of transcription, translation and synthesis (section 11.3). */
    public static final Duration DEFAULT_END_FLUSH = Duration.ofSeconds(6);
    public static final Duration DEFAULT_END_STEP_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REJOIN_SPREAD = Duration.ofSeconds(3);
    /** Segments come every ~3 s even in silence there ({@code [No transcription]}): 20 s without one is an end. */
    public static final Duration DEFAULT_REJOIN_AUDIO_WAIT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_LANGUAGE_CONFIRM_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_DISCONNECT_GRACE = Duration.ofSeconds(2);
    public static final DeployedSettings DEFAULTS = new DeployedSettings(true, true, DEFAULT_END_FLUSH, DEFAULT_END_STEP_TIMEOUT,
            DEFAULT_REJOIN_SPREAD, DEFAULT_REJOIN_AUDIO_WAIT, DEFAULT_LANGUAGE_CONFIRM_TIMEOUT, DEFAULT_DISCONNECT_GRACE);

    public DeployedSettings {
        require(endFlush != null && !endFlush.isNegative(), "endFlush", endFlush, "must not be negative");
        positive(endStepTimeout, "endStepTimeout");
        require(rejoinSpread != null && !rejoinSpread.isNegative(), "rejoinSpread", rejoinSpread, "must not be negative");
        positive(rejoinAudioWait, "rejoinAudioWait");
        positive(languageConfirmTimeout, "languageConfirmTimeout");
        require(disconnectGrace != null && !disconnectGrace.isNegative() && disconnectGrace.toSeconds() <= 60, "disconnectGrace",
                disconnectGrace, "must be between 0 and 60 s");
    }

    /**
     * After a {@code sessionEnded}, how long a gone speaker's last batch may still be pushed: {@code endFlush},
     * at most half the {@code rejoinAudioWait}, so that audio after it can still confirm a hand-over.
     */
    public Duration lastBatchWindow() {
        Duration half = rejoinAudioWait.dividedBy(2);
        return endFlush.compareTo(half) < 0 ? endFlush : half;
    }

    /** The longest a speaker's end can take: the flush, three steps each bounded by its timeout, and the grace before DELETE. */
    public Duration endBound() {
        return endFlush.plus(endStepTimeout.multipliedBy(3)).plus(disconnectGrace);
    }

    public DeployedSettings withSpeakerHandover(boolean value) {
        return new DeployedSettings(value, listenerRejoin, endFlush, endStepTimeout, rejoinSpread, rejoinAudioWait, languageConfirmTimeout, disconnectGrace);
    }

    public DeployedSettings withListenerRejoin(boolean value) {
        return new DeployedSettings(speakerHandover, value, endFlush, endStepTimeout, rejoinSpread, rejoinAudioWait, languageConfirmTimeout, disconnectGrace);
    }

    public DeployedSettings withEndFlush(Duration value) {
        return new DeployedSettings(speakerHandover, listenerRejoin, value, endStepTimeout, rejoinSpread, rejoinAudioWait, languageConfirmTimeout, disconnectGrace);
    }

    public DeployedSettings withEndStepTimeout(Duration value) {
        return new DeployedSettings(speakerHandover, listenerRejoin, endFlush, value, rejoinSpread, rejoinAudioWait, languageConfirmTimeout, disconnectGrace);
    }

    public DeployedSettings withRejoinSpread(Duration value) {
        return new DeployedSettings(speakerHandover, listenerRejoin, endFlush, endStepTimeout, value, rejoinAudioWait, languageConfirmTimeout, disconnectGrace);
    }

    public DeployedSettings withRejoinAudioWait(Duration value) {
        return new DeployedSettings(speakerHandover, listenerRejoin, endFlush, endStepTimeout, rejoinSpread, value, languageConfirmTimeout, disconnectGrace);
    }

    public DeployedSettings withDisconnectGrace(Duration value) {
        return new DeployedSettings(speakerHandover, listenerRejoin, endFlush, endStepTimeout, rejoinSpread, rejoinAudioWait,
                languageConfirmTimeout, value);
    }

    public DeployedSettings withLanguageConfirmTimeout(Duration value) {
        return new DeployedSettings(speakerHandover, listenerRejoin, endFlush, endStepTimeout, rejoinSpread, rejoinAudioWait, value, disconnectGrace);
    }
}

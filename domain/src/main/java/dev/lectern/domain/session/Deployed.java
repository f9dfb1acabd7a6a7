package dev.lectern.domain.session;

import dev.lectern.domain.LanguageCode;
import java.util.Set;

/**
 * What a client keeps for the service as deployed today (protocol section 11): whether it is talking to
 * that service, where a speaker's end stands, where a listener's rejoin stands, and the controls the service
 * cannot carry, applied here instead.
 *
 * @param service the service is the deployed one: a speaker's session came from the HTTP session API, or a
 *     listener's join was confirmed with no first frame (section 11.2)
 * @param endStep where a speaker's end stands (section 11.5); {@code NONE} until the host ends it
 * @param lastSentAt when the speaker last handed a chunk to the transport (epoch ms), or -1
 * @param rejoin where a listener's rejoin after a {@code sessionEnded} stands (section 11.4)
 * @param muted the speaker muted the broadcast: captured audio is withheld, as while paused
 * @param volume the speaker's volume, 0.0 to 1.0, applied to captured audio before it is sent
 * @param endedAt when the {@code sessionEnded} that started the current rejoin arrived (epoch ms), or -1
 */
public record Deployed(boolean service, EndStep endStep, long lastSentAt, Rejoin rejoin, boolean muted, double volume,
                       long endedAt) {

    /** The target languages the deployed service applies a {@code changeLanguage} for (section 11.3). */
    public static final Set<String> CHANGEABLE_LANGUAGES = Set.of("en", "es", "fr", "de", "pt", "it", "ja", "ko", "zh");

    /** The steps of a speaker's end on the deployed service, in order (section 11.5). */
    public enum EndStep {
        /** Not ending. */
        NONE,
        /** Capture stopped; the socket stays open until the last chunk's batch has been pushed to the listeners. */
        FLUSHING,
        /** {@code PATCH status:"ended"} sent: new joins and rejoins are refused from its answer on. */
        MARKING,
        /** The socket closes: the service tells every listener {@code sessionEnded}. */
        CLOSING,
        /** Closed: the service's disconnect handler, which tells the listeners, runs before the {@code DELETE}. */
        SETTLING,
        /** {@code DELETE} sent, to clean up. */
        DELETING
    }

    /** Where a listener's rejoin stands. */
    public enum Rejoin {
        /** No rejoin under way. */
        NONE,
        /** Told {@code sessionEnded}: a rejoin is scheduled or connecting. */
        REJOINING,
        /** Rejoined: the speaker handed over if audio comes within the wait. */
        AWAITING_AUDIO
    }

    static Deployed initial(SessionPlan plan) {
        return new Deployed(plan instanceof SessionPlan.Speak s && s.sessionApi(), EndStep.NONE, -1, Rejoin.NONE, false, 1.0, -1);
    }

    Deployed asService() {
        return service ? this : new Deployed(true, endStep, lastSentAt, rejoin, muted, volume, endedAt);
    }

    Deployed withEndStep(EndStep value) {
        return new Deployed(service, value, lastSentAt, rejoin, muted, volume, endedAt);
    }

    Deployed sentAt(long now) {
        return new Deployed(service, endStep, now, rejoin, muted, volume, endedAt);
    }

    Deployed rejoinFrom(long sessionEndedAt) {
        return new Deployed(service, endStep, lastSentAt, Rejoin.REJOINING, muted, volume, sessionEndedAt);
    }

    Deployed withRejoin(Rejoin value) {
        return new Deployed(service, endStep, lastSentAt, value, muted, volume, endedAt);
    }

    Deployed withMuted(boolean value) {
        return new Deployed(service, endStep, lastSentAt, rejoin, value, volume, endedAt);
    }

    Deployed withVolume(double value) {
        return new Deployed(service, endStep, lastSentAt, rejoin, muted, value, endedAt);
    }

    /** Whether the deployed service would apply a change to {@code language}. */
    static boolean changeable(LanguageCode language) {
        return CHANGEABLE_LANGUAGES.contains(language.value());
    }
}

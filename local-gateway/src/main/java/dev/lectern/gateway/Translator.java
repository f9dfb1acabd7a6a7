package dev.lectern.gateway;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;

/**
 * Where a real translation pipeline plugs in: turns the speaker's audio into audio in a listener's
 * language. The gateway calls it once per chunk and target language, on the speaker's connection thread.
 */
@FunctionalInterface
public interface Translator {

    AudioChunk translate(SessionId session, LanguageCode from, LanguageCode to, AudioChunk audio);

    /**
     * The text of {@code audio} in {@code to}, for a translated segment's transcript (the deployed flavor);
     * null, the default, lets the gateway write a placeholder that says which stretch of the talk it is.
     */
    default String transcript(SessionId session, LanguageCode from, LanguageCode to, AudioChunk audio) {
        return null;
    }

    /** Translation is out of scope for the stand-in: every language hears the speaker's audio unchanged. */
    Translator RELAY = (session, from, to, audio) -> audio;
}

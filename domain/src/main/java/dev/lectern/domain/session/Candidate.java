package dev.lectern.domain.session;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.LanguageCode;

/**
 * The refresh's new connection while it is being made.
 *
 * @param id the connection, while {@code step} is OPENING; else null
 * @param attempt failed attempts so far in this refresh
 * @param tokenRenewed a forced token renewal was already tried after a 401
 * @param language the stream it was opened for (listener)
 */
public record Candidate(ConnectionId id, int attempt, Step step, boolean tokenRenewed, LanguageCode language) {}

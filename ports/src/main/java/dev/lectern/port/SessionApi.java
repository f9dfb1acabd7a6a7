package dev.lectern.port;

import dev.lectern.domain.SessionId;
import dev.lectern.domain.session.CreateParams;
import java.util.concurrent.CompletionStage;

/**
 * The service's HTTP session API (protocol section 11.1): sessions are created, read, updated and deleted
 * over HTTP with the speaker's ID token as {@code Authorization: Bearer}. An implementation renews the
 * token once after a 401 and retries 429 and 5xx answers with jittered backoff itself; a stage that fails
 * does so with a {@link SessionApiException} whose error says whether retrying can help.
 *
 * <p>Non-blocking, like every port: each method returns at once.
 */
public interface SessionApi {

    /** {@code POST /sessions}: creates a session with the speaker as its owner. */
    CompletionStage<SessionResource> create(CreateParams params);

    /** {@code GET /sessions/{id}}. */
    CompletionStage<SessionResource> get(SessionId id);

    /** {@code PATCH /sessions/{id}} with {@code status} ({@code active}, {@code paused} or {@code ended}). */
    CompletionStage<SessionResource> updateStatus(SessionId id, String status);

    /** {@code DELETE /sessions/{id}}: every connection of the session is told and disconnected. */
    CompletionStage<Void> delete(SessionId id);
}

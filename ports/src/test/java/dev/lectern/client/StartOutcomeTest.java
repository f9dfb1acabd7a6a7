package dev.lectern.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.LecternError;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A client's start: completed by its confirming event, failed by an end that comes first, left alone by a later end. */
class StartOutcomeTest {
    private final StartOutcome<LecternEvent.SessionJoined> joined = new StartOutcome<>(
            e -> e instanceof LecternEvent.SessionJoined j ? j : null, "listener ended before joining");
    private final LecternEvent.SessionJoined joinedEvent =
            new LecternEvent.SessionJoined(SessionId.of("golden-eagle-427"), LanguageCode.of("es"), null, 3);

    @Test
    void theConfirmingEventCompletesItAndALaterEndLeavesItCompleted() {
        joined.onEvent(joinedEvent);
        joined.onEvent(new LecternEvent.Closed(EndReason.SESSION_ENDED));

        assertThat(joined.future()).isCompletedWithValue(joinedEvent);
    }

    @Test
    void anEndBeforeTheConfirmationFailsItWithTheReasonAndTheLastPermanentError() {
        LecternError refused = new LecternError("SESSION_NOT_FOUND", "no such session", 404, null, true);
        joined.onEvent(new LecternEvent.Error(refused));
        joined.onEvent(new LecternEvent.Closed(EndReason.SESSION_ENDED));

        assertThat(joined.future()).isCompletedExceptionally();
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(joined.future()::join);
        assertThat(failure).isInstanceOf(CompletionException.class).cause().isInstanceOf(LecternException.class)
                .hasMessage("listener ended before joining: SESSION_ENDED (SESSION_NOT_FOUND: no such session)");
        LecternException cause = (LecternException) failure.getCause();
        assertThat(cause.error()).isEqualTo(refused);
        assertThat(cause.endReason()).isEqualTo(EndReason.SESSION_ENDED);
    }
}

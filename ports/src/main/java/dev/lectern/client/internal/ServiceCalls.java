package dev.lectern.client.internal;

import dev.lectern.client.SegmentLoader;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.session.Effect;
import dev.lectern.domain.session.Input;
import dev.lectern.domain.session.LecternError;
import dev.lectern.port.AudioDecoder;
import dev.lectern.port.AuthenticationException;
import dev.lectern.port.SegmentFetcher;
import dev.lectern.port.SessionApi;
import dev.lectern.port.SessionApiException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The engine's effects that call the service over HTTP: the session API (protocol section 11.1) and the
 * translated segments' loads (section 11.3). Each one's answer, or its failure, goes back to the machine as
 * an input through {@code submit}; without the adapter a call needs, it fails at once, the same way.
 */
final class ServiceCalls {
    private static final LecternError NO_SESSION_API = new LecternError("NO_SESSION_API", "no session API configured", 0, null, true);

    private final SessionApi sessionApi;
    private final SegmentLoader segments;
    private final Consumer<Input> submit;

    ServiceCalls(SessionApi sessionApi, SegmentLoader segments, Consumer<Input> submit) {
        this.sessionApi = sessionApi;
        this.segments = segments;
        this.submit = submit;
    }

    void fetchSegment(Effect.FetchSegment fetch) {
        SequenceNumber seq = fetch.segment().sequence();
        if (segments == null) {
            submit.accept(new Input.SegmentFailed(seq, "no segment loader: this listener cannot play translated segments"));
            return;
        }
        segments.load(fetch.segment().url()).whenComplete((audio, failure) -> {
            if (failure == null) {
                submit.accept(new Input.SegmentReady(seq, audio));
                return;
            }
            Throwable cause = unwrap(failure);
            String reason = cause instanceof SegmentFetcher.FetchFailedException f
                    ? f.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + f.getMessage()
                    : cause instanceof AudioDecoder.UndecodableAudioException u ? "undecodable: " + u.getMessage()
                    : cause instanceof TimeoutException ? "timeout: the load did not end in time"
                    : "failed: " + describe(cause);
            submit.accept(new Input.SegmentFailed(seq, reason));
        });
    }

    void createSession(Effect.CreateSession create) {
        if (sessionApi == null) {
            submit.accept(new Input.SessionApiFailed(NO_SESSION_API));
            return;
        }
        sessionApi.create(create.params()).whenComplete((session, failure) -> {
            if (failure == null && session != null) {
                submit.accept(new Input.SessionApiCreated(session.sessionId(), session.sourceLanguage(), session.expiresAtMillis()));
            } else {
                submit.accept(new Input.SessionApiFailed(error(failure)));
            }
        });
    }

    /** {@code PATCH status:"ended"}. */
    void markSessionEnded(Effect.MarkSessionEnded mark) {
        answer(Input.SessionApiCall.MARK_ENDED, sessionApi == null ? null
                : sessionApi.updateStatus(mark.sessionId(), "ended").thenApply(session -> null));
    }

    /** {@code GET}, no token needed: the session's status, 404, or the failure. */
    void readSession(Effect.ReadSession read) {
        if (sessionApi == null) {
            submit.accept(new Input.SessionRead(null, false, NO_SESSION_API));
            return;
        }
        sessionApi.get(read.sessionId()).whenComplete((session, failure) -> {
            if (failure == null && session != null) {
                submit.accept(new Input.SessionRead(session.status(), false, null));
                return;
            }
            LecternError error = error(failure);
            submit.accept(new Input.SessionRead(null, error.status() == 404, error));
        });
    }

    /** {@code DELETE}. */
    void deleteSession(Effect.DeleteSession delete) {
        answer(Input.SessionApiCall.DELETE, sessionApi == null ? null : sessionApi.delete(delete.sessionId()));
    }

    /** The outcome of a session-API call as {@code SessionApiAnswered}; the machine bounds the wait. */
    private void answer(Input.SessionApiCall call, CompletionStage<?> stage) {
        if (stage == null) {
            submit.accept(new Input.SessionApiAnswered(call, NO_SESSION_API));
            return;
        }
        stage.whenComplete((ok, failure) -> submit.accept(new Input.SessionApiAnswered(call, failure == null ? null : error(failure))));
    }

    private static LecternError error(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof SessionApiException api ? api.error()
                : cause instanceof AuthenticationException auth ? auth.error()
                : LecternError.local("SESSION_API_FAILED", "the session API failed: " + describe(cause));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String describe(Throwable failure) {
        if (failure == null) {
            return "no answer";
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    }
}

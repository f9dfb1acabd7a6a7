package dev.lectern.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.ConnectFailure;
import dev.lectern.domain.session.ConnectRequest;
import dev.lectern.domain.session.CreateParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Transport} must do, run against the in-memory fake and the Jetty adapter alike:
 * callbacks tagged with their connection, first frame after open, refusals with status and code,
 * exactly one close, no sends after close.
 */
public abstract class TransportContract {

    /** The transport under test, reaching a gateway that speaks the protocol. */
    protected abstract Transport transport();

    /** Lets time pass for transports that run on virtual time; real ones need nothing. */
    protected void pump() {}

    /** A session id the gateway does not know. */
    protected SessionId unknownSession() {
        return SessionId.of("absent-owl-123");
    }

    /** One recorded callback. */
    public record Callback(String kind, ConnectionId id, Object payload) {}

    /** Records callbacks and waits for them with a deadline. */
    public final class Recorder implements TransportListener {
        final LinkedBlockingQueue<Callback> queue = new LinkedBlockingQueue<>();
        final List<Callback> seen = new ArrayList<>();

        @Override
        public void onOpen(ConnectionId id) {
            queue.add(new Callback("open", id, null));
        }

        @Override
        public void onMessage(ConnectionId id, ServerMessage message) {
            queue.add(new Callback("message", id, message));
        }

        @Override
        public void onMalformed(ConnectionId id, String reason) {
            queue.add(new Callback("malformed", id, reason));
        }

        @Override
        public void onRefused(ConnectionId id, ConnectFailure failure) {
            queue.add(new Callback("refused", id, failure));
        }

        @Override
        public void onClosed(ConnectionId id, int code, String reason) {
            queue.add(new Callback("closed", id, code));
        }

        private final List<Callback> unclaimed = new ArrayList<>();

        /** The first callback, arrived or arriving, that {@code wanted} matches and no earlier await took. */
        public Callback await(Predicate<Callback> wanted, Duration timeout) throws InterruptedException {
            for (Callback c : unclaimed) {
                if (wanted.test(c)) {
                    unclaimed.remove(c);
                    return c;
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                pump();
                Callback c = queue.poll(10, TimeUnit.MILLISECONDS);
                if (c != null) {
                    seen.add(c);
                    if (wanted.test(c)) {
                        return c;
                    }
                    unclaimed.add(c);
                }
            }
            return fail("no matching callback within " + timeout + "; saw " + seen);
        }

        /** Everything that arrives within {@code window}. */
        public List<Callback> drain(Duration window) throws InterruptedException {
            long deadline = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < deadline) {
                pump();
                Callback c = queue.poll(10, TimeUnit.MILLISECONDS);
                if (c != null) {
                    seen.add(c);
                }
            }
            return seen;
        }
    }

    static final Duration WAIT = Duration.ofSeconds(5);

    ConnectRequest create() {
        return new ConnectRequest.CreateSession(CreateParams.of(LanguageCode.of("en")), new IdToken("contract-speaker"));
    }

    @Test
    void openIsFollowedByTheConfirmingFirstFrameTaggedWithItsConnection() throws Exception {
        Recorder r = new Recorder();
        ConnectionId id = new ConnectionId(7);
        TransportConnection c = transport().open(id, create(), r);
        assertThat(c.id()).isEqualTo(id);
        assertThat(r.await(cb -> cb.kind().equals("open"), WAIT).id()).isEqualTo(id);
        Callback first = r.await(cb -> cb.kind().equals("message"), WAIT);
        assertThat(first.id()).isEqualTo(id);
        assertThat(first.payload()).isInstanceOf(ServerMessage.SessionCreated.class);
        c.close(1000, "done");
    }

    @Test
    void heartbeatIsAnsweredOnTheSameConnection() throws Exception {
        Recorder r = new Recorder();
        ConnectionId id = new ConnectionId(3);
        TransportConnection c = transport().open(id, create(), r);
        r.await(cb -> cb.payload() instanceof ServerMessage.SessionCreated, WAIT);
        CompletionStage<Void> sent = c.send(new ClientMessage.Heartbeat(1));
        Callback ack = r.await(cb -> cb.payload() instanceof ServerMessage.HeartbeatAck, WAIT);
        assertThat(ack.id()).isEqualTo(id);
        pump();
        assertThat(sent.toCompletableFuture().isCompletedExceptionally()).isFalse();
        c.close(1000, "done");
    }

    @Test
    void refusedConnectReportsStatusAndCodeAndNeverOpens() throws Exception {
        Recorder r = new Recorder();
        ConnectionId id = new ConnectionId(11);
        transport().open(id, new ConnectRequest.JoinSession(unknownSession(), LanguageCode.of("es")), r);
        Callback refused = r.await(cb -> cb.kind().equals("refused"), WAIT);
        assertThat(refused.id()).isEqualTo(id);
        ConnectFailure failure = (ConnectFailure) refused.payload();
        assertThat(failure.status()).isEqualTo(404);
        assertThat(failure.code()).isEqualTo("SESSION_NOT_FOUND");
        assertThat(r.seen).noneMatch(cb -> cb.kind().equals("open"));
    }

    @Test
    void gracefulCloseIsReportedExactlyOnceAndLaterSendsFail() throws Exception {
        Recorder r = new Recorder();
        ConnectionId id = new ConnectionId(5);
        TransportConnection c = transport().open(id, create(), r);
        r.await(cb -> cb.payload() instanceof ServerMessage.SessionCreated, WAIT);
        c.close(1000, "bye");
        Callback closed = r.await(cb -> cb.kind().equals("closed"), WAIT);
        assertThat(closed.id()).isEqualTo(id);
        List<Callback> after = r.drain(Duration.ofMillis(300));
        assertThat(after.stream().filter(cb -> cb.kind().equals("closed"))).hasSize(1);
        CompletionStage<Void> late = c.send(new ClientMessage.Heartbeat(2));
        pump();
        try {
            late.toCompletableFuture().get(2, TimeUnit.SECONDS);
            fail("a send after close must fail");
        } catch (ExecutionException expected) {
            // the stage failed, as it must
        }
    }

    @Test
    void twoConnectionsKeepTheirOwnIds() throws Exception {
        Recorder r = new Recorder();
        TransportConnection a = transport().open(new ConnectionId(1), create(), r);
        TransportConnection b = transport().open(new ConnectionId(2), create(), r);
        r.await(cb -> cb.payload() instanceof ServerMessage.SessionCreated && cb.id().value() == 1, WAIT);
        r.await(cb -> cb.payload() instanceof ServerMessage.SessionCreated && cb.id().value() == 2, WAIT);
        b.send(new ClientMessage.Heartbeat(9));
        assertThat(r.await(cb -> cb.payload() instanceof ServerMessage.HeartbeatAck, WAIT).id().value()).isEqualTo(2);
        a.close(1000, "done");
        b.close(1000, "done");
    }

    @Test
    void abortNeedsNoCloseHandshake() throws Exception {
        Recorder r = new Recorder();
        TransportConnection c = transport().open(new ConnectionId(4), create(), r);
        r.await(cb -> cb.payload() instanceof ServerMessage.SessionCreated, WAIT);
        c.abort();
        c.abort();
        c.close(1000, "after abort");
        Callback closed = r.await(cb -> cb.kind().equals("closed"), WAIT);
        assertThat(closed.id()).isEqualTo(c.id());
        assertThat(closed.payload()).as("no close handshake: abnormal closure, not the 1000 asked for afterwards").isEqualTo(1006);
        List<Callback> after = r.drain(Duration.ofMillis(300));
        assertThat(after.stream().filter(cb -> cb.kind().equals("closed"))).as("reported once").hasSize(1);
        assertThat(c.send(new ClientMessage.Heartbeat(3)).toCompletableFuture()).failsWithin(Duration.ofSeconds(2));
    }
}

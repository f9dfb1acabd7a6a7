package dev.lectern.gateway;

import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.Transport;
import dev.lectern.port.TransportContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The Jetty transport against the local gateway over loopback, held to the shared contract. */
class JettyTransportContractIT extends TransportContract {
    LocalGateway gateway;
    Transport transport;

    @BeforeEach
    void start() throws Exception {
        gateway = LocalGateway.builder().settings(Fixtures.gateway().build()).build();
        transport = JettyTransport.builder(gateway.start()).build();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    @Override
    protected Transport transport() {
        return transport;
    }

    @org.junit.jupiter.api.Test
    void messageOverOneFrameIsRefusedBeforeSending() throws Exception {
        Recorder r = new Recorder();
        dev.lectern.port.TransportConnection c = transport.open(new dev.lectern.domain.ConnectionId(1),
                new dev.lectern.domain.session.ConnectRequest.CreateSession(
                        dev.lectern.domain.session.CreateParams.of(dev.lectern.domain.LanguageCode.of("en")),
                        new dev.lectern.domain.IdToken("alice")), r);
        Callback created = r.await(cb -> cb.payload() instanceof dev.lectern.domain.message.ServerMessage.SessionCreated,
                java.time.Duration.ofSeconds(5));
        dev.lectern.domain.SessionId id = ((dev.lectern.domain.message.ServerMessage.SessionCreated) created.payload()).sessionId();
        var huge = new dev.lectern.domain.message.ClientMessage.AudioChunkUpload(id,
                dev.lectern.domain.AudioChunk.of(new byte[32_768]), 1, 1);
        org.assertj.core.api.Assertions.assertThat(c.send(huge).toCompletableFuture())
                .failsWithin(java.time.Duration.ofSeconds(1))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(dev.lectern.jetty.JettyTransport.MessageTooLargeException.class)
                .withMessageContaining("exceeds the 32768-byte frame limit");
        // The connection is untouched: a normal message still goes through.
        c.send(new dev.lectern.domain.message.ClientMessage.Heartbeat(1));
        r.await(cb -> cb.payload() instanceof dev.lectern.domain.message.ServerMessage.HeartbeatAck, java.time.Duration.ofSeconds(5));
        c.close(1000, "done");
    }
}

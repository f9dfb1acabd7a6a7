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
}

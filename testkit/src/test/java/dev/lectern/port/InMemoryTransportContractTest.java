package dev.lectern.port;

import dev.lectern.testing.InMemoryGateway;
import dev.lectern.testing.ManualScheduler;
import java.time.Duration;

/** The shipped in-memory transport keeps the same contract as the real one. */
class InMemoryTransportContractTest extends TransportContract {
    final ManualScheduler clock = new ManualScheduler(1_700_000_000_000L);
    final InMemoryGateway gateway = new InMemoryGateway(clock, InMemoryGateway.Settings.ofDefaults());

    @Override
    protected Transport transport() {
        return gateway.transport();
    }

    @Override
    protected void pump() {
        clock.advance(Duration.ofMillis(10));
    }
}

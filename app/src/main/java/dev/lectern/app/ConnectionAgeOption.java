package dev.lectern.app;

import dev.lectern.domain.session.SessionSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --max-connection-age}: where the service cuts a connection (API Gateway: 2 hours). The client keeps
 * the service's proportions below it: it replaces its connection by its own clock at 100/120 of the age,
 * plus a grace of 1/120, so a stand-in that cuts at 45 s is met as the real service is at 2 hours.
 */
final class ConnectionAgeOption {
    @Option(names = "--max-connection-age", paramLabel = "DURATION", converter = dev.lectern.gateway.GatewayCommand.DurationOption.class,
            description = "Where the service cuts a connection (default 2h, as API Gateway does); the connection is replaced "
                    + "before, at 100/120 of it. For a stand-in that scales the cut down, e.g. 45s.")
    Duration maxConnectionAge;

    /** {@code base} with the connection timings of this option, or {@code base} itself without it. */
    SessionSettings apply(SessionSettings base) {
        if (maxConnectionAge == null) {
            return base;
        }
        if (maxConnectionAge.toMillis() < 12_000 || maxConnectionAge.toHours() > 24) {
            throw new IllegalArgumentException("--max-connection-age must be between 12s and 24h, was: " + maxConnectionAge);
        }
        long age = maxConnectionAge.toMillis();
        return base.toBuilder().maxConnectionAge(maxConnectionAge).refreshAfter(Duration.ofMillis(age * 100 / 120))
                .selfRefreshGrace(Duration.ofMillis(Math.max(1, age / 120))).build();
    }
}

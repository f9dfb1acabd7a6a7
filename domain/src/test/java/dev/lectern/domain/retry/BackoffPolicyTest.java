package dev.lectern.domain.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

    @Test
    void defaultFirstRetryComesWithinOneSecondAndCeilingStopsAtThirtySeconds() {
        BackoffPolicy p = BackoffPolicy.DEFAULT;
        assertThat(p.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.ceiling(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(p.ceiling(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.ceiling(1000)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.delay(1, 0.999, null)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void fullJitterSpreadsOverTheWholeWindow() {
        assertThat(BackoffPolicy.DEFAULT.delay(3, 0.0, null)).isEqualTo(Duration.ZERO);
        assertThat(BackoffPolicy.DEFAULT.delay(3, 0.5, null)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void budgetOfZeroMeansUnlimited() {
        assertThat(BackoffPolicy.DEFAULT.withMaxAttempts(0).allows(1_000_000)).isTrue();
        assertThat(BackoffPolicy.DEFAULT.allows(10)).isTrue();
        assertThat(BackoffPolicy.DEFAULT.allows(11)).isFalse();
    }

    @Test
    void invalidPolicyNamesTheField() {
        assertThatThrownBy(() -> new BackoffPolicy(Duration.ofSeconds(5), 2, Duration.ofSeconds(1), BackoffPolicy.Jitter.FULL, 1))
                .hasMessageContaining("maxDelay").hasMessageContaining("PT1S");
        assertThatThrownBy(() -> new BackoffPolicy(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1), BackoffPolicy.Jitter.FULL, 1))
                .hasMessageContaining("multiplier").hasMessageContaining("0.5");
    }

    @Test
    void entropyIsDeterministicPerSeed() {
        Entropy a = Entropy.seeded(7);
        Entropy b = Entropy.seeded(7);
        for (int i = 0; i < 100; i++) {
            Entropy.Draw da = a.nextDouble();
            Entropy.Draw db = b.nextDouble();
            assertThat(da.value()).isEqualTo(db.value()).isBetween(0.0, 1.0);
            a = da.next();
            b = db.next();
        }
    }
}

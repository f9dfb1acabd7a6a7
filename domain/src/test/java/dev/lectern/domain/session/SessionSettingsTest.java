package dev.lectern.domain.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionSettingsTest {

    @Test
    void defaultsFollowTheProtocol() {
        SessionSettings s = SessionSettings.ofDefaults();
        assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.silenceTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.refreshAfter()).isEqualTo(Duration.ofMinutes(100));
        assertThat(s.maxConnectionAge()).isEqualTo(Duration.ofMinutes(120));
        assertThat(s.sendQueueCapacity()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.jitterBufferCapacity()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.toBuilder().build()).isEqualTo(s);
    }

    @Test
    void invalidValueFailsAtBuildNamingFieldAndValue() {
        assertThatThrownBy(() -> SessionSettings.builder().heartbeatInterval(Duration.ofSeconds(-3)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeatInterval").hasMessageContaining("PT-3S");
        assertThatThrownBy(() -> SessionSettings.builder().heartbeatAckTimeout(Duration.ofSeconds(40)).build())
                .hasMessageContaining("heartbeatAckTimeout").hasMessageContaining("PT40S");
        assertThatThrownBy(() -> SessionSettings.builder().refreshAfter(Duration.ofMinutes(130)).build())
                .hasMessageContaining("refreshAfter").hasMessageContaining("PT2H10M");
    }

    @Test
    void createParamsCheckTheirRanges() {
        assertThatThrownBy(() -> new CreateParams(dev.lectern.domain.LanguageCode.of("en"),
                dev.lectern.domain.QualityTier.STANDARD, true, 0.5, 5.0))
                .hasMessageContaining("minStability").hasMessageContaining("0.5");
    }
}

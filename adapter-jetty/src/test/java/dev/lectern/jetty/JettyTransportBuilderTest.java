package dev.lectern.jetty;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** A transport's settings are checked when it is built, and a refusal names the setting and its value. */
class JettyTransportBuilderTest {
    private final JettyTransport.Builder builder = JettyTransport.builder(URI.create("ws://127.0.0.1:1"));

    @Test
    void noSelectorThreadIsRefused() {
        assertThatThrownBy(() -> builder.selectorThreads(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("selectorThreads must be at least 1, was: 0");
    }

    @Test
    void aNegativeSelectorThreadCountIsRefused() {
        assertThatThrownBy(() -> builder.selectorThreads(-2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("selectorThreads must be at least 1, was: -2");
    }

    @Test
    void aMessageLimitUnder1024BytesIsRefused() {
        assertThatThrownBy(() -> builder.maxInboundMessageBytes(1023).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxInboundMessageBytes must be at least 1024, was: 1023");
    }
}

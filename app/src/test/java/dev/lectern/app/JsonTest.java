package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesTheFiguresAsJacksonsObjectMapperWouldWriteThem() throws Exception {
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", 12L);
        latency.put("p99", 104.5);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("sessionId", "golden-eagle-427");
        f.put("listeners", 500);
        f.put("delivered", 100_000L);
        f.put("cpuSeconds", 11.734);
        f.put("ratio", 0.1f);
        f.put("exact", new BigDecimal("1.50"));
        f.put("nothing", null);
        f.put("notANumber", Double.NaN);
        f.put("embedded", false);
        f.put("endReason", Thread.State.TERMINATED);
        f.put("latencyMs", latency);
        f.put("listenersFigures", List.of(Map.of("played", 200L), Map.of("text", "tab\tquote\" caf\u00e9")));

        String line = Json.line(f);

        assertThat(line).isEqualTo(new ObjectMapper().writeValueAsString(f));
        assertThat(line).doesNotContain("\n");
    }

    @Test
    void refusesWhatIsNotAJsonValue() {
        assertThatThrownBy(() -> Json.line(Map.of("when", new Object())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
    }
}

package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {

    @Test
    void demoRunsHoursOfSessionWithRefreshesAndEndsEveryone() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DemoCommand demo = new DemoCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int exit = new CommandLine(demo).execute("--hours", "4", "--listeners", "2", "--drop-every", "50m");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).isZero();
        assertThat(out).contains("SessionCreated[sessionId=").contains("ConnectionRefreshed")
                .contains("Reconnected").contains("SessionEnded").contains("Closed[reason=SESSION_ENDED]")
                .contains("Closed[reason=ENDED_BY_USER]");
        assertThat(out).containsPattern("speaker: Counters\\[captured=144000, sent=14\\d{4}");
    }

    @Test
    void durationsAreWrittenTheShortWay() {
        assertThat(DurationConverter.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationConverter.parse("100m")).isEqualTo(Duration.ofMinutes(100));
        assertThat(DurationConverter.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationConverter.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> DurationConverter.parse("soon")).hasMessageContaining("'soon'");
    }
}

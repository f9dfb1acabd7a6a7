package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad file or setting given to the runner ends it with one sentence on standard error that names the
 * file or setting and what to do, exit 1: never a framework's report, a stack trace or the word "null".
 */
class RunnerCommandEdgeTest {
    @TempDir
    Path dir;

    static void oneSentence(Run run, String... naming) {
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        String err = run.err().strip();
        assertThat(err.lines()).as("one line: " + err).hasSize(1);
        assertThat(err).contains(naming).doesNotContain("Guice", "provision", "null", "Exception", "\tat ");
    }

    @Test
    void aMissingInputFileIsNamed() {
        Run run = Run.of(Main.commandLine(SpeakAndListenIT.speak(Map.of("LECTERN_TOKEN", "alice"))), "--endpoint", "ws://127.0.0.1:9",
                "--input", dir.resolve("nope.wav").toString());
        oneSentence(run, "nope.wav", "no such file", "--input mic");
    }

    @Test
    void aFileThatIsNotWavIsNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("notes.wav"), "not a wav");
        Run run = Run.of(Main.commandLine(SpeakAndListenIT.speak(Map.of("LECTERN_TOKEN", "alice"))), "--endpoint", "ws://127.0.0.1:9",
                "--input", bad.toString());
        oneSentence(run, "notes.wav", "not a WAV file");
    }

    @Test
    void anUnreadableTrustStoreIsNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("trust.p12"), "not a key store");
        Run run = Run.of(Main.commandLine(SpeakAndListenIT.listen()), "--endpoint", "wss://127.0.0.1:9", "--session", "quiet-river-123",
                "--language", "es", "--output", dir.resolve("x.wav").toString(), "--trust-store", bad.toString());
        oneSentence(run, "trust.p12", "trust store", "LECTERN_TRUST_STORE_PASSWORD");
    }
}

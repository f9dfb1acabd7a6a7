package dev.lectern.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.LecternListener;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.InMemoryGateway;
import dev.lectern.testing.ManualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's example, run as a test; the README and docs/getting-started.md must show exactly the
 * code between the tag lines below, so the docs cannot drift from code that compiles and works.
 */
class GettingStartedTest {

    @Test
    void speakAndListenOnTheTestKit() {
        List<Long> heard = new ArrayList<>();
        // tag::speak-and-listen[]
        ManualScheduler clock = new ManualScheduler(System.currentTimeMillis());
        InMemoryGateway gateway = new InMemoryGateway(clock, InMemoryGateway.Settings.ofDefaults());

        SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").build())
                .transport(gateway.transport())
                .tokenProvider(FixedTokenProvider.of("alice"))
                .scheduler(clock).eventExecutor(Runnable::run)
                .build();
        var created = speaker.start();
        clock.advance(Duration.ofSeconds(1));
        SessionId sessionId = created.toCompletableFuture().join();   // e.g. golden-eagle-427

        ListenerClient listener = ListenerClient.builder(ListenerConfig.builder()
                        .sessionId(sessionId.value()).targetLanguage("es").build())
                .transport(gateway.transport())
                .audioSink((sequence, audio) -> heard.add(sequence.value()))
                .scheduler(clock).eventExecutor(Runnable::run)
                .build();
        listener.start();
        clock.advance(Duration.ofSeconds(1));

        for (int i = 0; i < 50; i++) {                    // five seconds of 100 ms chunks
            speaker.send(AudioChunk.silence(100));
            clock.advance(Duration.ofMillis(100));
        }
        speaker.close();                                  // ends the session for every listener
        clock.advance(Duration.ofSeconds(1));
        // end::speak-and-listen[]
        assertThat(heard).hasSize(50);
        assertThat(listener.terminated().toCompletableFuture().join()).isNotNull();
    }

    @Test
    void listenerInterfaceHasATypedMethodForEachSeedEvent() {
        List<String> seen = new ArrayList<>();
        LecternListener listener = new LecternListener() {
            @Override
            public void onReconnectFailed(LecternEvent.ReconnectFailed event) {
                seen.add("reconnectFailed");
            }
        };
        listener.onEvent(new LecternEvent.ReconnectFailed(3, null));
        listener.onEvent(new LecternEvent.Reconnected(1));
        assertThat(seen).containsExactly("reconnectFailed");
    }

    @Test
    void docsShowTheCodeThatRuns() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/lectern/docs/GettingStartedTest.java"));
        Matcher tagged = Pattern.compile("// tag::speak-and-listen\\[]\\n(.*?)\\n\\s*// end::speak-and-listen\\[]", Pattern.DOTALL)
                .matcher(source);
        assertThat(tagged.find()).isTrue();
        String code = normalise(tagged.group(1));
        for (Path doc : List.of(Path.of("../README.md"), Path.of("getting-started.md"))) {
            String text = Files.readString(doc);
            Matcher block = Pattern.compile("<!-- snippet: speak-and-listen -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(text);
            assertThat(block.find()).as(doc + " has the speak-and-listen snippet").isTrue();
            assertThat(normalise(block.group(1))).as(doc + " shows the tested code").isEqualTo(code);
        }
    }

    private static String normalise(String code) {
        StringBuilder out = new StringBuilder();
        for (String line : code.split("\\n")) {
            if (!line.isBlank()) {
                out.append(line.strip()).append('\n');
            }
        }
        return out.toString();
    }
}

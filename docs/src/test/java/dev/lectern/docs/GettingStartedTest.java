package dev.lectern.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.LecternListener;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.DropReason;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.LecternError;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.InMemoryGateway;
import dev.lectern.testing.ManualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
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
        assertThat(heard).as("every chunk, once, in order").containsExactlyElementsOf(LongStream.range(0, 50).boxed().toList());
        assertThat(speaker.terminated().toCompletableFuture().join()).isEqualTo(EndReason.ENDED_BY_USER);
        assertThat(listener.terminated().toCompletableFuture().join()).isEqualTo(EndReason.SESSION_ENDED);
    }

    @Test
    void listenerInterfaceHasATypedMethodForEachSeedEvent() {
        SessionId id = SessionId.of("golden-eagle-427");
        LanguageCode es = LanguageCode.of("es");
        ConnectionId c1 = new ConnectionId(1);
        LecternError failure = LecternError.local("NETWORK_ERROR", "unreachable");
        // Every event the seed clients emitted, plus the ones Lectern adds, each with the method it must reach.
        Map<String, LecternEvent> events = new LinkedHashMap<>();
        events.put("sessionCreated", new LecternEvent.SessionCreated(id, LanguageCode.of("en"), null));
        events.put("sessionJoined", new LecternEvent.SessionJoined(id, es, LanguageCode.of("en"), null));
        events.put("audioReceived", new LecternEvent.AudioReceived(new SequenceNumber(0), AudioChunk.silence(100)));
        events.put("sessionPaused", new LecternEvent.SessionPaused(id));
        events.put("sessionResumed", new LecternEvent.SessionResumed(id));
        events.put("sessionEnded", new LecternEvent.SessionEnded(id, "bye"));
        events.put("connectionWarning", new LecternEvent.ConnectionWarning(15.0, "soon"));
        events.put("connectionRefreshed", new LecternEvent.ConnectionRefreshed(c1, new ConnectionId(2)));
        events.put("reconnected", new LecternEvent.Reconnected(1));
        events.put("reconnectFailed", new LecternEvent.ReconnectFailed(3, failure));
        events.put("error", new LecternEvent.Error(failure));
        events.put("disconnected", new LecternEvent.Disconnected(c1, 1006, "gone"));
        events.put("audioDropped", new LecternEvent.AudioDropped(1, DropReason.QUEUE_FULL, 1));
        events.put("audioGap", new LecternEvent.AudioGap(new SequenceNumber(3), new SequenceNumber(4)));
        events.put("closed", new LecternEvent.Closed(EndReason.ENDED_BY_USER));
        List<String> seen = new ArrayList<>();
        LecternListener listener = new LecternListener() {
            @Override public void onSessionCreated(LecternEvent.SessionCreated e) { seen.add("sessionCreated"); }
            @Override public void onSessionJoined(LecternEvent.SessionJoined e) { seen.add("sessionJoined"); }
            @Override public void onAudioReceived(LecternEvent.AudioReceived e) { seen.add("audioReceived"); }
            @Override public void onSessionPaused(LecternEvent.SessionPaused e) { seen.add("sessionPaused"); }
            @Override public void onSessionResumed(LecternEvent.SessionResumed e) { seen.add("sessionResumed"); }
            @Override public void onSessionEnded(LecternEvent.SessionEnded e) { seen.add("sessionEnded"); }
            @Override public void onConnectionWarning(LecternEvent.ConnectionWarning e) { seen.add("connectionWarning"); }
            @Override public void onConnectionRefreshed(LecternEvent.ConnectionRefreshed e) { seen.add("connectionRefreshed"); }
            @Override public void onReconnected(LecternEvent.Reconnected e) { seen.add("reconnected"); }
            @Override public void onReconnectFailed(LecternEvent.ReconnectFailed e) { seen.add("reconnectFailed"); }
            @Override public void onError(LecternEvent.Error e) { seen.add("error"); }
            @Override public void onDisconnected(LecternEvent.Disconnected e) { seen.add("disconnected"); }
            @Override public void onAudioDropped(LecternEvent.AudioDropped e) { seen.add("audioDropped"); }
            @Override public void onAudioGap(LecternEvent.AudioGap e) { seen.add("audioGap"); }
            @Override public void onClosed(LecternEvent.Closed e) { seen.add("closed"); }
        };
        for (LecternEvent e : events.values()) {
            listener.onEvent(e);
        }
        listener.onEvent(new LecternEvent.RetryScheduled(1, Duration.ofSeconds(1), failure)); // no typed method: onEvent only
        assertThat(seen).as("each event reached its own method, once, in order").containsExactlyElementsOf(events.keySet());
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

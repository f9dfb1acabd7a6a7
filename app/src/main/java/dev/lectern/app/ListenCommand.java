package dev.lectern.app;

import com.google.inject.Injector;
import com.google.inject.Module;
import dev.lectern.app.wiring.AudioModules;
import dev.lectern.app.wiring.ClientFactory;
import dev.lectern.app.wiring.JettyTransportModule;
import dev.lectern.app.wiring.SegmentModule;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.EndReason;
import dev.lectern.javasound.AudioDeviceException;
import dev.lectern.port.AudioSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lectern listen}: joins a session in a language and plays it, or writes it to a WAV file, until it ends. */
@Command(name = "listen", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Joins a session in a language and plays the translated audio, or writes it to a WAV file, until the session ends.")
final class ListenCommand extends RunnerCommand implements Callable<Integer> {

    @Option(names = "--session", paramLabel = "ID", required = true, description = "The session to join, e.g. golden-eagle-427.")
    String session;

    @Option(names = "--language", paramLabel = "LANG", required = true, description = "The language to hear, two letters.")
    String language;

    @Option(names = "--output", paramLabel = "speakers|FILE.wav", defaultValue = "speakers",
            description = "Where the audio goes: speakers (a playback device) or a WAV file (default ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--device", paramLabel = "NAME", description = "The playback device, by (part of) its name (default: the system's).")
    String device;

    @Option(names = "--overwrite", description = "Replace an existing --output or --subtitles file (by default an existing file is refused).")
    boolean overwrite;

    @Option(names = "--captions", description = "Print the text of each translated segment as it plays (a service that sends segments).")
    boolean captions;

    @Option(names = "--no-rejoin", description = "Take every sessionEnded as the end. By default, on a service that sends no "
            + "first frame (as deployed), a listener told sessionEnded rejoins once, since a speaker's hand-over ends it so too.")
    boolean noRejoin;

    @picocli.CommandLine.Mixin
    ConnectionAgeOption connectionAge;

    @Option(names = "--session-api", paramLabel = "URL", defaultValue = "${env:LECTERN_SESSION_API}",
            description = "The service's HTTP session API: before a rejoin, read the session there (its public GET, no token), "
                    + "so that an ended session ends listen without a connect (default: $LECTERN_SESSION_API; none: no read).")
    java.net.URI sessionApi;

    @Option(names = "--subtitles", paramLabel = "FILE.vtt|FILE.srt",
            description = "Write the text of each translated segment as WebVTT or SRT cues, timed on the audio written.")
    Path subtitles;

    @Override
    public Integer call() throws Exception {
        ListenerConfig config;
        try {
            dev.lectern.domain.session.SessionSettings defaults = dev.lectern.domain.session.SessionSettings.ofDefaults();
            config = ListenerConfig.builder().sessionId(session).targetLanguage(language)
                    .settings(connectionAge.apply(defaults.toBuilder().deployed(defaults.deployed().withListenerRejoin(!noRejoin)).build()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        List<Module> modules = new ArrayList<>();
        modules.add(new JettyTransportModule(endpoint(), trustStore, env.apply("LECTERN_TRUST_STORE_PASSWORD")));
        boolean toSpeakers = "speakers".equals(output);
        if (toSpeakers && overwrite && subtitles == null) {
            throw usage("--overwrite replaces an --output or --subtitles file; it does nothing with --output speakers alone");
        }
        if (!toSpeakers && device != null) {
            throw usage("--device picks a playback device; it does nothing with --output " + output);
        }
        if (!toSpeakers && java.nio.file.Files.exists(Path.of(output)) && !overwrite) {
            throw usage(output + " exists: give another --output, or --overwrite to replace it");
        }
        modules.add(toSpeakers ? AudioModules.speakers(device) : AudioModules.wavOutput(Path.of(output)));
        modules.add(new SegmentModule(trustStore, env.apply("LECTERN_TRUST_STORE_PASSWORD")));
        if (sessionApi != null) {
            modules.add(new dev.lectern.app.wiring.JettySessionApiModule(sessionApi, trustStore, env.apply("LECTERN_TRUST_STORE_PASSWORD")));
        }
        if (subtitles != null && java.nio.file.Files.exists(subtitles) && !overwrite) {
            throw usage(subtitles + " exists: give another --subtitles, or --overwrite to replace it");
        }
        Subtitles cues;
        try {
            cues = subtitles == null ? null : Subtitles.open(subtitles);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write the subtitles to " + subtitles + ": " + e.getMessage(), e);
        }
        Injector injector = injector(modules);
        AudioSink sink;
        try {
            sink = injector.getInstance(AudioSink.class);
        } catch (com.google.inject.ProvisionException e) {
            if (e.getCause() instanceof AudioDeviceException device && toSpeakers) {
                throw new IllegalStateException(device.getMessage() + ". To write the audio to a file instead: --output FILE.wav", device);
            }
            throw new IllegalStateException(e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), e);
        }
        try (Terminal terminal = new Terminal(out(), interactive)) {
            Tally tally = Tally.listener("listener", config.targetLanguage().value(), terminal::event);
            SegmentTally segments = new SegmentTally(tally, captions ? terminal::println : null, cues, terminal::println);
            ListenerClient listener = injector.getInstance(ClientFactory.class).listener(config, segments);
            Thread hook = new Thread(() -> {
                listener.close();
                listener.terminated().toCompletableFuture().completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
                sink.close();
            }, "lectern-listen-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            LecternEvent.SessionJoined joined;
            try {
                joined = listener.start().toCompletableFuture().get();
            } catch (ExecutionException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
                sink.close();
                if (cues != null) {
                    cues.close(); // nothing was written: no file left open or half made
                    java.nio.file.Files.deleteIfExists(subtitles);
                }
                throw new IllegalStateException("could not join session " + config.sessionId().value() + ": " + explain(e), e);
            }
            if (sink instanceof dev.lectern.app.wiring.DeferredWavSink wav) {
                try {
                    wav.open(); // joined: now the file is made
                } catch (dev.lectern.port.AudioSinkException e) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    listener.close();
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
            terminal.println("joined " + joined.sessionId().value() + " in " + joined.targetLanguage().value()
                    + (joined.sourceLanguage() == null ? "" : " (spoken in " + joined.sourceLanguage().value() + ")"));
            terminal.status(() -> String.format("%s %s  %s  played %d  gap chunks %d  duplicates %d  refreshes %d  reconnects %d%s",
                    config.sessionId().value(), listener.language().value(), listener.state(), listener.counters().played(),
                    listener.counters().gapChunks(), listener.counters().duplicates(), tally.refreshes(), tally.reconnects(),
                    tally.retrying == null ? "" : "  (" + tally.retrying + ")"));
            EndReason reason = listener.terminated().toCompletableFuture().get();
            sink.close();
            if (cues != null) {
                cues.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is leaving the session
            }
            terminal.close();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("sessionId", config.sessionId().value());
            figures.put("language", listener.language().value());
            figures.put("played", listener.counters().played());
            figures.put("gapChunks", listener.counters().gapChunks());
            figures.put("duplicates", listener.counters().duplicates());
            figures.put("refreshes", tally.refreshes());
            figures.put("reconnects", tally.reconnects());
            figures.put("endReason", reason.name());
            figures.put("segments", segments.played());
            figures.put("segmentGaps", segments.gaps());
            figures.put("segmentsLost", listener.counters().segmentsLost());
            figures.put("rejoins", segments.rejoins());
            figures.put("captions", segments.captions());
            if (tally.lastError != null && exitCode(reason) != 0) {
                spec.commandLine().getErr().println("lectern listen: ended " + reason + ": " + tally.lastError);
            }
            out().println(json ? Json.line(figures) : "ended " + reason + ": played " + figures.get("played") + ", gap chunks "
                    + figures.get("gapChunks") + ", refreshes " + tally.refreshes() + ", reconnects " + tally.reconnects());
            out().flush();
            return exitCode(reason);
        }
    }
}

package dev.lectern.app;

import com.google.inject.Injector;
import com.google.inject.Module;
import dev.lectern.app.wiring.AudioModules;
import dev.lectern.app.wiring.ClientFactory;
import dev.lectern.app.wiring.JettySessionApiModule;
import dev.lectern.app.wiring.JettyTransportModule;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.QualityTier;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.EndReason;
import dev.lectern.javasound.WavFileSource;
import dev.lectern.port.AudioSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lectern speak}: signs in, creates a session, prints {@code session <id>}, and streams a microphone
 * or a WAV file until the file ends, {@code end} is typed, or Ctrl-C; the session then ends for every
 * listener. Lines on standard input control the broadcast.
 */
@Command(name = "speak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Creates a session and streams audio to it from a microphone or a WAV file.",
                "Sign in with Cognito (--username, --client-id, --region; the password from $LECTERN_PASSWORD or a prompt,",
                "a client secret from $LECTERN_CLIENT_SECRET), or pass an ID token in $LECTERN_TOKEN.",
                "Type on standard input: pause, resume, mute, unmute, volume N (0 to 1), status, end."})
final class SpeakCommand extends RunnerCommand implements Callable<Integer> {
    InputStream stdin = System.in;

    @Option(names = "--source-language", paramLabel = "LANG", defaultValue = "en",
            description = "The language spoken, two letters (default ${DEFAULT-VALUE}).")
    String sourceLanguage;

    @Option(names = "--quality-tier", paramLabel = "standard|premium", defaultValue = "standard",
            description = "Translation quality tier (default ${DEFAULT-VALUE}).")
    String qualityTier;

    @Option(names = "--input", paramLabel = "mic|FILE.wav", defaultValue = "mic",
            description = "Where the audio comes from: mic (a capture device) or a WAV file (default ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--device", paramLabel = "NAME", description = "The capture device, by (part of) its name (default: the system's).")
    String device;

    @Option(names = "--loop", description = "Start the WAV file again at its end, until ended by hand.")
    boolean loop;

    @Option(names = "--wait-for-listeners", paramLabel = "N", defaultValue = "0",
            description = "Hold the audio until N listeners have joined (default ${DEFAULT-VALUE}).")
    int waitForListeners;

    @Option(names = "--hold", paramLabel = "DURATION", converter = dev.lectern.gateway.GatewayCommand.DurationOption.class,
            description = "Hold the audio this long once the session exists, so listeners can join first (e.g. 10s; default: none).")
    java.time.Duration hold;

    @Option(names = "--session-api", paramLabel = "URL", defaultValue = "${env:LECTERN_SESSION_API}",
            description = "The service's HTTP session API, e.g. https://abc123.execute-api.us-east-1.amazonaws.com: create the session "
                    + "there and connect to it by id, as the deployed service needs (default: $LECTERN_SESSION_API; none: create over the WebSocket).")
    URI sessionApi;

    @Option(names = "--end-flush", paramLabel = "DURATION", converter = dev.lectern.gateway.GatewayCommand.DurationOption.class,
            description = "With --session-api: at the end, keep the connection open this long after the last chunk, so that the "
                    + "service's last batch reaches the listeners (default 6s: its 3 s batch window and its processing).")
    java.time.Duration endFlush;

    @Option(names = "--no-handover", description = "With --session-api: do not hand the session over to a new connection before the "
            + "service cuts the old one at 2 hours; the session then ends at the cut.")
    boolean noHandover;

    @Mixin
    SignInOptions signIn;

    @Mixin
    ConnectionAgeOption connectionAge;

    @Override
    public Integer call() throws Exception {
        URI url = endpoint();
        QualityTier tier;
        try {
            tier = QualityTier.valueOf(qualityTier.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw usage("--quality-tier must be standard or premium, was: " + qualityTier);
        }
        SpeakerConfig config;
        try {
            dev.lectern.domain.session.SessionSettings defaults = dev.lectern.domain.session.SessionSettings.ofDefaults();
            dev.lectern.domain.session.DeployedSettings deployed = defaults.deployed().withSpeakerHandover(!noHandover);
            if (endFlush != null) {
                deployed = deployed.withEndFlush(endFlush);
            }
            config = SpeakerConfig.builder().sourceLanguage(sourceLanguage).qualityTier(tier).sessionApi(sessionApi)
                    .settings(connectionAge.apply(defaults.toBuilder().deployed(deployed).build())).build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (sessionApi == null && (endFlush != null || noHandover)) {
            throw usage((endFlush != null ? "--end-flush" : "--no-handover") + " is for a service with a session API (--session-api)");
        }
        if (endFlush != null && (endFlush.isNegative() || endFlush.toSeconds() > 60)) {
            throw usage("--end-flush must be between 0 and 60 seconds, was: " + endFlush);
        }
        if (waitForListeners < 0) {
            throw usage("--wait-for-listeners must not be negative, was: " + waitForListeners);
        }
        if (waitForListeners > 0 && sessionApi != null) {
            throw usage("--wait-for-listeners counts listeners with the seed's sessionStatus, which a service with a session API "
                    + "does not answer; use --hold DURATION instead");
        }
        if ("mic".equals(input) && loop) {
            throw usage("--loop starts a WAV file again at its end; it does nothing with --input mic");
        }
        if (!"mic".equals(input) && device != null) {
            throw usage("--device picks a capture device; it does nothing with --input " + input);
        }
        if (hold != null && (hold.isNegative() || hold.toHours() >= 1)) {
            throw usage("--hold must be between 0 and 1 hour, was: " + hold);
        }
        List<Module> modules = new ArrayList<>();
        modules.add(new JettyTransportModule(url, trustStore, env.apply("LECTERN_TRUST_STORE_PASSWORD")));
        modules.add(signIn.module(env, spec.commandLine()));
        if (sessionApi != null) {
            modules.add(new JettySessionApiModule(sessionApi, trustStore, env.apply("LECTERN_TRUST_STORE_PASSWORD")));
        }
        modules.add("mic".equals(input) ? AudioModules.microphone(device) : AudioModules.wavInput(Path.of(input), loop));
        Injector injector = injector(modules);
        AudioSource source = injector.getInstance(AudioSource.class); // opens the device or reads the file now

        try (Terminal terminal = new Terminal(out(), interactive)) {
            Tally tally = Tally.speaker("speaker", terminal::event);
            int[] listeners = {0};
            SpeakerClient speaker = injector.getInstance(ClientFactory.class).speaker(config, new dev.lectern.client.LecternListener() {
                @Override
                public void onEvent(LecternEvent event) {
                    tally.onEvent(event);
                    if (event instanceof LecternEvent.StatusReceived s) {
                        listeners[0] = s.status().listenerCount();
                    } else if (event instanceof LecternEvent.SessionReplaced r) {
                        terminal.println("session " + r.current().value());
                    }
                }
            });
            // the end may wait for the last batch and three answers (DeployedSettings.endBound)
            long endWait = 5 + (sessionApi == null ? 0 : config.settings().deployed().endBound().toSeconds());
            Thread hook = new Thread(() -> {
                source.stop(); // capture stops first: nothing is captured that cannot be sent
                speaker.end("Speaker stopped");
                speaker.terminated().toCompletableFuture().completeOnTimeout(null, endWait, TimeUnit.SECONDS).join();
            }, "lectern-speak-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            CtrlC.onInterrupt(() -> {
                terminal.println("ending: the last words reach the listeners first (Ctrl-C again to end at once)");
                source.stop(); // capture stops first: nothing is captured that cannot be sent
                speaker.end("Speaker stopped");
            }, () -> speaker.endNow("Speaker stopped"));
            SessionId id;
            try {
                id = speaker.start().toCompletableFuture().get();
            } catch (java.util.concurrent.ExecutionException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
                source.close();
                // the deployed service refuses a WebSocket creation 400 (MISSING_SESSION_ID when it says which)
                String hint = e.getCause() instanceof dev.lectern.client.LecternException le && le.error() != null
                        && le.error().status() == 400 && sessionApi == null
                        ? "; a service that creates sessions over its HTTP API refuses this: pass --session-api URL"
                        + " (or set LECTERN_SESSION_API)" : "";
                throw new IllegalStateException("could not create a session: " + explain(e) + hint, e);
            }
            terminal.println("session " + id.value());
            terminal.status(() -> String.format("%s  %s  sent %d  dropped %d  listeners %d  refreshes %d  reconnects %d%s",
                    speaker.sessionId().map(SessionId::value).orElse(id.value()), speaker.state(), speaker.counters().sent(),
                    speaker.counters().dropped(), listeners[0], tally.refreshes(), tally.reconnects(),
                    tally.retrying == null ? "" : "  (" + tally.retrying + ")"));
            Thread controls = controls(speaker, source, terminal);

            while (waitForListeners > 0 && listeners[0] < waitForListeners && !speaker.terminated().toCompletableFuture().isDone()) {
                speaker.requestStatus();
                speaker.terminated().toCompletableFuture().completeOnTimeout(null, 1, TimeUnit.SECONDS).join(); // status queries: at most 2/s allowed
            }
            if (hold != null && !hold.isZero()) {
                speaker.terminated().toCompletableFuture().completeOnTimeout(null, hold.toMillis(), TimeUnit.MILLISECONDS).join();
            }
            source.start(speaker::send);
            CompletableFuture<?> fileDone = source instanceof WavFileSource wav ? wav.finished().toCompletableFuture() : new CompletableFuture<>();
            CompletableFuture.anyOf(fileDone, speaker.terminated().toCompletableFuture()).join();
            if (fileDone.isDone() && !speaker.terminated().toCompletableFuture().isDone()) {
                speaker.end("End of " + input);
            }
            if (source instanceof WavFileSource wav && wav.failure().isPresent()) {
                spec.commandLine().getErr().println("lectern speak: stopped reading " + wav.failure().get().getMessage());
            }
            EndReason reason = speaker.terminated().toCompletableFuture().get();
            source.close();
            controls.interrupt();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is ending the session
            }
            terminal.close();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("sessionId", speaker.sessionId().map(SessionId::value).orElse(id.value()));
            figures.put("sent", speaker.counters().sent());
            figures.put("dropped", speaker.counters().dropped());
            figures.put("refreshes", tally.refreshes());
            figures.put("reconnects", tally.reconnects());
            figures.put("endReason", reason.name());
            if (tally.lastError != null && (exitCode(reason) != 0 || reason == EndReason.SESSION_ENDED)) {
                spec.commandLine().getErr().println("lectern speak: ended " + reason + ": " + tally.lastError);
            }
            out().println(json ? Json.line(figures) : "ended " + reason + ": sent " + figures.get("sent") + ", dropped "
                    + figures.get("dropped") + ", refreshes " + tally.refreshes() + ", reconnects " + tally.reconnects());
            out().flush();
            return exitCode(reason);
        }
    }

    /** Reads control lines from standard input on a daemon thread. */
    private Thread controls(SpeakerClient speaker, AudioSource source, Terminal terminal) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    String[] words = line.trim().toLowerCase(Locale.ROOT).split("\\s+");
                    switch (words[0]) {
                        case "" -> { }
                        case "pause" -> speaker.pause();
                        case "resume" -> speaker.resume();
                        case "mute" -> speaker.mute();
                        case "unmute" -> speaker.unmute();
                        case "status" -> speaker.requestStatus();
                        case "end", "quit", "exit" -> {
                            source.stop();
                            speaker.end("Ended by the speaker");
                            return;
                        }
                        case "volume" -> {
                            try {
                                double v = Double.parseDouble(words.length > 1 ? words[1] : "");
                                if (v < 0 || v > 1) {
                                    throw new NumberFormatException();
                                }
                                speaker.setVolume(v);
                            } catch (NumberFormatException e) {
                                terminal.println("volume takes a number from 0 to 1, e.g. volume 0.5");
                            }
                        }
                        default -> terminal.println("unknown command '" + words[0] + "': pause, resume, mute, unmute, volume N, status, end");
                    }
                }
            } catch (IOException e) {
                // standard input closed: nothing more to read
            }
        }, "lectern-speak-controls");
        t.setDaemon(true);
        t.start();
        return t;
    }
}

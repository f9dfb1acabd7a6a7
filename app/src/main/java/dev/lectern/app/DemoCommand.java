package dev.lectern.app;

import com.google.inject.Injector;
import dev.lectern.app.wiring.EnvironmentTokenModule;
import dev.lectern.app.wiring.JettyTransportModule;
import dev.lectern.client.LecternListener;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.gateway.GatewayCommand;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.LocalGateway;
import dev.lectern.javasound.WavAudio;
import dev.lectern.javasound.WavFileSink;
import dev.lectern.jetty.JettySessionApi;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.AudioSink;
import dev.lectern.port.TokenProvider;
import dev.lectern.port.Transport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lectern demo}: the whole thing on real WebSockets over loopback. An embedded local gateway asks
 * for a refresh every few seconds; a speaker streams generated speech-like audio in real time; listeners
 * (es, de, fr, ...) write what they hear to WAV files. Ends with a table per client and whether every
 * listener's file equals what the speaker sent. {@code --virtual} runs hours on the in-memory gateway.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a local gateway, a speaker and listeners on real WebSockets and shows what each did.",
                "Refreshes are compressed to seconds. The speaker's audio is generated speech-like sound; each listener",
                "writes what it heard to a WAV file. --virtual runs hours in virtual time instead."})
final class DemoCommand implements Callable<Integer> {
    static final String[] LANGUAGES = {"es", "de", "fr", "it", "pt", "ja", "ko", "zh", "ar", "hi"};

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "30", description = "Seconds of audio the speaker streams (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--listeners", defaultValue = "3", description = "Listeners, in es, de, fr, ... (default ${DEFAULT-VALUE}).")
    int listeners;

    @Option(names = "--refresh-every", paramLabel = "DURATION", converter = GatewayCommand.DurationOption.class,
            description = "How often the gateway asks each connection to refresh (default 10s, or a third of --seconds if that is shorter, so every demo shows one).")
    Duration refreshEvery;

    @Option(names = "--flavor", paramLabel = "seed|deployed", defaultValue = "seed",
            description = "The gateway's flavor: seed (the seed's protocol) or deployed (the service as deployed today: the session "
                    + "created over HTTP, no first frames, refreshes asked for on heartbeats, the speaker's connection kept; default ${DEFAULT-VALUE}).")
    GatewayCommand.Flavor flavor;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-output", description = "Where the listeners' WAV files go (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--json", description = "End standard output with one line of JSON: the run's figures.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Log Lectern's debug lines to standard error.")
    boolean verbose;

    @Option(names = "--virtual", description = "Run on the in-memory gateway in virtual time instead (see --hours).")
    boolean virtual;

    @Option(names = "--hours", defaultValue = "5", description = "With --virtual: hours of session (default ${DEFAULT-VALUE}).")
    int hours;

    @Option(names = "--drop-every", paramLabel = "DURATION", defaultValue = "45m", converter = GatewayCommand.DurationOption.class,
            description = "With --virtual: drop a random connection this often (default ${DEFAULT-VALUE}; 0 for never).")
    Duration dropEvery;

    /** Whether a person watches a terminal; tests say no. */
    boolean interactive = Terminal.isInteractive();

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        if (listeners < 1 || listeners > 100) {
            throw new ParameterException(spec.commandLine(), "--listeners must be between 1 and 100, was: " + listeners);
        }
        if (virtual) {
            if (hours < 1) {
                throw new ParameterException(spec.commandLine(), "--hours must be at least 1, was: " + hours);
            }
            return new VirtualDemo(w, hours, listeners, dropEvery).run();
        }
        if (seconds < 1 || seconds > 3_600) {
            throw new ParameterException(spec.commandLine(), "--seconds must be between 1 and 3600, was: " + seconds);
        }
        Duration refresh = refreshEvery != null ? refreshEvery : Duration.ofSeconds(Math.max(1, Math.min(10, seconds / 3)));
        Files.createDirectories(out);
        boolean deployed = flavor == GatewayCommand.Flavor.deployed;
        GatewaySettings.Builder gatewaySettings = GatewaySettings.builder().port(0).refreshAfter(refresh).warnAfter(refresh.multipliedBy(2))
                .maxConnectionAge(refresh.multipliedBy(3)).sessionsPerHour(1_000).joinsPerMinute(10_000).connectsPerMinute(10_000);
        SessionSettings clientSettings = SessionSettings.ofDefaults();
        if (deployed) {
            // The deployed service tells every listener the session ended when a speaker connection closes, a
            // hand-over's too: the speaker's connection outlives the demo (no hand-over; HandoverRejoinRunnerIT has
            // them), the listeners refresh on heartbeats, which come often enough to meet the window.
            Duration age = refresh.multipliedBy(3).compareTo(Duration.ofSeconds(seconds + 60L)) > 0
                    ? refresh.multipliedBy(3) : Duration.ofSeconds(seconds + 60L);
            gatewaySettings.flavor(GatewaySettings.Flavor.DEPLOYED).refreshWindow(refresh).maxConnectionAge(age)
                    .warnAfter(age.minus(refresh));
            Duration beat = refresh.dividedBy(4).compareTo(Duration.ofSeconds(1)) > 0 ? refresh.dividedBy(4) : Duration.ofSeconds(1);
            clientSettings = SessionSettings.builder().heartbeatInterval(beat).heartbeatAckTimeout(beat.multipliedBy(4).dividedBy(5))
                    .silenceTimeout(beat.multipliedBy(3)).refreshAfter(refresh).selfRefreshGrace(refresh.dividedBy(2))
                    .maxConnectionAge(age).deployed(dev.lectern.domain.session.DeployedSettings.DEFAULTS.withSpeakerHandover(false))
                    .build();
        }
        GatewaySettings settings = gatewaySettings.build();
        try (LocalGateway gateway = LocalGateway.builder().settings(settings).build();
             Terminal terminal = new Terminal(w, interactive)) {
            URI endpoint = gateway.start();
            terminal.println((deployed ? "deployed-flavor " : "") + "gateway on " + endpoint + ", refresh every " + refresh.toMillis() + " ms; " + listeners
                    + " listeners; " + seconds + " s of generated speech-like audio; WAV files in " + out);
            Injector injector = com.google.inject.Guice.createInjector(new JettyTransportModule(endpoint, null, null),
                    new EnvironmentTokenModule("demo-speaker"));
            Transport transport = injector.getInstance(Transport.class);
            List<AudioChunk> audio = SpeechLike.chunks(seconds, 427);
            long[] sentAt = new long[audio.size()];

            Tally speakerTally = Tally.speaker("speaker", terminal::event);
            SpeakerClient.Builder speakerBuilder = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en")
                            .sessionApi(gateway.sessionApiUri()).settings(clientSettings).build())
                    .transport(transport).tokenProvider(injector.getInstance(TokenProvider.class)).listener(speakerTally);
            JettySessionApi sessionApi = null;
            dev.lectern.jetty.JettySegmentFetcher segmentFetcher = deployed ? dev.lectern.jetty.JettySegmentFetcher.builder().build() : null;
            dev.lectern.client.SegmentLoader segmentLoader = deployed ? dev.lectern.client.SegmentLoader.builder()
                    .fetcher(segmentFetcher).decoder(new dev.lectern.mp3.Mp3Decoder()).build() : null;
            if (deployed) {
                sessionApi = JettySessionApi.builder(gateway.sessionApiUri()).tokenProvider(injector.getInstance(TokenProvider.class)).build();
                speakerBuilder.sessionApi(sessionApi);
            }
            SpeakerClient speaker = speakerBuilder.build();
            SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            terminal.println("session " + id.value());

            List<ListenerClient> clients = new ArrayList<>();
            List<Tally> tallies = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            List<long[]> latencies = new ArrayList<>();
            AtomicInteger latencyCount = new AtomicInteger();
            long[] allLatencies = new long[audio.size() * listeners];
            for (int i = 0; i < listeners; i++) {
                String language = LANGUAGES[i % LANGUAGES.length];
                Path file = out.resolve(String.format("listener-%d-%s.wav", i + 1, language));
                WavFileSink wav = WavFileSink.create(file);
                AudioSink timed = new AudioSink() {
                    @Override
                    public void play(SequenceNumber sequence, AudioChunk chunk) {
                        long k = sequence == null ? -1 : sequence.value();
                        if (k >= 0 && k < sentAt.length && sentAt[(int) k] != 0) {
                            int at = latencyCount.getAndIncrement();
                            if (at < allLatencies.length) {
                                allLatencies[at] = System.nanoTime() - sentAt[(int) k];
                            }
                        }
                        wav.play(sequence, chunk);
                    }

                    @Override
                    public void gap(Duration missing) {
                        wav.gap(missing);
                    }

                    @Override
                    public void close() {
                        wav.close();
                    }
                };
                Tally tally = Tally.listener("listener-" + (i + 1) + "(" + language + ")", language, terminal::event);
                // the first listener's captions, as they play
                LecternListener events = i > 0 || !interactive ? tally : new SegmentTally(tally,
                        text -> terminal.println(tally.name + ": " + text), null, terminal::println);
                ListenerClient.Builder listenerBuilder = ListenerClient.builder(ListenerConfig.builder().sessionId(id.value())
                                .targetLanguage(language).settings(clientSettings).build())
                        .transport(transport).audioSink(timed).listener(events);
                if (segmentLoader != null) {
                    listenerBuilder.segmentLoader(segmentLoader);
                }
                ListenerClient client = listenerBuilder.build();
                client.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
                clients.add(client);
                tallies.add(tally);
                files.add(file);
            }
            terminal.status(() -> {
                StringBuilder b = new StringBuilder(String.format("%s  speaker sent %d/%d r%d", id.value(), speaker.counters().sent(),
                        audio.size(), speakerTally.refreshes()));
                for (int i = 0; i < clients.size() && i < 5; i++) {
                    b.append(String.format("  %s %d r%d", clients.get(i).language().value(), clients.get(i).counters().played(), tallies.get(i).refreshes()));
                }
                return b.toString();
            });

            // Real time: a chunk every 100 ms.
            ScheduledExecutorService talk = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger next = new AtomicInteger();
            talk.scheduleAtFixedRate(() -> {
                int k = next.getAndIncrement();
                if (k < audio.size()) {
                    sentAt[k] = System.nanoTime();
                    speaker.send(audio.get(k));
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 15L);
            // deployed: the speech goes out in segments, the last full one a batch after the speech ends
            long spokenBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) + TimeUnit.MILLISECONDS.toNanos(
                    settings.segmentLength().toMillis() + 1_000);
            while (System.nanoTime() < deadline && (deployed ? System.nanoTime() < spokenBy : !everyoneHeard(clients, audio.size()))) {
                speaker.terminated().toCompletableFuture().completeOnTimeout(null, 100, TimeUnit.MILLISECONDS).join();
            }
            talk.shutdownNow();
            terminal.close(); // the status line's last state stays; the gateway's own lines and the table come below it
            speaker.end("Demo over");
            EndReason speakerEnd = speaker.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<EndReason> listenerEnds = new ArrayList<>();
            for (ListenerClient c : clients) {
                listenerEnds.add(c.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS));
            }
            ((JettyTransport) transport).close();
            if (sessionApi != null) {
                sessionApi.close();
                segmentLoader.close();
                segmentFetcher.close();
            }

            byte[] spoken = concat(audio);
            int n = Math.min(latencyCount.get(), allLatencies.length);
            long[] sorted = Arrays.copyOf(allLatencies, n);
            Arrays.sort(sorted);
            Map<String, Object> latency = new LinkedHashMap<>();
            latency.put("p50", millis(percentile(sorted, 0.50)));
            latency.put("p99", millis(percentile(sorted, 0.99)));
            latency.put("max", millis(n == 0 ? 0 : sorted[n - 1]));

            w.println();
            w.printf("%-18s %11s %6s %10s %9s %10s  %s%n", "client", "sent/played", "gaps", "duplicates", "refreshes", "reconnects", "end");
            w.printf("%-18s %11d %6s %10s %9d %10d  %s%n", "speaker", speaker.counters().sent(), "-", "-", speakerTally.refreshes(),
                    speakerTally.reconnects(), speakerEnd);
            List<Map<String, Object>> listenerFigures = new ArrayList<>();
            boolean allEqual = true;
            for (int i = 0; i < clients.size(); i++) {
                ListenerClient c = clients.get(i);
                Tally t = tallies.get(i);
                // segments are MP3: what a listener wrote is the talk's length, not its samples
                boolean equal = deployed ? pcmOf(files.get(i)).length >= spoken.length - 2L * settings.segmentLength().toMillis() * 32
                        : Arrays.equals(spoken, pcmOf(files.get(i)));
                allEqual &= equal;
                w.printf("%-18s %11d %6d %10d %9d %10d  %s%s%n", t.name, c.counters().played(), c.counters().gapChunks(),
                        c.counters().duplicates(), t.refreshes(), t.reconnects(), listenerEnds.get(i), equal ? "" : "  (WAV differs)");
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("sessionId", id.value());
                f.put("language", c.language().value());
                f.put("played", c.counters().played());
                f.put("gapChunks", c.counters().gapChunks());
                f.put("duplicates", c.counters().duplicates());
                f.put("refreshes", t.refreshes());
                f.put("reconnects", t.reconnects());
                f.put("endReason", listenerEnds.get(i).name());
                f.put("wavEqualsSent", equal);
                listenerFigures.add(f);
            }
            if (n > 0) { // PCM only: a segment carries no send time of the speaker's
                w.printf("latency speaker to listener's player: p50 %s ms, p99 %s ms, max %s ms (%d chunks)%n", latency.get("p50"),
                        latency.get("p99"), latency.get("max"), n);
            }
            w.println(deployed ? (allEqual ? "every listener's WAV holds the talk, as translated MP3 segments, within two segments of its length"
                    : "NOT every listener's WAV holds the talk (see the table)")
                    : allEqual ? "every listener's WAV equals what the speaker sent, sample for sample"
                    : "NOT every listener's WAV equals what the speaker sent (see the table)");
            if (json) {
                Map<String, Object> speakerFigures = new LinkedHashMap<>();
                speakerFigures.put("sessionId", id.value());
                speakerFigures.put("sent", speaker.counters().sent());
                speakerFigures.put("dropped", speaker.counters().dropped());
                speakerFigures.put("refreshes", speakerTally.refreshes());
                speakerFigures.put("reconnects", speakerTally.reconnects());
                speakerFigures.put("endReason", speakerEnd.name());
                Map<String, Object> all = new LinkedHashMap<>();
                all.put("sessionId", id.value());
                all.put("speaker", speakerFigures);
                all.put("listeners", listenerFigures);
                all.put("latencyMs", latency);
                all.put("wavEqualsSent", allEqual);
                w.println(Json.line(all));
            }
            w.flush();
            return allEqual && speakerEnd == EndReason.ENDED_BY_USER ? 0 : 1;
        }
    }

    private static boolean everyoneHeard(List<ListenerClient> clients, int chunks) {
        return clients.stream().allMatch(c -> c.counters().played() + c.counters().gapChunks() >= chunks);
    }

    private static byte[] concat(List<AudioChunk> chunks) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        chunks.forEach(c -> b.writeBytes(c.pcm()));
        return b.toByteArray();
    }

    static byte[] pcmOf(Path wav) throws java.io.IOException {
        try (InputStream in = Files.newInputStream(wav)) {
            return concat(WavAudio.read(in, 100));
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 100_000.0) / 10.0;
    }
}

package dev.lectern.app;

import dev.lectern.client.LecternListener;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.LocalGateway;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.AudioSink;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lectern load}: N listeners in this JVM on one shared {@code JettyTransport} with default settings,
 * and a speaker (here, or an outside one given by {@code --session}) that writes each chunk's index
 * (uint32 LE at byte 0) and send time (float64 LE ms at byte 4), as the Node.js yardstick's speaker does.
 * Prints what arrived, the latency from that send time (over the whole run, and over the second half's
 * chunks, when the JVM has warmed up), CPU per delivered chunk, heap per listener and the most threads seen.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs N listeners (and a speaker) in this JVM and measures delivery, latency, CPU, heap and threads.",
                "Against an outside gateway (--endpoint) the figures are the clients' own; --embedded runs a gateway in",
                "this JVM too, whose CPU then counts."})
final class LoadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--endpoint", paramLabel = "URL", description = "The gateway to load (default $LECTERN_ENDPOINT).",
            defaultValue = "${env:LECTERN_ENDPOINT}")
    URI endpoint;

    @Option(names = "--embedded", description = "Run a local gateway in this JVM instead of --endpoint.")
    boolean embedded;

    @Option(names = "--listeners", paramLabel = "N", defaultValue = "100",
            description = "Listeners (default ${DEFAULT-VALUE}); 0 measures this process's speaker alone.")
    int listeners;

    @Option(names = "--seconds", defaultValue = "20", description = "Seconds of audio (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rate", defaultValue = "10", description = "Chunks of 100 ms a second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--languages", split = ",", defaultValue = "es", description = "Listener languages, in turn (default ${DEFAULT-VALUE}).")
    List<String> languages;

    @Option(names = "--session", paramLabel = "ID", description = "Join this session, fed by an outside speaker (speaker.mjs), instead of speaking here.")
    String session;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "30",
            description = "With --session: how long the outside speaker may take to finish (default ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Option(names = "--whole-process-cpu", description = "Count the CPU of the whole process from its start (JIT warm-up and joins "
            + "included), as the Node.js yardstick does, instead of the streaming only.")
    boolean wholeProcessCpu;

    @Option(names = "--selector-threads", paramLabel = "N",
            description = "Threads that read the listeners' connections (default: one per two cores).")
    Integer selectorThreads;

    @Option(names = "--segments", description = "Listeners on translated MP3 segments, against an embedded gateway of the "
            + "deployed flavor (implies --embedded; --rate and --session do not apply).")
    boolean segments;

    @Option(names = "--json", description = "End standard output with one line of JSON: the figures.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Log Lectern's debug lines to standard error.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (listeners < 0 || seconds < 1 || rate < 1 || rate > 50) {
            throw new ParameterException(spec.commandLine(), "--listeners must be 0 or more, --seconds positive and --rate 1 to 50");
        }
        if (listeners == 0 && session != null) {
            throw new ParameterException(spec.commandLine(), "--listeners 0 measures this process's own speaker: leave out --session");
        }
        if (segments) {
            // LECTERN_ENDPOINT fills --endpoint without the person typing it: only a typed one is refused
            picocli.CommandLine.ParseResult typed = spec.commandLine().getParseResult();
            if (session != null || typed.hasMatchedOption("--endpoint")) {
                throw new ParameterException(spec.commandLine(), "--segments runs its own deployed-flavor gateway: leave out --session and --endpoint");
            }
            for (String option : new String[] {"--rate", "--wait", "--selector-threads"}) {
                if (typed.hasMatchedOption(option)) {
                    throw new ParameterException(spec.commandLine(), option + " does nothing with --segments (10 chunks a second, "
                            + "each listener on the shared client)");
                }
            }
            return SegmentLoad.run(out, listeners, seconds, languages, json);
        }
        LocalGateway gateway = null;
        URI url = endpoint;
        if (embedded) {
            gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0).maxListeners(Math.max(500, listeners))
                    .joinsPerMinute(1_000_000).connectsPerMinute(1_000_000).sessionsPerHour(1_000).build()).build();
            url = gateway.start();
        } else if (url == null) {
            throw new ParameterException(spec.commandLine(), "give --endpoint (or LECTERN_ENDPOINT), or --embedded");
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        JettyTransport.Builder transportBuilder = JettyTransport.builder(url);
        if (selectorThreads != null) {
            transportBuilder.selectorThreads(selectorThreads);
        }
        try (JettyTransport transport = transportBuilder.build()) {
            SpeakerClient speaker = null;
            SessionId id;
            if (session == null) {
                speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").build()).transport(transport)
                        .tokenProvider(force -> CompletableFuture.completedFuture(new IdToken("load-speaker"))).build();
                id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } else {
                id = SessionId.of(session);
            }
            int expected = rate * seconds;
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            threads.resetPeakThreadCount();
            long[][] latencies = new long[listeners][];
            int[] counts = new int[listeners];
            // each latency's chunk index, to pick the second half's chunks (after the warm-up) once the run is over:
            // a branch on it in the sink would first be taken halfway and make the JIT recompile mid-run
            int[][] chunkOf = new int[listeners][];
            LongAdder disconnects = new LongAdder();
            List<ListenerClient> clients = new ArrayList<>();
            List<CompletableFuture<?>> joined = new ArrayList<>();
            for (int i = 0; i < listeners; i++) {
                int me = i;
                latencies[i] = new long[expected + 16];
                chunkOf[i] = new int[expected + 16];
                byte[] stamp = new byte[12];
                AudioSink sink = (SequenceNumber seq, AudioChunk audio) -> {
                    if (audio.sizeInBytes() >= 12 && counts[me] < latencies[me].length) {
                        audio.copyTo(0, stamp, 0, 12);
                        ByteBuffer fields = ByteBuffer.wrap(stamp).order(ByteOrder.LITTLE_ENDIAN);
                        long latency = Math.round((System.currentTimeMillis() - fields.getDouble(4)) * 1000);
                        chunkOf[me][counts[me]] = fields.getInt(0); // the chunk's index, which both speakers write at byte 0
                        latencies[me][counts[me]++] = latency;
                    }
                };
                LecternListener watch = new LecternListener() { // latency is read in the sink: no audio events needed
                    @Override
                    public void onDisconnected(LecternEvent.Disconnected event) {
                        disconnects.increment();
                    }
                };
                ListenerClient c = ListenerClient.builder(ListenerConfig.builder().sessionId(id.value())
                                .targetLanguage(languages.get(i % languages.size())).build())
                        .transport(transport).audioSink(sink).listener(watch).build();
                clients.add(c);
                joined.add(c.start().toCompletableFuture());
            }
            CompletableFuture.allOf(joined.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            long heapPerListener = 0;
            if (speaker != null) { // nothing streams yet: a forced collection disturbs nothing
                heapPerListener = heapPerListener(memory, heapBefore, listeners);
            }
            long forcedGcCpu = 0;
            Map<String, Long> threadCpuBefore = threadCpu(threads);
            long cpuBefore = os.getProcessCpuTime();
            long started = System.nanoTime();
            if (speaker != null) {
                SpeakerClient talking = speaker;
                ScheduledExecutorService talk = Executors.newSingleThreadScheduledExecutor();
                AtomicInteger next = new AtomicInteger();
                talk.scheduleAtFixedRate(() -> {
                    int k = next.getAndIncrement();
                    if (k < expected) {
                        byte[] pcm = new byte[AudioChunk.BYTES_PER_100_MS];
                        ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).putInt(0, k).putDouble(4, System.currentTimeMillis());
                        talking.send(AudioChunk.of(pcm));
                    }
                }, 0, 1000 / rate, TimeUnit.MILLISECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 10L);
                while (System.nanoTime() < deadline
                        && !(listeners == 0 ? talking.counters().sent() >= expected : allArrived(clients, expected))) {
                    talk.awaitTermination(100, TimeUnit.MILLISECONDS);
                }
                talk.shutdownNow();
            } else {
                // The speaker streams already: the heap is measured once every chunk is in, because a forced
                // collection now (it took 30-105 ms) stalls the very deliveries being timed. Its CPU is left out.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
                CompletableFuture<Void> ended = CompletableFuture.allOf(
                        clients.stream().map(c -> c.terminated().toCompletableFuture()).toArray(CompletableFuture[]::new));
                while (System.nanoTime() < deadline && !ended.isDone() && !allArrived(clients, expected)) {
                    awaitQuietly(ended, 100);
                }
                long cpuBeforeGc = os.getProcessCpuTime();
                heapPerListener = heapPerListener(memory, heapBefore, listeners);
                forcedGcCpu = os.getProcessCpuTime() - cpuBeforeGc;
                awaitQuietly(ended, Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            long cpuNow = os.getProcessCpuTime() - forcedGcCpu;
            long cpu = cpuNow - (wholeProcessCpu ? 0 : cpuBefore);
            long streamingCpu = cpuNow - cpuBefore;
            Map<String, Long> byGroup = new java.util.TreeMap<>();
            long javaThreads = 0;
            for (Map.Entry<String, Long> e : threadCpu(threads).entrySet()) {
                long used = e.getValue() - threadCpuBefore.getOrDefault(e.getKey(), 0L);
                javaThreads += used;
                byGroup.merge(e.getKey().replaceAll("[-@]?[0-9]+$", "").replaceAll("-[0-9]+$", ""), used, Long::sum);
            }
            byGroup.put("(JVM: compiler, GC)", cpuNow - cpuBefore - javaThreads);
            long wall = System.nanoTime() - started;
            int peakThreads = threads.getPeakThreadCount();
            long delivered = 0;
            long gaps = 0;
            for (int i = 0; i < listeners; i++) {
                delivered += clients.get(i).counters().played();
                gaps += clients.get(i).counters().gapChunks();
            }
            long sent = speaker == null ? -1 : speaker.counters().sent();
            long[] all = sorted(latencies, counts);
            long[] steady = secondHalf(latencies, counts, chunkOf, expected / 2);
            if (speaker != null) {
                speaker.close();
            }
            for (ListenerClient c : clients) {
                c.close();
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("listeners", listeners);
            f.put("expected", (long) expected * listeners);
            f.put("delivered", delivered);
            f.put("gapChunks", gaps);
            f.put("disconnects", disconnects.sum());
            Map<String, Object> latency = percentiles(all);
            f.put("latencyMs", latency);
            Map<String, Object> steadyLatency = percentiles(steady);
            f.put("secondHalfLatencyMs", steadyLatency);
            f.put("cpuSeconds", Math.round(cpu / 1e6) / 1000.0);
            f.put("cpuMicrosPerChunk", delivered == 0 ? null : Math.round(cpu / 1000.0 / delivered * 10) / 10.0);
            f.put("wallSeconds", Math.round(wall / 1e6) / 1000.0);
            f.put("heapBytesPerListener", heapPerListener);
            f.put("peakThreads", peakThreads);
            f.put("gatewayInThisJvm", embedded);
            Map<String, Object> groups = new LinkedHashMap<>();
            byGroup.forEach((k, v) -> {
                if (v > cpu / 100) {
                    groups.put(k, Math.round(v / 1e6) / 1000.0);
                }
            });
            f.put("cpuSecondsByThread", groups);
            if (listeners == 0) {
                f.put("speakerSent", sent);
                f.put("cpuMicrosPerSentChunk", sent <= 0 ? null : Math.round(cpu / 1000.0 / sent * 10) / 10.0);
                f.put("streamingCpuMicrosPerSentChunk", sent <= 0 ? null : Math.round(streamingCpu / 1000.0 / sent * 10) / 10.0);
            }
            out.printf("load: %d listeners, delivered %d of %d, gap chunks %d, disconnects %d%n", listeners, delivered,
                    (long) expected * listeners, gaps, disconnects.sum());
            out.printf("latency p50 %s ms, p99 %s ms, max %s ms; CPU %.1f s = %s us per delivered chunk%s; heap %d bytes per listener; peak threads %d%n",
                    latency.get("p50"), latency.get("p99"), latency.get("max"), cpu / 1e9, f.get("cpuMicrosPerChunk"),
                    embedded ? " (gateway included)" : "", heapPerListener, peakThreads);
            if (listeners == 0) {
                out.printf("speaker alone: sent %d of %d chunks; CPU %.1f s = %s us per sent chunk (over the streaming only: %s us)%n",
                        sent, expected, cpu / 1e9, f.get("cpuMicrosPerSentChunk"), f.get("streamingCpuMicrosPerSentChunk"));
            } else {
                out.printf("latency of the second half's chunks (after the warm-up): p50 %s ms, p99 %s ms, max %s ms%n",
                        steadyLatency.get("p50"), steadyLatency.get("p99"), steadyLatency.get("max"));
            }
            if (json) {
                out.println(Json.line(f));
            }
            out.flush();
            boolean allSent = listeners > 0 || sent == expected;
            return allSent && delivered == (long) expected * listeners && disconnects.sum() == 0 ? 0 : 1;
        } finally {
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    /** Heap in use after a forced collection, less {@code before}, per listener (0 for none). */
    private static long heapPerListener(MemoryMXBean memory, long before, int listeners) {
        System.gc();
        return listeners == 0 ? 0 : (memory.getHeapMemoryUsage().getUsed() - before) / listeners;
    }

    /** p50, p99 and max in milliseconds of sorted microseconds. */
    private static Map<String, Object> percentiles(long[] sorted) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("p50", ms(pick(sorted, 0.50)));
        out.put("p99", ms(pick(sorted, 0.99)));
        out.put("max", ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
        return out;
    }

    /** The latencies of chunks from index {@code from} on (indices read as unsigned), sorted. */
    private static long[] secondHalf(long[][] perListener, int[] counts, int[][] chunkOf, int from) {
        long[][] kept = new long[perListener.length][];
        int[] keptCounts = new int[perListener.length];
        for (int i = 0; i < perListener.length; i++) {
            kept[i] = new long[counts[i]];
            for (int k = 0; k < counts[i]; k++) {
                if (Integer.toUnsignedLong(chunkOf[i][k]) >= from) {
                    kept[i][keptCounts[i]++] = perListener[i][k];
                }
            }
        }
        return sorted(kept, keptCounts);
    }

    /** Every listener's figures in one sorted array. */
    private static long[] sorted(long[][] perListener, int[] counts) {
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        long[] all = new long[n];
        int at = 0;
        for (int i = 0; i < perListener.length; i++) {
            System.arraycopy(perListener[i], 0, all, at, counts[i]);
            at += counts[i];
        }
        Arrays.sort(all);
        return all;
    }

    /** CPU time of every live thread, by name (threads of one pool share a name but for their number). */
    private static Map<String, Long> threadCpu(ThreadMXBean threads) {
        Map<String, Long> out = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t > 0) {
                    out.merge(info.getThreadName() + "#" + info.getThreadId(), t, Long::sum);
                }
            }
        }
        Map<String, Long> byName = new java.util.HashMap<>();
        out.forEach((k, v) -> byName.put(k.substring(0, k.lastIndexOf('#')) + "-" + k.substring(k.lastIndexOf('#') + 1), v));
        return byName;
    }

    /** Waits up to {@code millis} for {@code future}, however it ends. */
    private static void awaitQuietly(CompletableFuture<?> future, long millis) throws InterruptedException {
        try {
            future.get(millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // an end that failed is an end; a wait that ran out is the caller's to judge
        }
    }

    private static boolean allArrived(List<ListenerClient> clients, int expected) {
        return clients.stream().allMatch(c -> c.counters().played() + c.counters().gapChunks() >= expected);
    }

    private static long pick(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(sorted.length * q))];
    }

    private static double ms(long micros) {
        return Math.round(micros / 100.0) / 10.0;
    }
}

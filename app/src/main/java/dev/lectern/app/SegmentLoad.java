package dev.lectern.app;

import dev.lectern.client.LecternListener;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SegmentLoader;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.LocalGateway;
import dev.lectern.jetty.JettySegmentFetcher;
import dev.lectern.jetty.JettySessionApi;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.mp3.Mp3Decoder;
import dev.lectern.port.TokenProvider;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code load --segments}: many listeners in this JVM on translated segments, against an embedded gateway
 * of the deployed flavor (the gateway's CPU counts). A speaker here streams a tone; every listener shares
 * one {@link SegmentLoader}. Measures segments played against those announced, fetches per URL, CPU per
 * segment per listener, heap per listener, disconnects and failed segments.
 */
final class SegmentLoad {
    private SegmentLoad() {}

    static int run(PrintWriter out, int listeners, int seconds, List<String> languages, boolean json) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        TokenProvider token = force -> CompletableFuture.completedFuture(new IdToken("load-speaker"));
        try (LocalGateway gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0).flavor(GatewaySettings.Flavor.DEPLOYED)
                        .maxListeners(Math.max(500, listeners)).joinsPerMinute(1_000_000).connectsPerMinute(1_000_000).build()).build()) {
            gateway.start();
            try (JettyTransport transport = JettyTransport.builder(gateway.uri()).build();
                 JettySessionApi api = JettySessionApi.builder(gateway.sessionApiUri()).tokenProvider(token).build();
                 JettySegmentFetcher fetcher = JettySegmentFetcher.builder().build();
                 SegmentLoader loader = SegmentLoader.builder().fetcher(fetcher).decoder(new Mp3Decoder()).build()) {
                SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en")
                                .sessionApi(gateway.sessionApiUri()).build())
                        .transport(transport).tokenProvider(token).sessionApi(api).build();
                SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
                System.gc();
                long heapBefore = memory.getHeapMemoryUsage().getUsed();
                AtomicLongArray played = new AtomicLongArray(listeners);
                LongAdder disconnects = new LongAdder();
                LongAdder failed = new LongAdder();
                List<ListenerClient> clients = new ArrayList<>();
                List<CompletableFuture<?>> joined = new ArrayList<>();
                for (int i = 0; i < listeners; i++) {
                    int me = i;
                    LecternListener watch = new LecternListener() {
                        @Override
                        public void onEvent(LecternEvent event) {
                            if (event instanceof LecternEvent.Disconnected) {
                                disconnects.increment();
                            } else if (event instanceof LecternEvent.SegmentFailed) {
                                failed.increment();
                            }
                        }
                    };
                    ListenerClient c = ListenerClient.builder(ListenerConfig.builder().sessionId(id.value())
                                    .targetLanguage(languages.get(i % languages.size())).build())
                            .transport(transport).segmentLoader(loader).audioSink((seq, audio) -> played.incrementAndGet(me))
                            .listener(watch).build();
                    clients.add(c);
                    joined.add(c.start().toCompletableFuture());
                }
                CompletableFuture.allOf(joined.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                System.gc();
                long heapPerListener = listeners == 0 ? 0 : (memory.getHeapMemoryUsage().getUsed() - heapBefore) / listeners;
                long cpuBefore = os.getProcessCpuTime();
                long started = System.nanoTime();
                ScheduledExecutorService mic = Executors.newSingleThreadScheduledExecutor();
                int[] n = {0};
                mic.scheduleAtFixedRate(() -> {
                    if (n[0] < seconds * 10) {
                        byte[] pcm = new byte[AudioChunk.BYTES_PER_100_MS];
                        for (int i = 0; i < pcm.length / 2; i++) {
                            short v = (short) (6000 * Math.sin(2 * Math.PI * 440 * (n[0] * 1600 + i) / 16_000.0));
                            pcm[2 * i] = (byte) v;
                            pcm[2 * i + 1] = (byte) (v >> 8);
                        }
                        n[0]++;
                        speaker.send(AudioChunk.ofOwned(pcm));
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 30L);
                while (System.nanoTime() < deadline) {
                    mic.awaitTermination(200, TimeUnit.MILLISECONDS);
                    int announced = gateway.segmentsAnnounced();
                    // batches are cut by the wall clock, every 3 s: the last, partial one comes too
                    long urlsNow = (long) announced * Math.min(languages.size(), Math.max(1, listeners));
                    if (n[0] >= seconds * 10 && announced >= (seconds + 2) / 3 && allPlayed(played, announced)
                            && gateway.segmentFetches() >= urlsNow) {
                        break;
                    }
                }
                mic.shutdownNow();
                long cpu = os.getProcessCpuTime() - cpuBefore;
                long wall = System.nanoTime() - started;
                int announced = gateway.segmentsAnnounced();
                long total = 0;
                for (int i = 0; i < listeners; i++) {
                    total += played.get(i);
                }
                long urls = (long) announced * Math.min(languages.size(), Math.max(1, listeners));
                speaker.close();
                clients.forEach(ListenerClient::close);
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("listeners", listeners);
                f.put("segments", announced);
                f.put("expected", (long) announced * listeners);
                f.put("played", total);
                f.put("failedSegments", failed.sum());
                f.put("disconnects", disconnects.sum());
                f.put("urls", urls);
                f.put("fetches", gateway.segmentFetches());
                f.put("cpuSeconds", Math.round(cpu / 1e6) / 1000.0);
                f.put("cpuMicrosPerSegmentPerListener", total == 0 ? null : Math.round(cpu / 1000.0 / total * 10) / 10.0);
                f.put("wallSeconds", Math.round(wall / 1e6) / 1000.0);
                f.put("heapBytesPerListener", heapPerListener);
                out.printf("load --segments: %d listeners, %d segments each, played %d of %d, failed %d, disconnects %d%n", listeners,
                        announced, total, (long) announced * listeners, failed.sum(), disconnects.sum());
                out.printf("fetches %d for %d URLs; CPU %.1f s = %s us per segment per listener (gateway and encoding included); "
                        + "heap %d bytes per listener%n", gateway.segmentFetches(), urls, cpu / 1e9, f.get("cpuMicrosPerSegmentPerListener"),
                        heapPerListener);
                if (json) {
                    out.println(Json.line(f));
                }
                out.flush();
                return total == (long) announced * listeners && gateway.segmentFetches() == urls && disconnects.sum() == 0 ? 0 : 1;
            }
        }
    }

    private static boolean allPlayed(AtomicLongArray played, int segments) {
        for (int i = 0; i < played.length(); i++) {
            if (played.get(i) < segments) {
                return false;
            }
        }
        return true;
    }
}

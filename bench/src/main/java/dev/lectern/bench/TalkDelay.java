package dev.lectern.bench;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SegmentLoader;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.LocalGateway;
import dev.lectern.jetty.JettySegmentFetcher;
import dev.lectern.jetty.JettySessionApi;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.mp3.Mp3Decoder;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.FixedTokenProvider;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A listener's delay behind the speaker over a long talk on the stand-in's deployed flavor, with its
 * processing jitter (protocol section 11.3): a speaker streams a tone in 100 ms chunks in real time; a
 * listener hears the translated segments through a sink that plays them as a live device does, one after
 * another in real time, never before they arrive. Its delay at a moment is the talk's elapsed time minus the
 * audio it has played by then. Printed after the first minute and at the end, and their difference: the
 * jitter of the segments' timestamps must not add to it.
 *
 * <p>A measuring tool, not part of the library. Usage: {@code java -cp lectern-bench.jar
 * dev.lectern.bench.TalkDelay [MINUTES] [JITTER_MS]} (defaults 30 and 1000). Prints one JSON line.
 */
public final class TalkDelay {

    /** A live device: audio starts when the previous ends, or when it arrives if that is later. */
    static final class LivePlayhead implements AudioSink {
        private long playhead;
        private long played;

        @Override
        public synchronized void play(SequenceNumber sequence, AudioChunk audio) {
            add(audio.duration());
        }

        @Override
        public synchronized void gap(Duration missing) {
            add(missing);
        }

        private void add(Duration d) {
            long now = System.nanoTime();
            playhead = Math.max(playhead, now) + d.toNanos();
            played += d.toNanos();
        }

        /** Audio played by now, in nanoseconds: what was handed over, less what is still ahead of the playhead. */
        synchronized long playedBy(long now) {
            return played - Math.max(0, playhead - now);
        }
    }

    public static void main(String[] args) throws Exception {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        long jitter = args.length > 1 ? Long.parseLong(args[1]) : 1000;
        GatewaySettings settings = GatewaySettings.builder().port(0).flavor(GatewaySettings.Flavor.DEPLOYED)
                .segmentProcessing(Duration.ofMillis(500), Duration.ofMillis(jitter)).seed(7).build();
        try (LocalGateway gateway = LocalGateway.builder().settings(settings).build()) {
            URI endpoint = gateway.start();
            JettySessionApi api = JettySessionApi.builder(gateway.sessionApiUri()).tokenProvider(FixedTokenProvider.of("alice")).build();
            JettyTransport speakerTransport = JettyTransport.builder(endpoint).build();
            JettyTransport listenerTransport = JettyTransport.builder(endpoint).build();
            JettySegmentFetcher fetcher = JettySegmentFetcher.builder().build();
            SegmentLoader loader = SegmentLoader.builder().fetcher(fetcher).decoder(new Mp3Decoder()).build();
            SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en")
                            .sessionApi(gateway.sessionApiUri()).build())
                    .transport(speakerTransport).tokenProvider(FixedTokenProvider.of("alice")).sessionApi(api).build();
            SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            LivePlayhead device = new LivePlayhead();
            AtomicLong lost = new AtomicLong();
            AtomicLong segments = new AtomicLong();
            ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(id.value()).targetLanguage("es").build())
                    .transport(listenerTransport).audioSink(device).segmentLoader(loader).listener(new dev.lectern.client.LecternListener() {
                        @Override
                        public void onEvent(LecternEvent e) {
                            if (e instanceof LecternEvent.SegmentLikelyLost) {
                                lost.incrementAndGet();
                            } else if (e instanceof LecternEvent.TranscriptReceived) {
                                segments.incrementAndGet();
                            }
                        }
                    }).build();
            listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

            ScheduledExecutorService mic = Executors.newSingleThreadScheduledExecutor();
            long start = System.nanoTime();
            long chunks = minutes * 600L;
            AtomicLong sent = new AtomicLong();
            mic.scheduleAtFixedRate(() -> {
                long n = sent.getAndIncrement();
                if (n < chunks) {
                    speaker.send(tone(n));
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            double afterMinute = delayAt(start, Duration.ofMinutes(1), device);
            double atEnd = delayAt(start, Duration.ofMinutes(minutes).minusSeconds(1), device);
            mic.shutdownNow();
            speaker.endNow("done");
            speaker.terminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
            listener.terminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
            System.out.printf("{\"minutes\":%d,\"jitterMs\":%d,\"segments\":%d,\"likelyLost\":%d,\"delayAfterFirstMinuteS\":%.3f,"
                            + "\"delayAtEndS\":%.3f,\"growthS\":%.3f}%n", minutes, jitter, segments.get(), lost.get(), afterMinute,
                    atEnd, atEnd - afterMinute);
            loader.close();
            fetcher.close();
            speakerTransport.close();
            listenerTransport.close();
            api.close();
        }
    }

    /** Waits until {@code at} after {@code start}, then reads the delay: elapsed minus played, in seconds. */
    static double delayAt(long start, Duration at, LivePlayhead device) throws InterruptedException {
        long when = start + at.toNanos();
        long left;
        while ((left = when - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, 1_000_000_000L)); // a benchmark pacing itself to the wall clock
        }
        long now = System.nanoTime();
        return (now - start - device.playedBy(now)) / 1e9;
    }

    /** 100 ms of a 440 Hz tone, the {@code n}th of the talk. */
    static AudioChunk tone(long n) {
        byte[] pcm = new byte[3200];
        for (int i = 0; i < 1600; i++) {
            short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * (n * 1600 + i) / 16_000.0));
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        return AudioChunk.of(pcm);
    }
}

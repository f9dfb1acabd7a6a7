package dev.lectern.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The deterministic simulation: for each seed, a speaker and three listeners through 24 simulated hours
 * with faults, on the real engine. Replay one seed with {@code -Dlectern.simulation.seed=N}; change the
 * scale with {@code -Dlectern.simulation.seeds} and {@code -Dlectern.simulation.hours}.
 */
class DeterministicSimulationTest {

    @Test
    void everyChunkIsAccountedForAcrossDaysOfRefreshesAndFaults() throws Exception {
        String only = System.getProperty("lectern.simulation.seed");
        int seeds = Integer.getInteger("lectern.simulation.seeds", 200);
        Duration length = Duration.ofHours(Long.getLong("lectern.simulation.hours", 24));
        List<Long> toRun = new ArrayList<>();
        if (only != null) {
            toRun.add(Long.parseLong(only));
        } else {
            for (long seed = 1; seed <= seeds; seed++) {
                toRun.add(seed);
            }
        }
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
        List<Future<Simulation.Result>> futures = new ArrayList<>();
        for (long seed : toRun) {
            futures.add(pool.submit(() -> Simulation.run(seed, length)));
        }
        List<Simulation.Result> results = new ArrayList<>();
        for (Future<Simulation.Result> f : futures) {
            results.add(f.get());
        }
        pool.shutdown();
        long millis = (System.nanoTime() - started) / 1_000_000;

        long captured = 0, sent = 0, dropped = 0, received = 0, played = 0, gaps = 0, refreshes = 0, reconnects = 0,
                faults = 0, rejected = 0, duplicates = 0;
        List<String> failures = new ArrayList<>();
        for (Simulation.Result r : results) {
            captured += r.captured();
            sent += r.sent();
            dropped += r.dropped();
            received += r.receivedByGateway();
            played += r.played();
            gaps += r.gapChunks();
            refreshes += r.refreshes();
            reconnects += r.reconnects();
            faults += r.faults();
            rejected += r.rejectedFrames();
            duplicates += r.duplicatesDiscarded();
            for (String v : r.violations()) {
                failures.add("seed " + r.seed() + ": " + v + "  (replay: -Dlectern.simulation.seed=" + r.seed() + ")");
            }
        }
        System.out.printf("SIMULATION seeds=%d hours/seed=%d simulated-hours=%d wall=%d ms%n", results.size(),
                length.toHours(), results.size() * length.toHours(), millis);
        System.out.printf("SIMULATION speaker chunks: captured=%d sent=%d dropped(reported)=%d received-by-gateway=%d lost-in-transit=%d%n",
                captured, sent, dropped, received, sent - received);
        System.out.printf("SIMULATION listeners: played=%d gap-chunks(reported)=%d duplicates-discarded=%d rejected-frames=%d%n",
                played, gaps, duplicates, rejected);
        System.out.printf("SIMULATION refreshes=%d reconnects=%d faults-injected=%d violations=%d%n",
                refreshes, reconnects, faults, failures.size());
        assertThat(failures).as("guarantee violations").isEmpty();
        assertThat(refreshes).as("refreshes happened").isGreaterThan(results.size() * (length.toMinutes() / 100) * 4 / 2);
    }
}

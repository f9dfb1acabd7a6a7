package dev.lectern.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A lane run by the thread that hands it work, when it is idle; and otherwise exactly as a queued lane. */
class LaneSchedulerTest {
    final ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anIdleLaneRunsOnTheCallersThreadBeforeReturning() {
        LaneScheduler lane = new LaneScheduler(pool);
        AtomicReference<Thread> ranOn = new AtomicReference<>();

        lane.executeHere(() -> ranOn.set(Thread.currentThread()));

        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
        assertThat(pool.getCompletedTaskCount()).isZero();
    }

    @Test
    void aBusyLaneTakesTheTaskAfterWhatItIsRunning() throws Exception {
        LaneScheduler lane = new LaneScheduler(pool);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Thread> firstOn = new AtomicReference<>();
        AtomicReference<Thread> secondOn = new AtomicReference<>();
        lane.execute(() -> {
            firstOn.set(Thread.currentThread());
            order.add("first");
            inside.countDown();
            await(release);
        });
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

        lane.executeHere(() -> {
            secondOn.set(Thread.currentThread());
            order.add("second");
            second.countDown();
        });
        assertThat(order).as("not run by the caller while the lane is busy").containsExactly("first");
        release.countDown();

        assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactly("first", "second");
        assertThat(secondOn.get()).isNotSameAs(Thread.currentThread()).isSameAs(firstOn.get());
    }

    @Test
    void oneLaneNeverRunsAnotherInsideItself() throws Exception {
        LaneScheduler a = new LaneScheduler(pool);
        LaneScheduler b = new LaneScheduler(pool);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Thread> aOn = new AtomicReference<>();
        AtomicReference<Thread> bOn = new AtomicReference<>();
        AtomicBoolean bRanInsideA = new AtomicBoolean();

        a.executeHere(() -> {
            aOn.set(Thread.currentThread());
            b.executeHere(() -> {
                bOn.set(Thread.currentThread());
                done.countDown();
            });
            bRanInsideA.set(bOn.get() == Thread.currentThread());
        });

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(aOn.get()).as("a was idle: run by the caller").isSameAs(Thread.currentThread());
        assertThat(bRanInsideA).as("b run nested inside a's task").isFalse();
        assertThat(bOn.get()).as("b handed to the pool").isNotSameAs(Thread.currentThread());
    }

    @Test
    void manyHandsOneLaneTasksRunOneAtATimeEachHandsInOrder() throws Exception {
        LaneScheduler lane = new LaneScheduler(pool);
        int hands = 4;
        int each = 5_000;
        AtomicBoolean running = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        int[] last = new int[hands];
        AtomicInteger outOfOrder = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(hands * each);
        List<Thread> threads = new ArrayList<>();
        for (int h = 0; h < hands; h++) {
            int hand = h;
            last[hand] = -1;
            threads.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    int n = i;
                    Runnable task = () -> {
                        if (!running.compareAndSet(false, true)) {
                            overlaps.incrementAndGet();
                        }
                        if (last[hand] != n - 1) {
                            outOfOrder.incrementAndGet();
                        }
                        last[hand] = n;
                        running.set(false);
                        all.countDown();
                    };
                    if (n % 3 == 0) {
                        lane.execute(task);
                    } else {
                        lane.executeHere(task);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);

        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        for (Thread t : threads) {
            t.join(5_000);
        }
        assertThat(overlaps.get()).as("tasks of one lane running at once").isZero();
        assertThat(outOfOrder.get()).as("a hand's tasks out of order").isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

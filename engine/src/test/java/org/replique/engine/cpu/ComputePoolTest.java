package org.replique.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ComputePoolTest {

    @Test
    void runsEveryTaskExactlyOnceOverManyJobs() {
        try (ComputePool pool = new ComputePool(3)) {
            for (int job = 0; job < 200; job++) {
                int count = 1 + job % 37;
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                pool.run(count, (index, worker) -> runs.incrementAndGet(index));
                for (int i = 0; i < count; i++) assertThat(runs.get(i)).as("job %d task %d", job, i).isEqualTo(1);
            }
        }
    }

    @Test
    void theCallerAndTheWorkersRunTasksAtTheSameTime() {
        // Three tasks that can only finish together: the caller and both workers must each take one.
        CyclicBarrier barrier = new CyclicBarrier(3);
        Set<Integer> workers = ConcurrentHashMap.newKeySet();
        try (ComputePool pool = new ComputePool(3)) {
            pool.run(3, (index, worker) -> {
                workers.add(worker);
                try {
                    barrier.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("the tasks did not run concurrently", e);
                }
            });
        }
        assertThat(workers).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void workersAreNamedDaemonThreadsAndTheCallerIsWorkerZero() {
        Set<String> names = ConcurrentHashMap.newKeySet();
        Set<Boolean> daemon = ConcurrentHashMap.newKeySet();
        CyclicBarrier barrier = new CyclicBarrier(2);
        String caller = Thread.currentThread().getName();
        try (ComputePool pool = new ComputePool(2)) {
            pool.run(2, (index, worker) -> {
                Thread t = Thread.currentThread();
                if (worker == 0) {
                    assertThat(t.getName()).isEqualTo(caller);
                } else {
                    names.add(t.getName());
                    daemon.add(t.isDaemon());
                }
                try {
                    barrier.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        assertThat(names).singleElement().asString().startsWith("replique-compute-1");
        assertThat(daemon).containsExactly(true);
    }

    @Test
    void aFailingTaskFailsTheJobAfterTheOthersEnded() {
        AtomicIntegerArray ran = new AtomicIntegerArray(50);
        try (ComputePool pool = new ComputePool(2)) {
            assertThatThrownBy(() -> pool.run(50, (index, worker) -> {
                ran.incrementAndGet(index);
                if (index == 7) throw new IllegalStateException("task 7");
            })).isInstanceOf(IllegalStateException.class).hasMessage("task 7");
            // The pool still works afterwards.
            AtomicIntegerArray again = new AtomicIntegerArray(10);
            pool.run(10, (index, worker) -> again.incrementAndGet(index));
            for (int i = 0; i < 10; i++) assertThat(again.get(i)).isEqualTo(1);
        }
        for (int i = 0; i <= 7; i++) assertThat(ran.get(i)).isLessThanOrEqualTo(1);
    }

    @Test
    void oneThreadRunsEverythingOnTheCaller() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (ComputePool pool = new ComputePool(1)) {
            pool.run(20, (index, worker) -> {
                assertThat(worker).isZero();
                threads.add(Thread.currentThread().getName());
            });
        }
        assertThat(threads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void closingStopsTheWorkers() throws InterruptedException {
        ComputePool pool = new ComputePool(3);
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        CyclicBarrier barrier = new CyclicBarrier(3);
        pool.run(3, (index, worker) -> {
            if (worker > 0) workers.add(Thread.currentThread());
            try {
                barrier.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        pool.close();
        for (Thread t : workers) {
            t.join(10_000);
            assertThat(t.isAlive()).as(t.getName()).isFalse();
        }
        assertThatThrownBy(() -> pool.run(2, (index, worker) -> {})).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsAPoolWithoutThreads() {
        assertThatThrownBy(() -> new ComputePool(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

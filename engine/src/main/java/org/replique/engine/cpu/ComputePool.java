package org.replique.engine.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CPU backend's own threads: {@code threads − 1} daemon workers named
 * {@code replique-compute-N}, plus the calling thread, which takes its share of every job. Never
 * the common ForkJoinPool: the language server shares the process and its pool.
 *
 * <p>A job is {@code count} independent tasks handed out one at a time from a shared counter, so
 * a thread the OS preempts holds up at most one task while the others take the rest. Decoding one
 * 7B token takes about 130 jobs of a few hundred microseconds each, so dispatch must be cheap:
 * idle workers spin for a short while before parking, and a job is published with one volatile
 * write. Jobs from different callers are serialized.
 */
public final class ComputePool implements AutoCloseable {
    /** A unit of work: task {@code index} of a job, run by thread {@code worker} (0 = the caller). */
    @FunctionalInterface
    public interface Task {
        void run(int index, int worker);
    }

    /** How long an idle worker spins before parking: longer than the gaps between the jobs of a token. */
    private static final long SPIN_NANOS = 200_000;

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock dispatch = new ReentrantLock();
    private final AtomicReference<Job> current = new AtomicReference<>();
    private volatile boolean closed;
    /** Jobs dispatched so far; guarded by {@link #dispatch}. */
    private long jobs;
    /** Where busy and waiting times go when profiling; see {@link #profile(ForwardProfile)}. */
    private volatile ForwardProfile profile;

    /** A pool of {@code threads} threads in all, the caller included ({@code threads − 1} are started). */
    public ComputePool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        int pool = POOLS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            Thread t = new Thread(workers[i], "replique-compute-" + (i + 1) + (pool > 1 ? "-pool" + pool : ""));
            t.setDaemon(true);
            workers[i].thread = t;
            t.start();
        }
    }

    /** Records each thread's busy time and the caller's waits in {@code profile} while it is enabled. */
    void profile(ForwardProfile profile) {
        this.profile = profile;
    }

    /** Threads that run jobs, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} for every index in {@code [0, count)} on the pool and the calling thread,
     * and returns when all are done. A task's exception is rethrown here once every task ended.
     */
    public void run(int count, Task task) {
        if (count <= 0) return;
        if (workers.length == 0 || count == 1) {
            for (int i = 0; i < count; i++) task.run(i, 0);
            return;
        }
        if (closed) throw new IllegalStateException("the compute pool is closed");
        dispatch.lock();
        try {
            ForwardProfile p = profile;
            Job job = new Job(++jobs, count, task, p != null && p.enabled() ? p : null);
            current.set(job);
            for (Worker w : workers) w.wake();
            job.work(0);
            long waitFrom = job.profile != null ? System.nanoTime() : 0;
            job.awaitDone();
            if (job.profile != null) job.profile.waited(System.nanoTime() - waitFrom);
            current.set(null);
            job.rethrow();
        } finally {
            dispatch.unlock();
        }
    }

    /** Stops the workers; jobs already running finish. */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    /** One job: tasks claimed from a counter, completion counted down. */
    private static final class Job {
        private final long id;
        private final int count;
        private final Task task;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger unfinished;
        private volatile Throwable failure;
        /** Null unless profiling. */
        final ForwardProfile profile;

        Job(long id, int count, Task task, ForwardProfile profile) {
            this.id = id;
            this.count = count;
            this.task = task;
            this.unfinished = new AtomicInteger(count);
            this.profile = profile;
        }

        void work(int worker) {
            long from = profile != null ? System.nanoTime() : 0;
            int ran = 0;
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    if (failure == null) task.run(i, worker);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    unfinished.decrementAndGet();
                }
                ran++;
            }
            if (profile != null && ran > 0) profile.busy(worker, System.nanoTime() - from);
        }

        void awaitDone() {
            int spins = 0;
            while (unfinished.get() > 0) {
                // A preempted worker may hold the last task for a whole time slice: stop burning
                // the core it needs after a while.
                if (++spins < 20_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }

        void rethrow() {
            Throwable t = failure;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }
    }

    private final class Worker implements Runnable {
        private final int index;
        private Thread thread;
        private volatile boolean parked;
        /** The id of the last job this worker took part in (the job itself is not kept, nor what it holds). */
        private long lastId;

        Worker(int index) {
            this.index = index;
        }

        /** Makes sure the worker sees the new job: unparks it if it is parked or about to park. */
        void wake() {
            if (parked) LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            while (!closed) {
                Job job = awaitJob();
                if (job != null) {
                    lastId = job.id;
                    job.work(index);
                }
            }
        }

        /** The next job not yet worked on, after spinning a while and then parking; null when closed. */
        private Job awaitJob() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            int spins = 0;
            while (!closed) {
                Job job = current.get();
                if (job != null && job.id != lastId) return job;
                if ((++spins & 63) != 0 || System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                // Check again after announcing it: a dispatcher that published before seeing
                // parked = true has not unparked us.
                job = current.get();
                if (job == null || job.id == lastId) {
                    LockSupport.park(this);
                }
                parked = false;
                spinUntil = System.nanoTime() + SPIN_NANOS;
            }
            return null;
        }
    }
}

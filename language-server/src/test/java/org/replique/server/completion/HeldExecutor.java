package org.replique.server.completion;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Request threads that hold each task until the test runs it, so that a test can change the
 * world (close a document, edit it) between a request being queued and its running.
 */
final class HeldExecutor extends AbstractExecutorService {
    private final LinkedBlockingQueue<Runnable> queued = new LinkedBlockingQueue<>();
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable task) {
        if (shutdown) throw new RejectedExecutionException("shut down");
        queued.add(task);
    }

    /** The next task handed over, waiting for it up to ten seconds. */
    Runnable next() throws InterruptedException {
        Runnable task = queued.poll(10, TimeUnit.SECONDS);
        if (task == null) throw new AssertionError("no task was queued");
        return task;
    }

    /** Tasks handed over and not yet taken by {@link #next}. */
    int waiting() {
        return queued.size();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = List.copyOf(queued);
        queued.clear();
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && queued.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }
}

package org.replique.engine.session;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Waits for a request running on another thread to reach a point, failing instead of hanging when it dies first. */
final class Await {
    private Await() {}

    static void reached(CountDownLatch point, Future<?> request) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!point.await(10, TimeUnit.MILLISECONDS)) {
            if (request.isDone()) {
                request.get(); // rethrows what stopped it
                throw new AssertionError("the request ended before reaching the point it should stop at");
            }
            if (System.nanoTime() > deadline) throw new AssertionError("the request never reached its stopping point");
        }
    }
}

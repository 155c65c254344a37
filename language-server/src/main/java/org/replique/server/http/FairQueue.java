package org.replique.server.http;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Admission to the model: {@code slots} requests run at once, at most {@code capacity} wait, and
 * waiting requests are let in round-robin between clients — a client with many requests queued
 * does not starve one with a single request. A request that finds the queue full is refused at
 * once (the caller answers 503 with {@link Full#retryAfterSeconds()}), never left to wait without
 * bound.
 */
final class FairQueue {
    private final int slots;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Clients with waiting requests, in the order they are served next. */
    private final LinkedHashMap<String, ArrayDeque<Ticket>> waiting = new LinkedHashMap<>();
    private int waitingCount;
    private int running;
    /** Moving average of how long a request holds its slot, for Retry-After. */
    private double averageSeconds = 1;

    /** The queue is full. */
    static final class Full extends Exception {
        private final long retryAfterSeconds;

        Full(long retryAfterSeconds) {
            super("the queue is full", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** One request's place: waiting, then running until closed. */
    final class Ticket implements AutoCloseable {
        private final String client;
        private boolean granted;
        private boolean closed;
        private long grantedAt;

        private Ticket(String client) {
            this.client = client;
        }

        /**
         * Waits for a slot; {@code abandoned} is asked now and then, and a true answer (the client
         * went away) gives the place up with {@link CancellationException}.
         */
        void await(BooleanSupplier abandoned) {
            lock.lock();
            try {
                while (!granted) {
                    if (abandoned.getAsBoolean()) {
                        withdraw();
                        throw new CancellationException("the client went away while waiting");
                    }
                    changed.await(250, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                withdraw();
                throw new CancellationException("interrupted while waiting");
            } finally {
                lock.unlock();
            }
        }

        /** Leaves the slot (or the queue) to the next request. */
        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) return;
                closed = true;
                if (granted) {
                    running--;
                    double seconds = (System.nanoTime() - grantedAt) / 1e9;
                    averageSeconds = 0.8 * averageSeconds + 0.2 * seconds;
                    grantNext();
                } else {
                    withdraw();
                }
            } finally {
                lock.unlock();
            }
        }

        private void withdraw() {
            ArrayDeque<Ticket> q = waiting.get(client);
            if (q != null && q.remove(this)) {
                waitingCount--;
                if (q.isEmpty()) waiting.remove(client);
            }
            closed = true;
        }

        private void grant() {
            granted = true;
            grantedAt = System.nanoTime();
            running++;
        }
    }

    FairQueue(int slots, int capacity) {
        if (slots < 1 || capacity < 0) throw new IllegalArgumentException("need ≥ 1 slot and a capacity ≥ 0");
        this.slots = slots;
        this.capacity = capacity;
    }

    /** A place for {@code client}'s request: running at once when a slot is free, else waiting. */
    Ticket enter(String client) throws Full {
        lock.lock();
        try {
            Ticket t = new Ticket(client);
            if (running < slots && waitingCount == 0) {
                t.grant();
                return t;
            }
            if (waitingCount >= capacity) {
                throw new Full(Math.max(1, (long) Math.ceil(averageSeconds * (waitingCount + 1) / slots)));
            }
            waiting.computeIfAbsent(client, c -> new ArrayDeque<>()).add(t);
            waitingCount++;
            return t;
        } finally {
            lock.unlock();
        }
    }

    /** Requests running now. */
    int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting now. */
    int waiting() {
        lock.lock();
        try {
            return waitingCount;
        } finally {
            lock.unlock();
        }
    }

    int slots() {
        return slots;
    }

    /** Lets waiting requests in, one client after another; the caller holds the lock. */
    private void grantNext() {
        while (running < slots && waitingCount > 0) {
            Iterator<Map.Entry<String, ArrayDeque<Ticket>>> it = waiting.entrySet().iterator();
            Map.Entry<String, ArrayDeque<Ticket>> first = it.next();
            String client = first.getKey();
            ArrayDeque<Ticket> q = first.getValue();
            it.remove();
            Ticket t = q.poll();
            waitingCount--;
            // The client goes to the back of the line with what it has left.
            if (!q.isEmpty()) waiting.put(client, q);
            t.grant();
        }
        changed.signalAll();
    }
}

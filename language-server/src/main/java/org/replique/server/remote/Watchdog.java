package org.replique.server.remote;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.replique.engine.backend.Cancellation;

/**
 * Ends exchanges that must not go on: the caller cancelled (a newer keystroke, a closed document,
 * the time budget), or the server has sent nothing for too long. The engine's cancellation is a
 * flag that work polls; an HTTP exchange blocks in a read instead, so a timer polls the flags and
 * aborts the exchange (cancels the pending response, closes the body), which closes the connection
 * and lets the server stop generating.
 */
final class Watchdog implements AutoCloseable {
    static final long PERIOD_MS = 10;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "replique-remote-watchdog");
        t.setDaemon(true);
        return t;
    });
    private final Set<Watch> watched = ConcurrentHashMap.newKeySet();

    Watchdog() {
        timer.scheduleWithFixedDelay(this::check, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Watches one exchange from now on. */
    Watch watch(CompletableFuture<?> pending, Cancellation cancel, Duration idle) {
        Watch w = new Watch(pending, cancel, idle.toNanos());
        watched.add(w);
        return w;
    }

    private void check() {
        long now = System.nanoTime();
        for (Watch w : watched) w.check(now);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One exchange: its pending response, then its body. */
    final class Watch implements AutoCloseable {
        private final CompletableFuture<?> pending;
        private final Cancellation cancel;
        private final long idleNanos;
        private volatile long lastActivity = System.nanoTime();
        private volatile InputStream body;
        private volatile boolean idleExpired;
        private volatile boolean aborted;
        private volatile long bytes;

        Watch(CompletableFuture<?> pending, Cancellation cancel, long idleNanos) {
            this.pending = pending;
            this.cancel = cancel;
            this.idleNanos = idleNanos;
        }

        /** The response body, wrapped so that every byte read counts as activity. */
        InputStream body(InputStream in) {
            lastActivity = System.nanoTime();
            InputStream wrapped = new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) active(1);
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n > 0) active(n);
                    return n;
                }
            };
            body = wrapped;
            if (aborted) closeQuietly(wrapped);
            return wrapped;
        }

        private void active(int n) {
            bytes += n;
            lastActivity = System.nanoTime();
        }

        /** Whether the exchange was ended because the server was silent for too long. */
        boolean idleExpired() {
            return idleExpired;
        }

        /** Whether any byte of the body arrived. */
        boolean received() {
            return bytes > 0;
        }

        void check(long now) {
            if (aborted) return;
            if (cancel.isCancelled()) {
                abort();
            } else if (now - lastActivity > idleNanos) {
                idleExpired = true;
                abort();
            }
        }

        private void abort() {
            aborted = true;
            pending.cancel(true);
            InputStream b = body;
            if (b != null) closeQuietly(b);
        }

        @Override
        public void close() {
            watched.remove(this);
            InputStream b = body;
            if (b != null) closeQuietly(b);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is all that was asked
        }
    }
}

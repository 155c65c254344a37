package org.replique.server.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.replique.server.completion.InlineCompletionService;
import org.replique.server.context.ServerContext;

/** The threads requests run on (never the LSP message thread) and the debounce timer. */
public final class ThreadsModule extends AbstractModule {
    /** Documents whose requests may run at once; each also uses the engine's compute pool. */
    static final int REQUEST_THREADS = 4;

    @Provides
    @Singleton
    @Named(ServerContext.REQUEST_THREADS)
    ExecutorService requests() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(REQUEST_THREADS, r -> daemon(r, "replique-request-" + n.incrementAndGet()));
    }

    @Provides
    @Singleton
    @Named(InlineCompletionService.TIMER)
    ScheduledExecutorService timer() {
        return Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "replique-debounce"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

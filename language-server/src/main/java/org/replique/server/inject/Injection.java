package org.replique.server.inject;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Stage;
import com.google.inject.name.Names;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.replique.server.completion.InlineCompletionService;
import org.replique.server.context.ServerContext;
import org.replique.server.model.ModelService;

/** Builds the server's object graph: one per connection. */
public final class Injection {
    private Injection() {}

    public static Injector injector() {
        return Guice.createInjector(Stage.PRODUCTION, new ThreadsModule(), new ServerModule());
    }

    /**
     * Ends a connection's object graph: its model is closed and its request and timer threads
     * stop. A server that takes one connection after another ({@code serve --port}) would
     * otherwise keep every earlier connection's threads.
     */
    public static void close(Injector injector) {
        injector.getInstance(ModelService.class).close();
        injector.getInstance(Key.get(ExecutorService.class, Names.named(ServerContext.REQUEST_THREADS))).shutdownNow();
        injector.getInstance(Key.get(ScheduledExecutorService.class, Names.named(InlineCompletionService.TIMER)))
                .shutdownNow();
    }
}

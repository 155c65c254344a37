package org.replique.server.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.replique.server.completion.InlineCompletionService;
import org.replique.server.context.ServerContext;

/** A connection's object graph, once closed, leaves no thread behind: one connection after another must not pile them up. */
class InjectionTest {

    @Test
    void closingAConnectionsGraphStopsItsRequestAndTimerThreads() throws Exception {
        Injector injector = Injection.injector();
        ExecutorService requests = injector.getInstance(Key.get(ExecutorService.class, Names.named(ServerContext.REQUEST_THREADS)));
        ScheduledExecutorService timer = injector.getInstance(
                Key.get(ScheduledExecutorService.class, Names.named(InlineCompletionService.TIMER)));
        // Threads exist once work has run on them.
        requests.submit(() -> {}).get();
        timer.schedule(() -> {}, 1, TimeUnit.MILLISECONDS).get();

        Injection.close(injector);

        assertThat(requests.awaitTermination(5, TimeUnit.SECONDS)).as("request threads stopped").isTrue();
        assertThat(timer.awaitTermination(5, TimeUnit.SECONDS)).as("timer thread stopped").isTrue();
    }

    @Test
    void eachConnectionGetsItsOwnThreads() {
        Injector first = Injection.injector();
        Injector second = Injection.injector();
        Key<ExecutorService> requests = Key.get(ExecutorService.class, Names.named(ServerContext.REQUEST_THREADS));
        assertThat(first.getInstance(requests)).isNotSameAs(second.getInstance(requests));
        assertThat(first.getInstance(requests)).isSameAs(first.getInstance(requests));
        Injection.close(first);
        assertThat(second.getInstance(requests).isShutdown()).as("closing one connection leaves the other's").isFalse();
        Injection.close(second);
    }
}

package org.replique.server.client;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.replique.engine.backend.Cancellation;

/** Links an LSP answer to the work that produces it. */
public final class Requests {
    private Requests() {}

    /**
     * A cancellation that fires when {@code answer} is cancelled, which is what LSP4J does with a
     * handler's future when the client sends {@code $/cancelRequest}.
     */
    public static Cancellation cancelledWith(CompletableFuture<?> answer) {
        Cancellation cancel = new Cancellation();
        answer.whenComplete((r, e) -> {
            if (answer.isCancelled()) cancel.cancel();
        });
        return cancel;
    }

    /**
     * {@code source} mapped by {@code f}, for a handler to return: LSP4J cancels the future a
     * handler returns, and a future made by {@code thenApply} would not pass that on to
     * {@code source} (nor to the work behind it); this one does.
     */
    public static <T, R> CompletableFuture<R> mapped(CompletableFuture<T> source, Function<? super T, ? extends R> f) {
        CompletableFuture<R> result = source.thenApply(f);
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) source.cancel(true);
        });
        return result;
    }
}

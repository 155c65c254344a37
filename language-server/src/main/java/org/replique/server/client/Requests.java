package org.replique.server.client;

import java.util.concurrent.CompletableFuture;
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
}

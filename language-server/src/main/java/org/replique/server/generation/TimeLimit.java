package org.replique.server.generation;

import java.time.Duration;
import org.replique.engine.backend.Cancellation;

/** A cancellation that fires by itself once a time limit has passed. */
public final class TimeLimit extends Cancellation {
    private final long until;

    private TimeLimit(long until) {
        this.until = until;
    }

    /** Fires {@code d} from now. */
    public static TimeLimit of(Duration d) {
        return new TimeLimit(System.nanoTime() + d.toNanos());
    }

    @Override
    public boolean isCancelled() {
        return super.isCancelled() || System.nanoTime() - until > 0;
    }
}

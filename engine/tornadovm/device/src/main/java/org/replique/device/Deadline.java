package org.replique.device;

/**
 * The time a run may still use. The device machine stops a command after a fixed limit: every step
 * checks what is left before it starts, and the long ones stop early, so that the run ends with a
 * complete results file rather than being cut off in the middle.
 */
final class Deadline {
    private final long end;

    private Deadline(long end) {
        this.end = end;
    }

    static Deadline in(double seconds) {
        return new Deadline(System.nanoTime() + (long) (seconds * 1e9));
    }

    double remaining() {
        return (end - System.nanoTime()) / 1e9;
    }

    boolean passed() {
        return remaining() <= 0;
    }

    /** The earlier of this deadline and {@code seconds} from now. */
    Deadline within(double seconds) {
        return new Deadline(Math.min(end, System.nanoTime() + (long) (seconds * 1e9)));
    }
}

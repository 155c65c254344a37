package org.replique.engine.backend;

import java.util.List;

/**
 * A backend that can time the steps of its passes (its kernels on a device), so that a benchmark
 * can say where the time of a token goes. Recording slows the passes down: profile apart from
 * speed measurements.
 */
public interface Profiling {

    /** Starts recording from the next pass on, forgetting what was recorded before. */
    void startProfiling();

    /** Stops recording and returns what the passes since {@link #startProfiling} spent. */
    Profile stopProfiling();

    /** A step (a kernel, a transfer, the host's share of a pass): how many times it ran and its total time. */
    record Step(String name, long count, long nanos) {}

    /**
     * What the recorded passes spent: per kernel, summed over the layers, and the backend's totals
     * (e.g. device time of all kernels, transfers, the host's time around them).
     */
    record Profile(List<Step> kernels, List<Step> totals) {}
}

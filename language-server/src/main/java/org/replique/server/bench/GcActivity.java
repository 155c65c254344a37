package org.replique.server.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * Garbage collections over a stretch of a benchmark, all of this JVM's collectors together.
 * Compiled kernels allocate little; a run that collects many times more often than others is one
 * where the JIT left a vector operation un-inlined and boxes the vectors, which makes a kernel
 * several times slower without any change in the code.
 *
 * @param collections collections in the stretch
 * @param millis      their accumulated time, as the collectors report it
 */
public record GcActivity(long collections, long millis) {

    /** The totals since the JVM started. */
    public static GcActivity sinceStart() {
        long collections = 0;
        long millis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, collector.getCollectionCount());
            millis += Math.max(0, collector.getCollectionTime());
        }
        return new GcActivity(collections, millis);
    }

    /** What happened between {@code start} (an earlier {@link #sinceStart}) and now. */
    public static GcActivity since(GcActivity start) {
        GcActivity now = sinceStart();
        return new GcActivity(now.collections - start.collections, now.millis - start.millis);
    }
}

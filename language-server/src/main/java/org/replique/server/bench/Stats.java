package org.replique.server.bench;

import java.util.Arrays;

/** Summaries of repeated measurements. Medians, because a shared machine adds slow outliers, never fast ones. */
public final class Stats {
    private Stats() {}

    /** The median (the mean of the two middle values for an even count); NaN for no values. */
    public static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Items per second for {@code count} items in {@code nanos}. */
    public static double perSecond(long count, long nanos) {
        return nanos <= 0 ? Double.NaN : count * 1e9 / nanos;
    }
}

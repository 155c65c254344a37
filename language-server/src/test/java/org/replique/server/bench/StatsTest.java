package org.replique.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Stats.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Stats.median(new double[] {7})).isEqualTo(7);
        assertThat(Stats.median(new double[0])).isNaN();
    }

    @Test
    void medianLeavesItsInputAlone() {
        double[] values = {3, 1, 2};
        Stats.median(values);
        assertThat(values).containsExactly(3, 1, 2);
    }

    @Test
    void ratePerSecond() {
        assertThat(Stats.perSecond(64, 2_000_000_000L)).isEqualTo(32.0);
        assertThat(Stats.perSecond(1, 0)).isNaN();
    }
}

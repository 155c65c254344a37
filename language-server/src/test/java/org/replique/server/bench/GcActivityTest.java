package org.replique.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GcActivityTest {

    @Test
    void countsTheCollectionsBetweenTwoPoints() {
        GcActivity start = GcActivity.sinceStart();
        System.gc();
        GcActivity stretch = GcActivity.since(start);
        assertThat(stretch.collections()).isPositive();
        assertThat(stretch.millis()).isNotNegative();
        assertThat(GcActivity.sinceStart().collections()).isGreaterThanOrEqualTo(start.collections() + stretch.collections());
    }
}

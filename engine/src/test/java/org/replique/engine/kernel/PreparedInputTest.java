package org.replique.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Refilling a prepared input gives what a fresh one would, derived forms included. */
class PreparedInputTest {

    @ParameterizedTest
    @EnumSource(PreparedInput.Format.class)
    void refillingEqualsPreparingAfresh(PreparedInput.Format format) {
        float[] first = RandomWeights.activations(3 * 64, 1);
        float[] second = RandomWeights.activations(2 * 96, 2);
        PreparedInput reused = PreparedInput.of(format, first, 3, 64);
        reused.paddedFloats(80);
        if (format == PreparedInput.Format.Q8) reused.groupedQuants(8);

        PreparedInput refilled = PreparedInput.of(format, second, 2, 96, reused);
        PreparedInput fresh = PreparedInput.of(format, second, 2, 96);
        assertThat(refilled).isSameAs(reused);
        assertThat(refilled.rows()).isEqualTo(2);
        assertThat(refilled.cols()).isEqualTo(96);
        int n = 2 * 96;
        if (format == PreparedInput.Format.Q8) {
            for (int i = 0; i < n; i++) assertThat(refilled.quants()[i]).isEqualTo(fresh.quants()[i]);
            for (int i = 0; i < n / 32; i++) assertThat(refilled.scales()[i]).isEqualTo(fresh.scales()[i]);
            float[] grouped = refilled.groupedQuants(4);
            float[] expected = fresh.groupedQuants(4);
            for (int i = 0; i < n; i++) assertThat(grouped[i]).isEqualTo(expected[i]);
        } else {
            for (int i = 0; i < n; i++) assertThat(refilled.values()[i]).isEqualTo(fresh.values()[i]);
        }
        float[] padded = refilled.paddedFloats(112);
        float[] expected = fresh.paddedFloats(112);
        for (int i = 0; i < 2 * 112; i++) assertThat(padded[i]).as("padded %d", i).isEqualTo(expected[i]);
    }

    @Test
    void groupedQuantsPutTheKthQuantOfConsecutiveGroupsSideBySide() {
        float[] x = RandomWeights.activations(64, 4);
        PreparedInput p = PreparedInput.of(PreparedInput.Format.Q8, x, 1, 64);
        for (int lanes : new int[] {4, 8}) {
            float[] g = p.groupedQuants(lanes);
            for (int block = 0; block < 64; block += 32) {
                for (int group = 0; group < 8; group++) {
                    for (int k = 0; k < 4; k++) {
                        int at = block + (group / lanes) * 4 * lanes + k * lanes + group % lanes;
                        assertThat(g[at]).isEqualTo(p.quants()[block + 4 * group + k]);
                    }
                }
            }
        }
    }

    @Test
    void paddedFloatsOfQ8AreTheDequantizedActivations() {
        float[] x = RandomWeights.activations(64, 3);
        PreparedInput p = PreparedInput.of(PreparedInput.Format.Q8, x, 1, 64);
        float[] padded = p.paddedFloats(80);
        for (int i = 0; i < 64; i++) assertThat(padded[i]).isEqualTo(p.scales()[i / 32] * p.quants()[i]);
        for (int i = 64; i < 80; i++) assertThat(padded[i]).isZero();
    }
}

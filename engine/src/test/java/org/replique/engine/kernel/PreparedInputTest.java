package org.replique.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Refilling a prepared input gives what a fresh one would, views included; ggml's activation quantizers. */
class PreparedInputTest {

    @ParameterizedTest
    @EnumSource(PreparedInput.Format.class)
    void refillingEqualsPreparingAfresh(PreparedInput.Format format) {
        float[] first = RandomWeights.activations(3 * 512, 1);
        float[] second = RandomWeights.activations(2 * 768, 2);
        PreparedInput reused = PreparedInput.of(format, first, 3, 512);
        PreparedInput.View<float[]> padded = (x, previous) -> TiledMatmul.paddedFloats(x, x.cols() + 16, previous);
        boolean floats = format != PreparedInput.Format.Q8_K && format != PreparedInput.Format.Q8_0;
        if (floats) reused.view(padded);

        PreparedInput refilled = PreparedInput.of(format, second, 2, 768, reused);
        PreparedInput fresh = PreparedInput.of(format, second, 2, 768);
        assertThat(refilled).isSameAs(reused);
        assertThat(refilled.rows()).isEqualTo(2);
        assertThat(refilled.cols()).isEqualTo(768);
        int n = 2 * 768;
        switch (format) {
            case Q8_0, Q8_K -> {
                int block = format == PreparedInput.Format.Q8_0 ? 32 : 256;
                for (int i = 0; i < n; i++) assertThat(refilled.quants()[i]).isEqualTo(fresh.quants()[i]);
                for (int i = 0; i < n / block; i++) assertThat(refilled.scales()[i]).isEqualTo(fresh.scales()[i]);
                if (format == PreparedInput.Format.Q8_K) {
                    for (int i = 0; i < n / 16; i++) assertThat(refilled.sums()[i]).isEqualTo(fresh.sums()[i]);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) assertThat(refilled.values()[i]).isEqualTo(fresh.values()[i]);
            }
        }
        if (floats) {
            float[] again = refilled.view(padded);
            float[] expected = fresh.view(padded);
            for (int i = 0; i < 2 * 784; i++) assertThat(again[i]).as("padded %d", i).isEqualTo(expected[i]);
        }
    }

    @Test
    void aViewIsDerivedOncePerFill() {
        AtomicInteger derivations = new AtomicInteger();
        PreparedInput.View<float[]> counting = (x, previous) -> {
            derivations.incrementAndGet();
            return new float[] {x.values()[0]};
        };
        PreparedInput p = PreparedInput.of(PreparedInput.Format.F32, new float[] {1, 2}, 1, 2);
        assertThat(p.view(counting)).containsExactly(1f);
        assertThat(p.view(counting)).containsExactly(1f);
        assertThat(derivations).hasValue(1);
        PreparedInput.of(PreparedInput.Format.F32, new float[] {3, 4}, 1, 2, p);
        assertThat(p.view(counting)).containsExactly(3f);
        assertThat(derivations).hasValue(2);
    }

    @Test
    void groupedQuantsPutTheKthQuantOfConsecutiveGroupsSideBySide() {
        float[] x = RandomWeights.activations(64, 4);
        PreparedInput p = PreparedInput.of(PreparedInput.Format.Q8_0, x, 1, 64);
        for (int lanes : new int[] {4, 8}) {
            float[] g = QuantizedMatVec.groupedQuants(p, lanes, null);
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
    void paddedFloatsAreTheValuesThenZeros() {
        float[] x = RandomWeights.activations(64, 3);
        PreparedInput p = PreparedInput.of(PreparedInput.Format.F16, x, 1, 64);
        float[] padded = TiledMatmul.paddedFloats(p, 80, null);
        for (int i = 0; i < 64; i++) assertThat(padded[i]).isEqualTo(p.values()[i]);
        for (int i = 64; i < 80; i++) assertThat(padded[i]).isZero();
    }

    /**
     * ggml's {@code quantize_row_q8_K}: the scale comes from the first value of largest magnitude
     * and has the opposite sign ({@code iscale = −127/max}), so that value becomes −127; halves
     * round to even; the sums are over 16 quants.
     */
    @Test
    void q8_KFollowsGgmlsReferenceQuantizer() {
        float[] x = new float[256];
        x[0] = 2.5f;          // largest magnitude first: max = +2.5, iscale = −50.8
        x[1] = -2.5f;         // same magnitude later: not the max
        x[2] = 0.7f;
        x[3] = 1.0f;
        for (int i = 16; i < 32; i++) x[i] = -0.1f;
        PreparedInput p = PreparedInput.of(PreparedInput.Format.Q8_K, x, 1, 256);
        float iscale = -127f / 2.5f;
        assertThat(p.scales()[0]).isEqualTo(1 / iscale);
        assertThat(p.quants()[0]).isEqualTo((byte) -127);
        assertThat(p.quants()[1]).isEqualTo((byte) 127);
        assertThat(p.quants()[2]).isEqualTo((byte) Math.rint(iscale * x[2]));
        assertThat(p.quants()[3]).isEqualTo((byte) Math.rint(iscale * 1.0f));
        for (int i = 16; i < 32; i++) assertThat(p.quants()[i]).isEqualTo((byte) Math.rint(iscale * -0.1f));
        int first = 0;
        for (int i = 0; i < 16; i++) first += p.quants()[i];
        assertThat(p.sums()[0]).isEqualTo((short) first);
        assertThat(p.sums()[1]).isEqualTo((short) (16 * Math.rint(iscale * -0.1f)));
        for (int i = 2; i < 16; i++) assertThat(p.sums()[i]).isZero();
    }

    @Test
    void q8_KRoundsHalvesToEven() {
        float[] x = new float[256];
        x[0] = -127f;   // iscale = 1: quants are the values rounded
        x[1] = 2.5f;
        x[2] = 3.5f;
        x[3] = -0.5f;
        PreparedInput p = PreparedInput.of(PreparedInput.Format.Q8_K, x, 1, 256);
        assertThat(p.scales()[0]).isEqualTo(1f);
        assertThat(new byte[] {p.quants()[0], p.quants()[1], p.quants()[2], p.quants()[3]})
                .containsExactly(-127, 2, 4, 0);
    }

    @Test
    void anAllZeroQ8_KBlockIsZero() {
        float[] x = new float[512];
        x[300] = 1;
        PreparedInput p = PreparedInput.of(PreparedInput.Format.Q8_K, RandomWeights.activations(512, 9), 1, 512);
        PreparedInput.of(PreparedInput.Format.Q8_K, x, 1, 512, p);
        assertThat(p.scales()[0]).isZero();
        for (int i = 0; i < 256; i++) assertThat(p.quants()[i]).isZero();
        for (int i = 0; i < 16; i++) assertThat(p.sums()[i]).isZero();
        assertThat(p.quants()[300]).isEqualTo((byte) -127);
    }

    @Test
    void rowsMustBeWholeBlocks() {
        assertThatThrownBy(() -> PreparedInput.of(PreparedInput.Format.Q8_K, new float[128], 1, 128))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Q8_K");
    }
}

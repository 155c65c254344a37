package org.replique.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Vector RoPE rounds exactly like the reference: the results must be bit-identical. */
class RopeCrossTest {

    @ParameterizedTest(name = "{0} heads of {1}, {2} rotated dims")
    @CsvSource({"1, 8, 8", "3, 8, 6", "8, 128, 128", "32, 128, 128", "2, 72, 72", "2, 128, 96", "4, 20, 20"})
    void bitIdenticalToTheReference(int heads, int headDim, int ropeDims) {
        Random random = new Random(heads * 31L + headDim);
        int offset = 7;
        float[] v = new float[offset + heads * headDim + 3];
        for (int i = 0; i < v.length; i++) v[i] = (float) random.nextGaussian();
        float[] cos = new float[ropeDims];
        float[] sin = new float[ropeDims];
        float angle = 37;
        for (int i = 0; i < ropeDims; i += 2) {
            cos[i] = cos[i + 1] = (float) Math.cos(angle);
            sin[i] = sin[i + 1] = (float) Math.sin(angle);
            angle *= 0.7f;
        }
        float[] expected = v.clone();
        float[] actual = v.clone();
        new ScalarKernels().rope(expected, offset, heads, headDim, ropeDims, cos, sin);
        new VectorKernels().rope(actual, offset, heads, headDim, ropeDims, cos, sin);
        assertThat(actual).containsExactly(expected);
        assertThat(actual).isNotEqualTo(v);
    }
}

package org.replique.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Vector attention against the scalar reference, over F32 and F16 caches: head sizes below,
 * equal to and above a vector (with a scalar remainder), windows that wrap around the ring, for
 * decoding and for a token of a prompt. With an F32 cache both follow ggml's arithmetic and agree
 * to the bit.
 */
class AttentionCrossTest {
    private static final Kernels SCALAR = new ScalarKernels();
    private static final Kernels VECTOR = new VectorKernels();

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(8, 1, 4, 0), Arguments.of(8, 7, 9, 5), Arguments.of(12, 5, 8, 6),
                Arguments.of(64, 33, 40, 0), Arguments.of(128, 17, 20, 11), Arguments.of(128, 100, 128, 90),
                Arguments.of(72, 3, 3, 2), Arguments.of(96, 70, 80, 30), Arguments.of(20, 45, 45, 0));
    }

    static Stream<Arguments> f32Cases() {
        return cases().flatMap(a -> Stream.of(true, false).map(inBatch -> {
            Object[] args = java.util.Arrays.copyOf(a.get(), 5);
            args[4] = inBatch;
            return Arguments.of(args);
        }));
    }

    @ParameterizedTest(name = "head {0}, {1} positions in a ring of {2} from slot {3}, in a batch: {4}")
    @MethodSource("f32Cases")
    void f32CacheAgreesToTheBit(int headDim, int length, int slots, int firstSlot, boolean inBatch) {
        Fixture f = new Fixture(headDim, slots, length);
        float[] expected = new float[f.outOffset + headDim];
        float[] actual = new float[f.outOffset + headDim];
        SCALAR.attention(f.q, f.qOffset, f.keys, f.values, f.headOffset, f.stride, slots, firstSlot, length, headDim,
                f.scale, inBatch, new float[length], expected, f.outOffset);
        VECTOR.attention(f.q, f.qOffset, f.keys, f.values, f.headOffset, f.stride, slots, firstSlot, length, headDim,
                f.scale, inBatch, new float[length], actual, f.outOffset);
        assertThat(actual).containsExactly(expected);
    }

    @ParameterizedTest(name = "head {0}, {1} positions in a ring of {2} from slot {3}")
    @MethodSource("cases")
    void f16CacheAgrees(int headDim, int length, int slots, int firstSlot) {
        Fixture f = new Fixture(headDim, slots, length);
        short[] keys = toF16(f.keys);
        short[] values = toF16(f.values);
        float[] expected = new float[f.outOffset + headDim];
        float[] actual = new float[f.outOffset + headDim];
        SCALAR.attention(f.q, f.qOffset, keys, values, f.headOffset, f.stride, slots, firstSlot, length, headDim,
                f.scale, false, new float[length], expected, f.outOffset);
        VECTOR.attention(f.q, f.qOffset, keys, values, f.headOffset, f.stride, slots, firstSlot, length, headDim,
                f.scale, false, new float[length], actual, f.outOffset);
        for (int d = 0; d < headDim; d++) {
            assertThat(actual[f.outOffset + d]).as("dim %d", d).isCloseTo(expected[f.outOffset + d], within(2e-5f));
        }
    }

    private static short[] toF16(float[] x) {
        short[] out = new short[x.length];
        for (int i = 0; i < x.length; i++) out[i] = Float.floatToFloat16(x[i]);
        return out;
    }

    /** A cache of two KV heads (the second one is attended to) and a query with an offset. */
    private static final class Fixture {
        final int stride;
        final int headOffset;
        final float[] q;
        final int qOffset = 3;
        final float[] keys;
        final float[] values;
        final float scale;
        final int outOffset = 5;

        Fixture(int headDim, int slots, int length) {
            Random random = new Random(headDim * 1000L + slots * 10L + length);
            stride = 2 * headDim;
            headOffset = headDim;
            q = gaussian(random, qOffset + headDim);
            keys = gaussian(random, slots * stride);
            values = gaussian(random, slots * stride);
            scale = 1f / (float) Math.sqrt(headDim);
        }

        private static float[] gaussian(Random random, int n) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
            return x;
        }
    }
}

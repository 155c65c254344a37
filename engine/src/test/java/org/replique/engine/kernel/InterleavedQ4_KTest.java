package org.replique.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.InterleavedQ4_K;
import org.replique.engine.tensor.RowOrder;
import org.replique.engine.tensor.WeightLayout;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Q4_K rows interleaved by eight (ggml's repacking), scales and mins repacked: every weight keeps
 * its quant, scales and mins; the decode kernel that reads the layout (16-bit integer products)
 * and the interleaved prompt kernel give the reference's results (ggml's interleaved arithmetic)
 * to the bit, as from the file's layout; row ranges may cut groups; whatever the vector width.
 */
class InterleavedQ4_KTest {
    private static final Kernels SCALAR = new ScalarKernels();
    private static final Kernels VECTOR = new VectorKernels();

    @Test
    void interleavingKeepsEveryWeight() {
        WeightMatrix rows = withSubnormalScales(RandomWeights.matrix(GgmlType.Q4_K, 24, 512, 3));
        WeightMatrix interleaved = interleave(rows);
        assertThat(interleaved.layout()).isEqualTo(WeightLayout.Q4_K_X8);
        assertThat(interleaved.data().byteSize()).isEqualTo(rows.data().byteSize());
        float[] expected = new float[512];
        float[] actual = new float[512];
        for (int r = 0; r < 24; r++) {
            rows.dequantizeRow(r, expected, 0);
            interleaved.dequantizeRow(r, actual, 0);
            assertThat(actual).as("row %d", r).containsExactly(expected);
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (int cols : new int[] {256, 768, 2304}) {
            for (int rows : new int[] {8, 40}) {
                for (int batch : new int[] {1, 2, 3, 7, 8, 9, 16, 19}) {
                    all.add(Arguments.of(rows, cols, batch));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}×{1}, batch {2}")
    @MethodSource("cases")
    void decodingAndPromptsEqualTheReferenceToTheBitInEitherLayout(int rows, int cols, int batch) {
        long seed = 131L * rows + cols + batch;
        WeightMatrix w = withSubnormalScales(RandomWeights.matrix(GgmlType.Q4_K, rows, cols, seed));
        WeightMatrix interleaved = interleave(w);
        float[] x = RandomWeights.activations(batch * cols, seed + 1);

        float[] expected = new float[batch * rows];
        SCALAR.matmul(w, SCALAR.prepare(w, x, batch), expected);
        float[] reference = new float[batch * rows];
        SCALAR.matmul(interleaved, SCALAR.prepare(interleaved, x, batch), reference);
        float[] actual = new float[batch * rows];
        VECTOR.matmul(interleaved, VECTOR.prepare(interleaved, x, batch), actual);
        float[] fromRows = new float[batch * rows];
        VECTOR.matmul(w, VECTOR.prepare(w, x, batch), fromRows);

        assertThat(reference).as("the reference reads either layout").containsExactly(expected);
        assertThat(actual).as("decode and prompt kernels on the interleaved copy").containsExactly(expected);
        assertThat(fromRows).as("the same kernels' arithmetic on the file's layout").containsExactly(expected);
    }

    @ParameterizedTest(name = "batch {0}")
    @MethodSource("batches")
    void rowRangesThatCutGroupsWriteOnlyTheirRows(int batch) {
        int rows = 32;
        int cols = 512;
        WeightMatrix w = interleave(RandomWeights.matrix(GgmlType.Q4_K, rows, cols, 9));
        PreparedInput input = VECTOR.prepare(w, RandomWeights.activations(batch * cols, 10), batch);
        float[] whole = new float[batch * rows];
        VECTOR.matmul(w, input, whole);

        float[] pieces = new float[batch * rows];
        int[] cuts = {0, 3, 5, 8, 16, 21, 32};
        for (int i = 0; i + 1 < cuts.length; i++) {
            float[] only = new float[batch * rows];
            Arrays.fill(only, Float.NaN);
            VECTOR.matmul(w, input, only, cuts[i], cuts[i + 1]);
            for (int t = 0; t < batch; t++) {
                for (int r = 0; r < rows; r++) {
                    boolean inside = r >= cuts[i] && r < cuts[i + 1];
                    assertThat(Float.isNaN(only[t * rows + r])).as("row %d", r).isEqualTo(!inside);
                    if (inside) pieces[t * rows + r] = only[t * rows + r];
                }
            }
        }
        assertThat(pieces).containsExactly(whole);
    }

    @ParameterizedTest(name = "batch {0}")
    @MethodSource("batches")
    void shortLaneSumsStayExactAtTheirBounds(int batch) {
        // Every quant 15, scale and min 63, activation quants all −127: each short lane reaches
        // 16·15·127 in magnitude, each block total 8·63·30480·2.
        WeightMatrix w = RandomWeights.extreme(GgmlType.Q4_K, 16, 512);
        float[] x = RandomWeights.extremeActivations(batch * 512);
        float[] expected = new float[batch * 16];
        SCALAR.matmul(w, SCALAR.prepare(w, x, batch), expected);
        WeightMatrix interleaved = interleave(w);
        float[] actual = new float[batch * 16];
        VECTOR.matmul(interleaved, VECTOR.prepare(interleaved, x, batch), actual);
        assertThat(actual).containsExactly(expected);
    }

    static Stream<Integer> batches() {
        return Stream.of(1, 3, 8, 11);
    }

    @Test
    void vectorKernelsCopyQ4_KInterleavedWhereVectorsHoldEightFloats() {
        WeightMatrix q4 = RandomWeights.matrix(GgmlType.Q4_K, 16, 256, 4);
        WeightMatrix q6 = RandomWeights.matrix(GgmlType.Q6_K, 16, 256, 5);
        MemorySegment target = Arena.ofAuto().allocate(q6.data().byteSize());
        WeightLayout expected = VectorShapes.L >= 8 ? WeightLayout.Q4_K_X8 : WeightLayout.ROWS;
        assertThat(VECTOR.copy(q4, target).layout()).isEqualTo(expected);
        WeightMatrix q6Copy = VECTOR.copy(q6, target);
        assertThat(q6Copy.layout()).isEqualTo(WeightLayout.ROWS);
        assertThat(q6Copy.data().mismatch(q6.data())).isEqualTo(-1);
        assertThat(SCALAR.copy(q4, target).layout()).as("the reference keeps the file's layout")
                .isEqualTo(WeightLayout.ROWS);
    }

    @Test
    void onlyWholeGroupsOfFiniteQ4_KRowsAreInterleaved() {
        assertThat(InterleavedQ4_K.applies(RandomWeights.matrix(GgmlType.Q4_K, 12, 256, 1))).isFalse();
        assertThat(InterleavedQ4_K.applies(RandomWeights.matrix(GgmlType.Q6_K, 16, 256, 1))).isFalse();
        assertThat(InterleavedQ4_K.applies(RandomWeights.matrix(GgmlType.Q4_0, 16, 256, 1))).isFalse();
        for (long at : new long[] {144L * 5, 144L * 9 + 2}) {
            WeightMatrix infinite = RandomWeights.matrix(GgmlType.Q4_K, 16, 256, 1);
            infinite.data().set(Blocks.F16_LAYOUT, at, (short) (at % 2 == 0 ? 0x7c00 : 0xfe00));
            MemorySegment target = Arena.ofAuto().allocate(infinite.data().byteSize());
            assertThat(InterleavedQ4_K.interleave(infinite, target)).as("an infinite or NaN d or dmin").isNull();
            assertThat(VECTOR.copy(infinite, target).layout()).isEqualTo(WeightLayout.ROWS);
        }
        assertThatThrownBy(() -> InterleavedQ4_K.interleave(RandomWeights.matrix(GgmlType.Q4_K, 12, 256, 1),
                Arena.ofAuto().allocate(144 * 12))).isInstanceOf(IllegalArgumentException.class);
        WeightMatrix q6 = RandomWeights.matrix(GgmlType.Q6_K, 16, 256, 1);
        assertThatThrownBy(() -> new WeightMatrix("q6", GgmlType.Q6_K, 16, 256, q6.data(), RowOrder.IDENTITY, WeightLayout.Q4_K_X8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static WeightMatrix interleave(WeightMatrix w) {
        assertThat(InterleavedQ4_K.applies(w)).isTrue();
        WeightMatrix interleaved = InterleavedQ4_K.interleave(w, Arena.ofAuto().allocate(w.data().byteSize(), 64));
        assertThat(interleaved).isNotNull();
        return interleaved;
    }

    /**
     * Some blocks get f16 subnormal (or negative) d and dmin, and one a zero d: the kernel widens
     * them itself.
     */
    private static WeightMatrix withSubnormalScales(WeightMatrix w) {
        long blocks = (long) w.rows() * w.cols() / 256;
        for (long b = 0; b < blocks; b += 3) {
            short bits = (short) (b % 2 == 0 ? 0x0003 : 0x83ff);
            w.data().set(Blocks.F16_LAYOUT, 144 * b, b == 0 ? 0 : bits);
            w.data().set(Blocks.F16_LAYOUT, 144 * b + 2, (short) (bits ^ 0x8000));
        }
        return w;
    }
}

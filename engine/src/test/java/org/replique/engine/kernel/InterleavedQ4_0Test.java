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
import org.replique.engine.tensor.InterleavedQ4_0;
import org.replique.engine.tensor.RowOrder;
import org.replique.engine.tensor.WeightLayout;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Q4_0 rows interleaved by eight (ggml's repacking): every weight keeps its scale and quant; the
 * decode kernel that reads the layout and the interleaved prompt kernel give the reference's
 * results (ggml's interleaved arithmetic) to the bit, as from the file's layout; row ranges may
 * cut groups; whatever the vector width.
 */
class InterleavedQ4_0Test {
    private static final Kernels SCALAR = new ScalarKernels();
    private static final Kernels VECTOR = new VectorKernels();

    @Test
    void interleavingKeepsEveryWeight() {
        WeightMatrix rows = withSubnormalScales(RandomWeights.matrix(GgmlType.Q4_0, 24, 96, 3));
        WeightMatrix interleaved = interleave(rows);
        assertThat(interleaved.layout()).isEqualTo(WeightLayout.Q4_0_X8);
        assertThat(interleaved.data().byteSize()).isEqualTo(rows.data().byteSize());
        float[] expected = new float[96];
        float[] actual = new float[96];
        for (int r = 0; r < 24; r++) {
            rows.dequantizeRow(r, expected, 0);
            interleaved.dequantizeRow(r, actual, 0);
            assertThat(actual).as("row %d", r).containsExactly(expected);
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (int cols : new int[] {32, 96, 544, 2112}) {
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
        WeightMatrix w = withSubnormalScales(RandomWeights.matrix(GgmlType.Q4_0, rows, cols, seed));
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

    /**
     * The decode kernel sums products in 16-bit lanes: the largest quants against the largest
     * activations of either sign (every nibble 0 or 15, every activation quant ±127) must still
     * be exact.
     */
    @ParameterizedTest(name = "nibble {0}, activation sign {1}")
    @MethodSource("extremes")
    void theLargestProductsStayExactInSixteenBitLanes(int nibble, int sign) {
        int rows = 16;
        int cols = 256;
        WeightMatrix w = RandomWeights.matrix(GgmlType.Q4_0, rows, cols, 5);
        MemorySegment data = w.data();
        for (long block = 0; block < data.byteSize(); block += 18) {
            for (int j = 2; j < 18; j++) data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, block + j, (byte) (nibble * 0x11));
        }
        WeightMatrix interleaved = interleave(w);
        float[] x = new float[cols];
        Arrays.fill(x, sign * 3.5f);
        for (int batch = 1; batch <= 3; batch++) {
            float[] xs = new float[batch * cols];
            for (int t = 0; t < batch; t++) System.arraycopy(x, 0, xs, t * cols, cols);
            float[] expected = new float[batch * rows];
            SCALAR.matmul(w, SCALAR.prepare(w, xs, batch), expected);
            float[] actual = new float[batch * rows];
            VECTOR.matmul(interleaved, VECTOR.prepare(interleaved, xs, batch), actual);
            assertThat(actual).as("batch %d", batch).containsExactly(expected);
        }
    }

    static Stream<Arguments> extremes() {
        return Stream.of(Arguments.of(15, 1), Arguments.of(15, -1), Arguments.of(0, 1), Arguments.of(0, -1));
    }

    @ParameterizedTest(name = "batch {0}")
    @MethodSource("batches")
    void rowRangesThatCutGroupsWriteOnlyTheirRows(int batch) {
        int rows = 32;
        int cols = 64;
        WeightMatrix w = interleave(RandomWeights.matrix(GgmlType.Q4_0, rows, cols, 9));
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

    static Stream<Integer> batches() {
        return Stream.of(1, 3, 8, 11);
    }

    @Test
    void vectorKernelsCopyQ4_0InterleavedWhereVectorsHoldEightFloats() {
        WeightMatrix q4 = RandomWeights.matrix(GgmlType.Q4_0, 16, 64, 4);
        WeightMatrix q8 = RandomWeights.matrix(GgmlType.Q8_0, 16, 64, 5);
        MemorySegment target = Arena.ofAuto().allocate(q8.data().byteSize());
        WeightLayout expected = VectorShapes.L >= 8 ? WeightLayout.Q4_0_X8 : WeightLayout.ROWS;
        assertThat(VECTOR.copy(q4, target).layout()).isEqualTo(expected);
        WeightMatrix q8Copy = VECTOR.copy(q8, target);
        assertThat(q8Copy.layout()).isEqualTo(WeightLayout.ROWS);
        assertThat(q8Copy.data().mismatch(q8.data())).isEqualTo(-1);
        assertThat(SCALAR.copy(q4, target).layout()).as("the reference keeps the file's layout")
                .isEqualTo(WeightLayout.ROWS);
    }

    @Test
    void onlyWholeGroupsOfFiniteQ4_0RowsAreInterleaved() {
        assertThat(InterleavedQ4_0.applies(RandomWeights.matrix(GgmlType.Q4_0, 12, 32, 1))).isFalse();
        assertThat(InterleavedQ4_0.applies(RandomWeights.matrix(GgmlType.Q8_0, 16, 32, 1))).isFalse();
        WeightMatrix infinite = RandomWeights.matrix(GgmlType.Q4_0, 16, 32, 1);
        infinite.data().set(Blocks.F16_LAYOUT, 18L * 5, (short) 0x7c00);
        MemorySegment target = Arena.ofAuto().allocate(infinite.data().byteSize());
        assertThat(InterleavedQ4_0.interleave(infinite, target)).as("an infinite scale").isNull();
        assertThat(VECTOR.copy(infinite, target).layout()).isEqualTo(WeightLayout.ROWS);
        assertThatThrownBy(() -> InterleavedQ4_0.interleave(RandomWeights.matrix(GgmlType.Q4_0, 12, 32, 1),
                Arena.ofAuto().allocate(1024))).isInstanceOf(IllegalArgumentException.class);
        WeightMatrix q8 = RandomWeights.matrix(GgmlType.Q8_0, 16, 32, 1);
        assertThatThrownBy(() -> new WeightMatrix("q8", GgmlType.Q8_0, 16, 32, q8.data(), RowOrder.IDENTITY, WeightLayout.Q4_0_X8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static WeightMatrix interleave(WeightMatrix w) {
        assertThat(InterleavedQ4_0.applies(w)).isTrue();
        WeightMatrix interleaved = InterleavedQ4_0.interleave(w, Arena.ofAuto().allocate(w.data().byteSize(), 64));
        assertThat(interleaved).isNotNull();
        return interleaved;
    }

    /** Some blocks get f16 subnormal scales, and one a zero scale: the kernel widens scales itself. */
    private static WeightMatrix withSubnormalScales(WeightMatrix w) {
        long blocks = (long) w.rows() * w.cols() / 32;
        for (long b = 0; b < blocks; b += 7) {
            short bits = (short) (b % 2 == 0 ? 0x0003 : 0x83ff);
            w.data().set(Blocks.F16_LAYOUT, 18 * b, b == 0 ? 0 : bits);
        }
        return w;
    }
}

package org.replique.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The vector matmul against the scalar reference, for every weight type, on shapes that reach
 * every path: decode rows (batch 1–3) and the tiled kernels (batch ≥ 4, whole and partial groups
 * of four tokens, partial panels of rows, several column passes, rows that are not a whole number
 * of vectors), row counts that are and are not multiples of eight (ggml's interleaved Q4_0 and
 * Q4_K kernels; 40 rows: four groups of eight at once and a fifth alone, where vectors hold
 * sixteen floats; 72 rows: eight groups at once, Q4_0's 16-bit prompt kernel, and a ninth), and
 * prompts of 70 tokens (several vectors of tokens, where Q6_K's prompt kernel puts them in the
 * lanes). The quantized types must agree to the bit (both follow ggml's arithmetic); the float
 * types to float rounding of the sums.
 */
class MatmulCrossTest {
    private static final Kernels SCALAR = new ScalarKernels();
    private static final Kernels VECTOR = new VectorKernels();

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        int[] batches = {1, 2, 3, 4, 5, 7, 8, 9};
        for (GgmlType type : GgmlType.values()) {
            int[] colsList = switch (type.blockSize()) {
                case 32 -> new int[] {32, 96, 544, 1184, 2112};
                case 256 -> new int[] {256, 768, 2304};
                default -> new int[] {7, 40, 172, 544, 1030, 2061};
            };
            for (int cols : colsList) {
                for (int rows : new int[] {1, 3, 5, 8, 17, 24, 40, 72}) {
                    for (int batch : batches) {
                        all.add(Arguments.of(type, rows, cols, batch));
                    }
                }
            }
            // Prompts of several token vectors (Q6_K's prompt kernel takes four at once, then one
            // by one; the last one partial; 300 rows: more than it keeps accumulators for at once).
            for (int rows : new int[] {5, 40, 300}) all.add(Arguments.of(type, rows, colsList[1], 70));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}×{2}, batch {3}")
    @MethodSource("cases")
    void agreesWithTheReference(GgmlType type, int rows, int cols, int batch) {
        long seed = 31L * rows + 7L * cols + batch + type.ordinal();
        WeightMatrix w = RandomWeights.matrix(type, rows, cols, seed);
        float[] x = RandomWeights.activations(batch * cols, seed + 1);

        float[] expected = new float[batch * rows];
        SCALAR.matmul(w, SCALAR.prepare(w, x, batch), expected);
        float[] actual = new float[batch * rows];
        VECTOR.matmul(w, VECTOR.prepare(w, x, batch), actual);

        if (type.blockSize() > 1) {
            // Both follow ggml's arithmetic operation for operation.
            assertThat(actual).containsExactly(expected);
            assertThat(fromCopy(w, x, batch)).as("from the backend's copy").containsExactly(expected);
            return;
        }
        float[] bound = Magnitudes.of(w, SCALAR.prepare(w, x, batch));
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("row %d of token %d", i % rows, i / rows)
                    .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f * bound[i] + 1e-30f));
        }
    }

    @ParameterizedTest(name = "{0}, every quant and scale at its largest, batch {1}")
    @MethodSource("extremeCases")
    void integerSumsStayExactAtTheirBounds(GgmlType type, int batch) {
        WeightMatrix w = RandomWeights.extreme(type, 72, 2 * type.blockSize() * (type.blockSize() == 32 ? 8 : 1));
        float[] x = RandomWeights.extremeActivations(batch * w.cols());
        float[] expected = new float[batch * w.rows()];
        SCALAR.matmul(w, SCALAR.prepare(w, x, batch), expected);
        float[] actual = new float[batch * w.rows()];
        VECTOR.matmul(w, VECTOR.prepare(w, x, batch), actual);
        assertThat(actual).containsExactly(expected);
        assertThat(fromCopy(w, x, batch)).as("from the backend's copy").containsExactly(expected);
    }

    /**
     * The vector product from the copy the vector kernels make of {@code w} (Q4_0 and Q4_K rows
     * interleaved by eight where vectors hold eight floats), which the reference must read too.
     */
    private static float[] fromCopy(WeightMatrix w, float[] x, int batch) {
        WeightMatrix copy = VECTOR.copy(w, Arena.ofAuto().allocate(w.data().byteSize(), 64));
        float[] reference = new float[batch * w.rows()];
        SCALAR.matmul(copy, SCALAR.prepare(copy, x, batch), reference);
        float[] actual = new float[batch * w.rows()];
        VECTOR.matmul(copy, VECTOR.prepare(copy, x, batch), actual);
        assertThat(actual).as("the vector kernels from the copy, against the reference from the copy")
                .containsExactly(reference);
        return actual;
    }

    static Stream<Arguments> extremeCases() {
        return Stream.of(GgmlType.values()).filter(t -> t.blockSize() > 1)
                .flatMap(t -> Stream.of(Arguments.of(t, 1), Arguments.of(t, 4), Arguments.of(t, 5), Arguments.of(t, 70)));
    }

    @ParameterizedTest(name = "{0}, {2} rows in ranges, batch {1}")
    @MethodSource("rangeCases")
    void rowRangesWriteOnlyTheirRows(GgmlType type, int batch, int rows) {
        int cols = Math.max(64, type.blockSize());
        WeightMatrix w = RandomWeights.matrix(type, rows, cols, 5);
        float[] x = RandomWeights.activations(batch * cols, 6);
        PreparedInput input = VECTOR.prepare(w, x, batch);
        float[] whole = new float[batch * rows];
        VECTOR.matmul(w, input, whole);

        float[] pieces = new float[batch * rows];
        Arrays.fill(pieces, Float.NaN);
        int[] cuts = {0, 1, 6, 13, 14, rows};
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

    static Stream<Arguments> rangeCases() {
        // 32 rows: whole groups of eight, which ggml interleaves, cut inside the groups; 56 rows: a
        // last range of four groups at once (sixteen-float vectors) that starts inside its first; 88
        // rows: a last range of eight groups at once (Q4_0 prompts) that starts inside its first.
        return Stream.of(GgmlType.values()).flatMap(t -> Stream.of(
                Arguments.of(t, 1, 29), Arguments.of(t, 6, 29), Arguments.of(t, 1, 32), Arguments.of(t, 6, 32),
                Arguments.of(t, 6, 56), Arguments.of(t, 9, 88)));
    }
}

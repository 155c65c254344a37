package org.replique.engine.kernel;

import static org.replique.engine.kernel.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.replique.engine.tensor.InterleavedQ4_0;
import org.replique.engine.tensor.WeightLayout;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Q4_0 weights in the {@link WeightLayout#Q4_0_X8} layout times a few Q8_0 activation rows (the
 * decode path): the lanes of a vector are eight rows, so one 32-byte load gives eight columns of
 * eight rows, each nibble is masked in place and converted once and multiplied with an activation
 * already broadcast in memory, and the block scales of eight rows come in one load: about a third
 * fewer instructions per weight than the row-layout kernel ({@link QuantizedMatVec}). Prompts go
 * through the tiled kernel, which decodes this layout too ({@link PanelDecoder}).
 *
 * <p>This is ggml's interleaved Q4_0 kernel ({@link GgmlX86}), which llama.cpp runs on these
 * matrices, and rounds as it does: a block's sum {@code Σ (q_w − 8)·q_x} is accumulated in floats
 * that hold integers (at most 32·8·127), so its order does not matter; the unsigned quants are
 * offset by starting at {@code −8·Σ q_x}; then, per row, {@code acc = fma(sum, d_w·d_x, acc)}
 * block after block, ggml's own operations: results equal {@link ScalarKernels}' to the bit.
 *
 * <p>Lanes are eight floats whatever the preferred vector width (the layout is built for eight
 * rows); the layout is only chosen where vectors are at least that wide ({@link MatmulPlan}).
 */
final class InterleavedQ4_0Matmul {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;
    private static final int ROWS = InterleavedQ4_0.ROWS;
    /** Groups a token goes through before the next token takes them from the cache: 128 rows. */
    private static final int GROUPS_PER_PASS = 16;
    /** 2^112: moves an f16 exponent placed in a float's exponent bits to the float's bias. */
    private static final float REBIAS = 0x1p112f;

    /**
     * The activations as the kernel reads them, row after row: {@code expanded}, each Q8_0 quant
     * {@code j} as a float times {@code 2^(−4·(j % 8))} (exact; every eighth unscaled), written
     * eight times over so that one vector load broadcasts it: a nibble masked in place
     * ({@code q·2^(4k)}) times it gives {@code q·q_x}; {@code offsets}, per block,
     * {@code −8 · Σ q_x}.
     */
    record Activations(float[] expanded, float[] offsets) {}

    static final PreparedInput.View<Activations> ACTIVATIONS = InterleavedQ4_0Matmul::activations;

    static final MatmulKernel KERNEL = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            InterleavedQ4_0Matmul.multiply(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(ACTIVATIONS);
        }
    };

    private InterleavedQ4_0Matmul() {}

    static Activations activations(PreparedInput x, Activations previous) {
        int n = x.rows() * x.cols();
        int blocks = n / 32;
        Activations a = previous != null && previous.expanded.length >= ROWS * n && previous.offsets.length >= blocks
                ? previous : new Activations(new float[ROWS * n], new float[blocks]);
        byte[] q = x.quants;
        for (int b = 0; b < blocks; b++) {
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                int v = q[32 * b + j];
                int k = j % 8;
                int at = ROWS * (32 * b + j);
                java.util.Arrays.fill(a.expanded, at, at + ROWS, k == 7 ? v : Math.scalb((float) v, -4 * k));
                sum += v;
            }
            a.offsets[b] = -8f * sum;
        }
        return a;
    }

    /** Rows {@code [rowStart, rowEnd)} times every activation row; groups cut by the range go through a buffer. */
    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        int rows = w.rows();
        int firstWhole = (rowStart + ROWS - 1) / ROWS;
        int endWhole = rowEnd / ROWS;
        if (firstWhole >= endWhole) {
            partialGroup(w, x, out, rowStart, rowEnd);
            return;
        }
        if (rowStart < firstWhole * ROWS) partialGroup(w, x, out, rowStart, firstWhole * ROWS);
        groups(w, x, out, rows, firstWhole, endWhole);
        if (endWhole * ROWS < rowEnd) partialGroup(w, x, out, endWhole * ROWS, rowEnd);
    }

    /** Rows {@code [from, to)} of one group: the whole group into a buffer, then the rows asked for. */
    private static void partialGroup(WeightMatrix w, PreparedInput x, float[] out, int from, int to) {
        int tokens = x.rows();
        int g = from / ROWS;
        float[] buffer = new float[tokens * ROWS];
        groups(w, x, buffer, ROWS, g, g + 1, g * ROWS);
        for (int t = 0; t < tokens; t++) {
            for (int r = from; r < to; r++) out[t * w.rows() + r] = buffer[t * ROWS + r - g * ROWS];
        }
    }

    private static void groups(WeightMatrix w, PreparedInput x, float[] out, int outRows, int firstGroup, int endGroup) {
        groups(w, x, out, outRows, firstGroup, endGroup, 0);
    }

    /**
     * Groups {@code [firstGroup, endGroup)} into {@code out[t·outRows + r − rowShift]}, a few
     * groups at a time so that a second token finds them in the cache.
     */
    private static void groups(WeightMatrix w, PreparedInput x, float[] out, int outRows, int firstGroup, int endGroup,
                               int rowShift) {
        Activations a = x.view(ACTIVATIONS);
        int tokens = x.rows();
        int cols = w.cols();
        int blocks = cols / 32;
        MemorySegment data = w.data();
        for (int g = firstGroup; g < endGroup; g += GROUPS_PER_PASS) {
            int end = Math.min(endGroup, g + GROUPS_PER_PASS);
            for (int t = 0; t < tokens; t++) {
                dot(data, g, end, blocks, a.expanded, t * cols, a.offsets, t * blocks, x.scales, out,
                        t * outRows + g * ROWS - rowShift);
            }
        }
    }

    /**
     * Groups {@code [firstGroup, endGroup)} of eight rows times one activation row (its
     * {@code expanded} quants from quant {@code xo}, block offsets and scales from block
     * {@code so}), into {@code out} from {@code outOffset}. Each group's eight results are the
     * lanes of one vector; four partial sums keep four multiply-add chains in flight.
     */
    private static void dot(MemorySegment w, int firstGroup, int endGroup, int blocks, float[] expanded, int xo,
                            float[] offsets, int so, float[] scales, float[] out, int outOffset) {
        for (int g = firstGroup; g < endGroup; g++) {
            FloatVector acc = FloatVector.zero(F8);
            long base = InterleavedQ4_0.recordOffset(blocks, g, 0);
            for (int b = 0; b < blocks; b++, base += InterleavedQ4_0.RECORD) {
                FloatVector d = scales(w, base);
                FloatVector s0 = FloatVector.broadcast(F8, offsets[so + b]);
                FloatVector s1 = FloatVector.zero(F8);
                FloatVector s2 = FloatVector.zero(F8);
                FloatVector s3 = FloatVector.zero(F8);
                int xb = 8 * (xo + 32 * b);
                for (int c = 0; c < 4; c++) {
                    IntVector v = IntVector.fromMemorySegment(I8, w, base + 16 + 32 * c, LE);
                    int o = xb + 64 * c;
                    // Nibble k masked in place is q·2^(4k); its activation was scaled by 2^(−4k).
                    s0 = ((FloatVector) v.and(0x0000000f).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(F8, expanded, o), s0);
                    s1 = ((FloatVector) v.and(0x000000f0).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(F8, expanded, o + 8), s1);
                    s2 = ((FloatVector) v.and(0x00000f00).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(F8, expanded, o + 16), s2);
                    s3 = ((FloatVector) v.and(0x0000f000).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(F8, expanded, o + 24), s3);
                    s0 = ((FloatVector) v.and(0x000f0000).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(F8, expanded, o + 32), s0);
                    s1 = ((FloatVector) v.and(0x00f00000).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(F8, expanded, o + 40), s1);
                    s2 = ((FloatVector) v.and(0x0f000000).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(F8, expanded, o + 48), s2);
                    // The top nibble shifted down: masked in place it would make the int negative.
                    s3 = ((FloatVector) v.lanewise(VectorOperators.LSHR, 28).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(F8, expanded, o + 56), s3);
                }
                FloatVector sum = s0.add(s1).add(s2.add(s3));
                acc = sum.fma(d.mul(scales[so + b]), acc);
            }
            acc.intoArray(out, outOffset + (g - firstGroup) * ROWS);
        }
    }

    /**
     * The eight f16 scales at {@code record} as floats: exponent and mantissa moved to a float's
     * places and re-biased by one exact multiplication (subnormals included); the layout holds no
     * infinities or NaNs ({@link InterleavedQ4_0#applies}).
     */
    private static FloatVector scales(MemorySegment w, long record) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S8, w, record, LE).convertShape(VectorOperators.S2I, I8, 0);
        FloatVector magnitude = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(REBIAS);
        return magnitude.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }
}

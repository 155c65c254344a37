package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.FLOAT_256;
import static org.replique.engine.kernel.ExactVectors.INT_256;
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
 * decode path), in 16-bit integer lanes: a 32-byte load holds four quants of each of sixteen
 * half-rows (two per row of the group), each nibble is shifted and masked in place and multiplied
 * with the activation quants it faces, a pair of them broadcast from one int as it is loaded
 * ({@code vpmullw}, sixteen products per instruction; reading them already broadcast in memory,
 * 512 bytes a block, made the kernel wait on the L2 cache), and a lane sums its sixteen products of a block exactly ({@code 16 · 15 · 127 <
 * 2^15}). Per block, the two half-rows' sums are added as ints into the row's lane, the block
 * scales of eight rows come in one load, and the float arithmetic follows: about half the
 * instructions per weight of a float kernel. Prompts go through the tiled kernel, which decodes
 * this layout too ({@link PanelDecoder}).
 *
 * <p>This is ggml's interleaved Q4_0 kernel ({@link GgmlX86}), which llama.cpp runs on these
 * matrices, and rounds as it does: a block's integer sum {@code Σ (q_w − 8)·q_x} is exact (the
 * unsigned quants are offset by adding {@code −8·Σ q_x}), converted to float, then, per row,
 * {@code acc = fma(sum, d_w·d_x, acc)} block after block, ggml's own operations: results equal
 * {@link ScalarKernels}' to the bit.
 *
 * <p>Lanes are eight rows whatever the preferred vector width (the layout is built for eight
 * rows); the layout is only chosen where vectors are at least that wide ({@link MatmulPlan}).
 */
final class InterleavedQ4_0Matmul {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    private static final int ROWS = InterleavedQ4_0.ROWS;
    /** Groups a token goes through before the next token takes them from the cache: 128 rows. */
    private static final int GROUPS_PER_PASS = 16;
    /** 2^112: moves an f16 exponent placed in a float's exponent bits to the float's bias. */
    private static final float REBIAS = 0x1p112f;

    /**
     * The activations as the kernel reads them, row after row: {@code pairs}, per block and chunk
     * {@code c} of the layout and nibble {@code m} of a 16-bit half-row ({@code 4c + m}), the two
     * quants that face that nibble as one int ({@code q_x} of column {@code 8c + m} in the low
     * short, {@code 8c + 4 + m} in the high one), broadcast to every lane as it is loaded: sixteen
     * ints per block, a row of 4096 columns in 8 KiB, which stay in the L1 cache; {@code offsets},
     * per block, {@code −8 · Σ q_x}.
     */
    record Activations(int[] pairs, int[] offsets) {}

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
        Activations a = previous != null && previous.pairs.length >= n / 2 && previous.offsets.length >= blocks
                ? previous : new Activations(new int[n / 2], new int[blocks]);
        byte[] q = x.quants;
        for (int b = 0; b < blocks; b++) {
            int sum = 0;
            for (int j = 0; j < 32; j++) sum += q[32 * b + j];
            a.offsets[b] = -8 * sum;
            for (int c = 0; c < 4; c++) {
                for (int m = 0; m < 4; m++) {
                    int even = q[32 * b + 8 * c + m];
                    int odd = q[32 * b + 8 * c + 4 + m];
                    a.pairs[16 * b + 4 * c + m] = (even & 0xffff) | (odd << 16);
                }
            }
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
                dot(data, g, end, blocks, a.pairs, t * cols / 2, a.offsets, t * blocks, x.scales, out,
                        t * outRows + g * ROWS - rowShift);
            }
        }
    }

    /**
     * Groups {@code [firstGroup, endGroup)} of eight rows times one activation row (its quant
     * {@code pairs} from {@code xo}, block offsets and scales from block {@code so}), into
     * {@code out} from {@code outOffset}. Each group's eight results are the lanes of one vector.
     */
    private static void dot(MemorySegment w, int firstGroup, int endGroup, int blocks, int[] pairs, int xo,
                            int[] offsets, int so, float[] scales, float[] out, int outOffset) {
        for (int g = firstGroup; g < endGroup; g++) {
            FloatVector acc = FloatVector.zero(F8);
            long base = InterleavedQ4_0.recordOffset(blocks, g, 0);
            for (int b = 0; b < blocks; b++, base += InterleavedQ4_0.RECORD) {
                // Two chains of eight products per lane, then one: at most 16 · 15 · 127 in a short.
                ShortVector s0 = ShortVector.zero(S16);
                ShortVector s1 = ShortVector.zero(S16);
                int xb = xo + 16 * b;
                for (int c = 0; c < 4; c++) {
                    ShortVector v = ShortVector.fromMemorySegment(S16, w, base + 16 + 32 * c, LE);
                    int o = xb + 4 * c;
                    s0 = v.and((short) 0x000f).mul(IntVector.broadcast(I8, pairs[o]).reinterpretAsShorts()).add(s0);
                    s1 = v.lanewise(VectorOperators.LSHR, 4).and((short) 0x000f)
                            .mul(IntVector.broadcast(I8, pairs[o + 1]).reinterpretAsShorts()).add(s1);
                    s0 = v.lanewise(VectorOperators.LSHR, 8).and((short) 0x000f)
                            .mul(IntVector.broadcast(I8, pairs[o + 2]).reinterpretAsShorts()).add(s0);
                    s1 = v.lanewise(VectorOperators.LSHR, 12)
                            .mul(IntVector.broadcast(I8, pairs[o + 3]).reinterpretAsShorts()).add(s1);
                }
                // A row's two half-rows are the low and high shorts of its int lane.
                IntVector halves = s0.add(s1).reinterpretAsInts();
                IntVector sum = halves.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(halves.lanewise(VectorOperators.ASHR, 16)).add(offsets[so + b]);
                FloatVector d = scales(w, base);
                acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(d.mul(scales[so + b]), acc);
            }
            acc.intoArray(out, outOffset + (g - firstGroup) * ROWS);
        }
    }

    /**
     * The eight f16 scales at {@code record} as floats: exponent and mantissa moved to a float's
     * places and re-biased by one exact multiplication (subnormals included); the layout holds no
     * infinities or NaNs ({@link InterleavedQ4_0#applies}).
     */
    static FloatVector scales(MemorySegment w, long record) {
        IntVector h = INT_256.cast(ShortVector.fromMemorySegment(S8, w, record, LE).convertShape(VectorOperators.S2I, I8, 0));
        FloatVector magnitude = FLOAT_256.cast(h.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats()).mul(REBIAS);
        return FLOAT_256.cast(INT_256.cast(magnitude.reinterpretAsInts()).or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16))
                .reinterpretAsFloats());
    }
}

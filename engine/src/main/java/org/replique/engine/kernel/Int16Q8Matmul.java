package org.replique.engine.kernel;

import static org.replique.engine.kernel.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Q8_0 weights × a batch of Q8_0 activation rows (prompts) for 256-bit vectors, with
 * {@link TiledQ8Matmul}'s exact arithmetic (ggml's eight lanes of four neighbouring products per
 * block, {@code acc = fma(sum, d_w·d_x, acc)} block after block) and its tiling, but the products
 * in 16-bit integer lanes: one {@code vpmullw} makes sixteen products where a float multiply-add
 * makes eight, and a 16-bit panel is half the loads of a float one. Float kernels here are bound by
 * loads and multiply-adds; this one trades some of both for integer operations that run beside
 * them.
 *
 * <p>A block's 32 quants are held as two vectors of sixteen shorts ({@link #PLACE}): group g's
 * quants 0 and 1 at positions {@code 2g, 2g + 1} of the first, its quants 2 and 3 at the same
 * positions of the second. Multiplying weights by activations in both and adding gives, in the two
 * shorts of 32-bit lane g, two sums of two products each: exact, as {@code |q_w| ≤ 128} and
 * {@code |q_x| ≤ 127} keep them within ±32,512. The lane's two halves, sign-extended and added,
 * are ggml's exact group sum, converted to float and multiplied into the accumulator as in
 * {@link TiledQ8Matmul}: results equal it to the bit.
 */
final class Int16Q8Matmul {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    static final int PANEL = TiledQ8Matmul.PANEL;
    /** Blocks per pass: a panel is {@code PANEL × DEPTH × 32} shorts (8 KiB). */
    static final int DEPTH = 32;

    /**
     * Where quant {@code j} of a block goes among its 32 shorts: group g's quants 0 and 1 at
     * {@code 2g, 2g + 1}, its quants 2 and 3 at {@code 16 + 2g, 16 + 2g + 1}.
     */
    private static final int[] PLACE = new int[32];

    static {
        for (int j = 0; j < 32; j++) {
            int g = j / 4;
            int k = j % 4;
            PLACE[j] = (k < 2 ? 0 : 16) + 2 * g + (k & 1);
        }
    }

    /** Q8_0 activations' quants as shorts, each block in {@link #PLACE}'s order, row after row. */
    static final PreparedInput.View<short[]> PAIRS = (x, previous) -> {
        int n = x.rows() * x.cols();
        short[] pairs = previous != null && previous.length >= n ? previous : new short[n];
        byte[] quants = x.quants;
        for (int block = 0; block < n; block += 32) {
            for (int j = 0; j < 32; j++) pairs[block + PLACE[j]] = quants[block + j];
        }
        return pairs;
    };

    static final MatmulKernel KERNEL = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            Int16Q8Matmul.multiply(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(PAIRS);
        }
    };

    private static final ThreadLocal<Panel> PANELS = ThreadLocal.withInitial(Panel::new);

    private Int16Q8Matmul() {}

    /** Whether this kernel applies: vectors of eight floats (where {@link PairedQ8Matmul} does not). */
    static boolean applies() {
        return VectorShapes.L == 8;
    }

    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        int tokens = x.rows();
        int cols = w.cols();
        int blocks = cols / 32;
        short[] xp = x.view(PAIRS);
        int panels = (rowEnd - rowStart + PANEL - 1) / PANEL;
        TiledQ8Matmul.Scratch s = TiledQ8Matmul.SCRATCH.get();
        Panel panel = PANELS.get();
        float[] acc = s.accumulators(panels * PANEL * tokens * 8);
        float[] byBlock = s.transposedScales(x.scales, tokens, blocks);
        float[] d = s.products(PANEL * DEPTH * tokens);
        for (int b0 = 0; b0 < blocks; b0 += DEPTH) {
            int depth = Math.min(DEPTH, blocks - b0);
            for (int p = 0; p < panels; p++) {
                int r0 = rowStart + p * PANEL;
                decode(w, r0, Math.min(PANEL, rowEnd - r0), b0, depth, panel);
                TiledQ8Matmul.scaleProducts(panel.scales, DEPTH, byBlock, b0, depth, tokens, d);
                int a = p * PANEL * tokens * 8;
                for (int t = 0; t < tokens; t++) {
                    kernel(panel.quants, d, tokens, depth, xp, t * cols + 32 * b0, t, acc, a + 8 * t, 8 * tokens);
                }
            }
        }
        TiledQ8Matmul.reduce(acc, 8 * tokens, tokens, out, w.rows(), rowStart, rowEnd);
    }

    /**
     * Panel rows 0..3 × token {@code t} over {@code depth} blocks: row i's eight lanes are at
     * {@code acc[a + i·accRow …]}, the token's quants from {@code xo}, the scale products in
     * {@code d} ({@link TiledQ8Matmul#scaleProducts}).
     *
     * <p>Each row's block sum is written out rather than left to a helper method: a vector passed
     * to or returned from a method the JIT does not inline is allocated, and in the model, where
     * this kernel is inlined into larger compilations, the JIT gave up inlining such a helper and
     * made the prompt eight times slower.
     */
    private static void kernel(short[] panel, float[] d, int tokens, int depth, short[] xp, int xo, int t,
                               float[] acc, int a, int accRow) {
        FloatVector c0 = FloatVector.fromArray(F8, acc, a);
        FloatVector c1 = FloatVector.fromArray(F8, acc, a + accRow);
        FloatVector c2 = FloatVector.fromArray(F8, acc, a + 2 * accRow);
        FloatVector c3 = FloatVector.fromArray(F8, acc, a + 3 * accRow);
        for (int bb = 0; bb < depth; bb++) {
            int xb = xo + 32 * bb;
            ShortVector first = ShortVector.fromArray(S16, xp, xb);
            ShortVector second = ShortVector.fromArray(S16, xp, xb + 16);
            int w0 = 32 * bb;
            int w1 = w0 + 32 * DEPTH;
            int w2 = w0 + 64 * DEPTH;
            int w3 = w0 + 96 * DEPTH;
            int db = bb * tokens + t;
            // Per row: two sums of two products in the shorts of each int lane, then their total.
            IntVector h0 = ShortVector.fromArray(S16, panel, w0).mul(first)
                    .add(ShortVector.fromArray(S16, panel, w0 + 16).mul(second)).reinterpretAsInts();
            IntVector h1 = ShortVector.fromArray(S16, panel, w1).mul(first)
                    .add(ShortVector.fromArray(S16, panel, w1 + 16).mul(second)).reinterpretAsInts();
            IntVector h2 = ShortVector.fromArray(S16, panel, w2).mul(first)
                    .add(ShortVector.fromArray(S16, panel, w2 + 16).mul(second)).reinterpretAsInts();
            IntVector h3 = ShortVector.fromArray(S16, panel, w3).mul(first)
                    .add(ShortVector.fromArray(S16, panel, w3 + 16).mul(second)).reinterpretAsInts();
            IntVector s0 = h0.lanewise(VectorOperators.ASHR, 16)
                    .add(h0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            IntVector s1 = h1.lanewise(VectorOperators.ASHR, 16)
                    .add(h1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            IntVector s2 = h2.lanewise(VectorOperators.ASHR, 16)
                    .add(h2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            IntVector s3 = h3.lanewise(VectorOperators.ASHR, 16)
                    .add(h3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            c0 = ((FloatVector) s0.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F8, d[db]), c0);
            c1 = ((FloatVector) s1.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F8, d[db + DEPTH * tokens]), c1);
            c2 = ((FloatVector) s2.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F8, d[db + 2 * DEPTH * tokens]), c2);
            c3 = ((FloatVector) s3.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F8, d[db + 3 * DEPTH * tokens]), c3);
        }
        c0.intoArray(acc, a);
        c1.intoArray(acc, a + accRow);
        c2.intoArray(acc, a + 2 * accRow);
        c3.intoArray(acc, a + 3 * accRow);
    }

    /**
     * Rows {@code [row, row + count)}, blocks {@code [b0, b0 + depth)}: quants as shorts in
     * {@link #PLACE}'s order at {@code quants[(i·DEPTH + bb)·32 …]}, block scales at
     * {@code scales[i·DEPTH + bb]}; rows past {@code count} get zero scales and quants, which
     * leave the accumulators as they are.
     */
    private static void decode(WeightMatrix w, int row, int count, int b0, int depth, Panel panel) {
        MemorySegment data = w.data();
        data.get(MappedFault.MARK, 0); // see MappedFault
        for (int i = 0; i < PANEL; i++) {
            if (i >= count) {
                Arrays.fill(panel.scales, i * DEPTH, (i + 1) * DEPTH, 0f);
                Arrays.fill(panel.quants, i * DEPTH * 32, (i + 1) * DEPTH * 32, (short) 0);
                continue;
            }
            long rowBase = (long) (row + i) * w.rowBytes();
            for (int bb = 0; bb < depth; bb++) {
                long block = rowBase + (long) w.type().blockBytes() * (b0 + bb);
                panel.scales[i * DEPTH + bb] = Blocks.f16(data, block);
                // Lane g holds group g's four quants, little end first.
                IntVector q = IntVector.fromMemorySegment(I8, data, block + 2, LE);
                int o = (i * DEPTH + bb) * 32;
                // Per lane, bytes 0 and 1 sign-extended into the low and high shorts, then bytes 2 and 3.
                q.lanewise(VectorOperators.LSHL, 24).lanewise(VectorOperators.ASHR, 24).lanewise(VectorOperators.AND, 0xFFFF)
                        .or(q.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 24).lanewise(VectorOperators.LSHL, 16))
                        .reinterpretAsShorts().intoArray(panel.quants, o);
                q.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 24).lanewise(VectorOperators.AND, 0xFFFF)
                        .or(q.lanewise(VectorOperators.ASHR, 24).lanewise(VectorOperators.LSHL, 16))
                        .reinterpretAsShorts().intoArray(panel.quants, o + 16);
            }
        }
    }

    /** A thread's decoded panel, reused. */
    private static final class Panel {
        final short[] quants = new short[PANEL * DEPTH * 32];
        final float[] scales = new float[PANEL * DEPTH];
    }
}

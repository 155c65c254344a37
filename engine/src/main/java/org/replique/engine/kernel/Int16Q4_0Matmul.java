package org.replique.engine.kernel;

import static org.replique.engine.kernel.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.replique.engine.tensor.InterleavedQ4_0;
import org.replique.engine.tensor.WeightLayout;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Q4_0 weights in the {@link WeightLayout#Q4_0_X8} layout × a batch of Q8_0 activation rows
 * (prompts), where vectors hold sixteen floats, in 16-bit integer lanes: one {@code vpmullw}
 * makes 32 products where a float multiply-add makes sixteen.
 *
 * <p>A pass covers eight interleaved groups (64 rows) and eight tokens: per weight position, two
 * vectors of 32 shorts hold the 64 rows' {@code q − 8}, decoded once per batch; each token's
 * activation quant is broadcast and multiplied into both, sixteen accumulators in all. A block's
 * sum of 32 products stays exact in a short: {@code |q − 8| ≤ 8} and {@code |q_x| ≤ 127} (Q8_0
 * quants are {@code round(x·127/amax)}) keep it within {@code 32 · 8 · 127 = 32,512}. Per block
 * the sums are widened to ints (each vector's low sixteen rows, then its high ones),
 * converted to float and scaled while still in registers, {@code acc = fma(sum, d_w·d_x, acc)}:
 * ggml's arithmetic, lane by lane, so results equal {@link ScalarKernels}' to the bit.
 *
 * <p>Rows of a range that do not make eight whole groups go through {@link InterleavedMatmul}.
 */
final class Int16Q4_0Matmul {
    /** Rows per pass: eight interleaved groups, two vectors of 32 shorts. */
    private static final int ROWS = 8 * InterleavedQ4_0.ROWS;
    /** Weights per pass, per row: a panel is {@code ROWS × SPAN} shorts (128 KiB, in the L2 cache). */
    private static final int SPAN = 1024;
    /** Tokens per pass over a panel. */
    private static final int TOKENS = 8;

    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Short> S32 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Reads the Q8_0 quants and scales as prepared, and derives nothing ahead: the float quants that
     * {@link InterleavedMatmul} reads for the rows left to it are derived when a range has such
     * rows, which ranges of whole 64-row panels never do.
     */
    static final MatmulKernel KERNEL = Int16Q4_0Matmul::multiply;

    private Int16Q4_0Matmul() {}

    /** Whether this kernel applies to {@code w}: interleaved Q4_0, where vectors hold sixteen floats. */
    static boolean applies(WeightMatrix w) {
        return VectorShapes.L >= 16 && w.layout() == WeightLayout.Q4_0_X8;
    }

    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        int tokens = x.rows();
        int rows = w.rows();
        int cols = w.cols();
        Scratch s = SCRATCH.get();
        float[] acc = s.accumulators(ROWS * tokens);
        int group = InterleavedQ4_0.ROWS;
        int r0 = rowStart - rowStart % group;
        // Rows of the range's first and last groups that lie outside it are computed along, not written.
        for (; r0 + ROWS - group < rowEnd; r0 += ROWS) {
            Arrays.fill(acc, 0, ROWS * tokens, 0f);
            for (int c0 = 0; c0 < cols; c0 += SPAN) {
                int blocks = Math.min(SPAN, cols - c0) / 32;
                decode(w.data(), cols / 32, r0 / group, c0 / 32, blocks, s);
                for (int t = 0; t < tokens; t += TOKENS) {
                    pass(s.panel, s.scales, blocks, x.quants, x.scales, t, Math.min(TOKENS, tokens - t), cols, c0, acc);
                }
            }
            for (int t = 0; t < tokens; t++) {
                for (int i = Math.max(0, rowStart - r0); i < Math.min(ROWS, rowEnd - r0); i++) {
                    out[t * rows + r0 + i] = acc[t * ROWS + i];
                }
            }
        }
        if (r0 < rowEnd) InterleavedMatmul.multiply(w, x, out, Math.max(r0, rowStart), rowEnd);
    }

    /**
     * Tokens {@code t…t+count−1} over the panel's {@code blocks} blocks: per block, the 64 rows'
     * exact sums of products in sixteen registers (tokens past {@code count} repeat the last one
     * and are not added), then {@code acc[64·token + i] = fma(sum, d_w·d_x, acc[…])}.
     */
    private static void pass(short[] panel, float[] scales, int blocks, byte[] xq, float[] xs, int t, int count,
                             int cols, int c0, float[] acc) {
        int x0 = t * cols + c0;
        int x1 = (t + Math.min(1, count - 1)) * cols + c0;
        int x2 = (t + Math.min(2, count - 1)) * cols + c0;
        int x3 = (t + Math.min(3, count - 1)) * cols + c0;
        int x4 = (t + Math.min(4, count - 1)) * cols + c0;
        int x5 = (t + Math.min(5, count - 1)) * cols + c0;
        int x6 = (t + Math.min(6, count - 1)) * cols + c0;
        int x7 = (t + Math.min(7, count - 1)) * cols + c0;
        int rowBlocks = cols / 32;
        int s0 = t * rowBlocks + c0 / 32;
        for (int b = 0; b < blocks; b++) {
            ShortVector a0 = ShortVector.zero(S32);
            ShortVector b0 = ShortVector.zero(S32);
            ShortVector a1 = ShortVector.zero(S32);
            ShortVector b1 = ShortVector.zero(S32);
            ShortVector a2 = ShortVector.zero(S32);
            ShortVector b2 = ShortVector.zero(S32);
            ShortVector a3 = ShortVector.zero(S32);
            ShortVector b3 = ShortVector.zero(S32);
            ShortVector a4 = ShortVector.zero(S32);
            ShortVector b4 = ShortVector.zero(S32);
            ShortVector a5 = ShortVector.zero(S32);
            ShortVector b5 = ShortVector.zero(S32);
            ShortVector a6 = ShortVector.zero(S32);
            ShortVector b6 = ShortVector.zero(S32);
            ShortVector a7 = ShortVector.zero(S32);
            ShortVector b7 = ShortVector.zero(S32);
            int p = b * 32 * ROWS;
            int e0 = b * 32;
            for (int e = 0; e < 32; e++) {
                ShortVector va = ShortVector.fromArray(S32, panel, p + ROWS * e);
                ShortVector vb = ShortVector.fromArray(S32, panel, p + ROWS * e + 32);
                ShortVector x = ShortVector.broadcast(S32, xq[x0 + e0 + e]);
                a0 = va.mul(x).add(a0);
                b0 = vb.mul(x).add(b0);
                x = ShortVector.broadcast(S32, xq[x1 + e0 + e]);
                a1 = va.mul(x).add(a1);
                b1 = vb.mul(x).add(b1);
                x = ShortVector.broadcast(S32, xq[x2 + e0 + e]);
                a2 = va.mul(x).add(a2);
                b2 = vb.mul(x).add(b2);
                x = ShortVector.broadcast(S32, xq[x3 + e0 + e]);
                a3 = va.mul(x).add(a3);
                b3 = vb.mul(x).add(b3);
                x = ShortVector.broadcast(S32, xq[x4 + e0 + e]);
                a4 = va.mul(x).add(a4);
                b4 = vb.mul(x).add(b4);
                x = ShortVector.broadcast(S32, xq[x5 + e0 + e]);
                a5 = va.mul(x).add(a5);
                b5 = vb.mul(x).add(b5);
                x = ShortVector.broadcast(S32, xq[x6 + e0 + e]);
                a6 = va.mul(x).add(a6);
                b6 = vb.mul(x).add(b6);
                x = ShortVector.broadcast(S32, xq[x7 + e0 + e]);
                a7 = va.mul(x).add(a7);
                b7 = vb.mul(x).add(b7);
            }
            // Written out: a vector passed to a helper the JIT does not inline is allocated.
            int sc = ROWS * b;
            FloatVector d0 = FloatVector.fromArray(F16, scales, sc);
            FloatVector d1 = FloatVector.fromArray(F16, scales, sc + 16);
            FloatVector d2 = FloatVector.fromArray(F16, scales, sc + 32);
            FloatVector d3 = FloatVector.fromArray(F16, scales, sc + 48);
            int o = ROWS * t;
            int sb = s0 + b;
            for (int j = 0; j < count; j++, o += ROWS, sb += rowBlocks) {
                ShortVector sa = switch (j) {
                    case 0 -> a0;
                    case 1 -> a1;
                    case 2 -> a2;
                    case 3 -> a3;
                    case 4 -> a4;
                    case 5 -> a5;
                    case 6 -> a6;
                    default -> a7;
                };
                ShortVector sv = switch (j) {
                    case 0 -> b0;
                    case 1 -> b1;
                    case 2 -> b2;
                    case 3 -> b3;
                    case 4 -> b4;
                    case 5 -> b5;
                    case 6 -> b6;
                    default -> b7;
                };
                float d = xs[sb];
                ((FloatVector) sa.convertShape(VectorOperators.S2I, I16, 0).convert(VectorOperators.I2F, 0))
                        .fma(d0.mul(d), FloatVector.fromArray(F16, acc, o)).intoArray(acc, o);
                ((FloatVector) sa.convertShape(VectorOperators.S2I, I16, 1).convert(VectorOperators.I2F, 0))
                        .fma(d1.mul(d), FloatVector.fromArray(F16, acc, o + 16)).intoArray(acc, o + 16);
                ((FloatVector) sv.convertShape(VectorOperators.S2I, I16, 0).convert(VectorOperators.I2F, 0))
                        .fma(d2.mul(d), FloatVector.fromArray(F16, acc, o + 32)).intoArray(acc, o + 32);
                ((FloatVector) sv.convertShape(VectorOperators.S2I, I16, 1).convert(VectorOperators.I2F, 0))
                        .fma(d3.mul(d), FloatVector.fromArray(F16, acc, o + 48)).intoArray(acc, o + 48);
            }
        }
    }

    /**
     * Groups {@code g0…g0+7}, blocks {@code b0…b0+blocks−1}: {@code panel[(32b + e)·64 + 8g + i]
     * = q − 8} of row i of group g, and the rows' scales d at {@code scales[64b + 8g + i]}.
     */
    private static void decode(MemorySegment data, int rowBlocks, int g0, int b0, int blocks, Scratch s) {
        for (int b = 0; b < blocks; b++) {
            for (int g = 0; g < 8; g++) {
                long record = InterleavedQ4_0.recordOffset(rowBlocks, g0 + g, b0 + b);
                InterleavedQ4_0Matmul.scales(data, record).intoArray(s.scales, ROWS * b + 8 * g);
                // A chunk's int lanes are the group's eight rows: nibble k of every lane is column 8c + k.
                for (int c = 0; c < 4; c++) {
                    IntVector v = IntVector.fromMemorySegment(I8, data, record + 16 + 32L * c, LE);
                    int o = (32 * b + 8 * c) * ROWS + 8 * g;
                    for (int k = 0; k < 8; k++) {
                        ((ShortVector) v.lanewise(VectorOperators.LSHR, 4 * k).and(0xF).sub(8)
                                .convertShape(VectorOperators.I2S, S8, 0)).intoArray(s.panel, o + k * ROWS);
                    }
                }
            }
        }
    }

    /** Per-thread buffers, reused. */
    private static final class Scratch {
        final short[] panel = new short[ROWS * SPAN];
        final float[] scales = new float[ROWS * (SPAN / 32)];
        private float[] acc = new float[0];

        float[] accumulators(int size) {
            if (acc.length < size) acc = new float[size];
            return acc;
        }
    }
}

package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.GROUP_FLOATS;
import static org.replique.engine.kernel.ExactVectors.FLOAT_256;
import static org.replique.engine.kernel.ExactVectors.INT_256;
import static org.replique.engine.kernel.VectorShapes.GF;
import static org.replique.engine.kernel.VectorShapes.GROUP_VECTORS;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.InterleavedQ4_0;
import org.replique.engine.tensor.InterleavedQ4_K;
import org.replique.engine.tensor.WeightLayout;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Q4_0 and Q4_K matrices that ggml interleaves ({@link GgmlX86#interleaved}) × a batch of
 * quantized activation rows (prompts), the way ggml's interleaved kernels work: eight rows side by
 * side in the lanes of a vector, so that the per-row accumulator ggml keeps is one lane, and each
 * block's exact integer sum arrives in its lane without a horizontal reduction.
 *
 * <p>A panel of eight rows × a few blocks is decoded once per batch, transposed: for each weight
 * position, the eight rows' quants (Q4_K: times their sub-block scale) side by side. Each token
 * then streams its activation quants past it, broadcast one by one. Sums are exact integers in
 * float (below 2^24: Q4_0 per block, Q4_K per 64 weights, and a Q4_K block's four sums added in
 * two pairs, so that the last addition rounds the exact total as ggml's conversion does); the
 * float arithmetic that follows is ggml's, lane by lane: {@link ScalarKernels} (Q4_0) and
 * {@link ScalarKQuants#interleavedQ4_K} (Q4_K, per 64 weights for tokens in a group of four).
 */
final class InterleavedMatmul {
    /** Rows side by side: ggml's interleaving. */
    static final int ROWS = 8;
    /** Weights per pass, per row: a panel is {@code ROWS × SPAN} floats (32 KiB). */
    static final int SPAN = 1024;

    /** Eight int lanes: one per row of an interleaved Q4_0 group, whatever the preferred width. */
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    // Accumulators, merged and converted vectors are cast to these exact classes: see ExactVectors.
    private static final Class<FloatVector> FLOAT_512 = ExactVectors.exactClass(F16);
    /**
     * Where vectors hold sixteen floats, four groups (32 rows) are multiplied at once, two groups
     * to a vector ({@link #sumsOfFour}): each activation broadcast then feeds two multiply-adds of
     * sixteen lanes, where the eight-lane kernel ({@link #sums}) gives it two of eight.
     */
    private static final boolean FOUR_GROUPS = VectorShapes.L >= 16;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static final MatmulKernel KERNEL = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            InterleavedMatmul.multiply(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(QuantizedMatVec.QUANTS);
            if (x.format() == PreparedInput.Format.Q8_K) x.view(KQuantMatVec.SUB_BLOCK_SUMS);
        }
    };

    private InterleavedMatmul() {}

    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        boolean k = w.type() == GgmlType.Q4_K;
        int blockSize = k ? 256 : 32;
        int tokens = x.rows();
        int rows = w.rows();
        int cols = w.cols();
        float[] xq = x.view(QuantizedMatVec.QUANTS);
        int[] subSums = k ? x.view(KQuantMatVec.SUB_BLOCK_SUMS) : null;
        Scratch s = SCRATCH.get();
        // Whole groups of eight rows (the matrix has whole groups), two at a time where the range
        // has two: each activation broadcast then serves sixteen rows. Rows outside the range are
        // computed along and not written.
        for (int r0 = rowStart - rowStart % ROWS; r0 < rowEnd; ) {
            int groups = FOUR_GROUPS && r0 + 3 * ROWS < rowEnd ? 4 : r0 + ROWS < rowEnd ? 2 : 1;
            for (int p = 0; p < groups; p++) s.panels[p].clear(2 * ROWS * tokens);
            for (int c0 = 0; c0 < cols; c0 += SPAN) {
                int span = Math.min(SPAN, cols - c0);
                int blocks = span / blockSize;
                int b0 = c0 / blockSize;
                for (int p = 0; p < groups; p++) {
                    if (k) {
                        decodeQ4_K(w, r0 + p * ROWS, b0, blocks, s.panels[p]);
                    } else {
                        decodeQ4_0(w, r0 + p * ROWS, b0, blocks, s.panels[p]);
                    }
                }
                if (groups == 4) interleave(s.panels, s.quad, blocks * blockSize);
                // Four tokens at a time share each panel load (eight with four panels).
                int perPass = groups == 4 ? 8 : 4;
                for (int t = 0; t < tokens; t += perPass) {
                    int group = Math.min(perPass, tokens - t);
                    if (groups == 4) {
                        sumsOfFour(s.quad, s.panels, blocks * blockSize, k ? 64 : 32, xq, t, group, cols, c0);
                    } else {
                        sums(s.panels[0], s.panels[groups - 1], blocks * blockSize, k ? 64 : 32, xq, t, group, cols, c0);
                    }
                    for (int p = 0; p < groups; p++) {
                        Panel panel = s.panels[p];
                        for (int g = 0; g < group; g++) {
                            int a = 2 * ROWS * (t + g);
                            if (k) {
                                q4_K(panel, g, blocks, x, t + g, b0, subSums, GgmlX86.inGroupOfFour(t + g, tokens), a);
                            } else {
                                q4_0(panel, g, blocks, x.scales, (t + g) * (cols / 32) + b0, a);
                            }
                        }
                    }
                }
            }
            for (int p = 0; p < groups; p++, r0 += ROWS) {
                float[] acc = s.panels[p].acc;
                for (int t = 0; t < tokens; t++) {
                    int a = 2 * ROWS * t;
                    for (int i = Math.max(0, rowStart - r0); i < Math.min(ROWS, rowEnd - r0); i++) {
                        out[t * rows + r0 + i] = k ? acc[a + i] - acc[a + ROWS + i] : acc[a + i];
                    }
                }
            }
        }
    }

    /**
     * For tokens {@code t…t+group−1} and each {@code chunk} weights of the panels' {@code length}:
     * the eight rows' exact sums of products, into {@code sums[((g·chunks + c)·8 + i]} of each panel.
     * Two panels (sixteen rows) at once, so that each activation broadcast feeds both, eight
     * multiply-add chains in flight; a lone group passes its panel twice.
     */
    private static void sums(Panel pa, Panel pb, int length, int chunk, float[] xq, int t, int group, int cols,
                              int c0) {
        int n = GF.length();
        int chunks = length / chunk;
        int x0 = t * cols + c0;
        int x1 = (t + Math.min(1, group - 1)) * cols + c0;
        int x2 = (t + Math.min(2, group - 1)) * cols + c0;
        int x3 = (t + Math.min(3, group - 1)) * cols + c0;
        float[] wa = pa.panel;
        float[] wb = pb.panel;
        for (int h = 0; h < GROUP_VECTORS; h++) {
            for (int c = 0; c < chunks; c++) {
                FloatVector a0 = FloatVector.zero(GF);
                FloatVector a1 = FloatVector.zero(GF);
                FloatVector a2 = FloatVector.zero(GF);
                FloatVector a3 = FloatVector.zero(GF);
                FloatVector b0 = FloatVector.zero(GF);
                FloatVector b1 = FloatVector.zero(GF);
                FloatVector b2 = FloatVector.zero(GF);
                FloatVector b3 = FloatVector.zero(GF);
                int p = c * chunk * ROWS + h * n;
                int e0 = c * chunk;
                for (int e = 0; e < chunk; e++) {
                    a0 = GROUP_FLOATS.cast(a0);
                    a1 = GROUP_FLOATS.cast(a1);
                    a2 = GROUP_FLOATS.cast(a2);
                    a3 = GROUP_FLOATS.cast(a3);
                    b0 = GROUP_FLOATS.cast(b0);
                    b1 = GROUP_FLOATS.cast(b1);
                    b2 = GROUP_FLOATS.cast(b2);
                    b3 = GROUP_FLOATS.cast(b3);
                    FloatVector va = FloatVector.fromArray(GF, wa, p + e * ROWS);
                    FloatVector vb = FloatVector.fromArray(GF, wb, p + e * ROWS);
                    FloatVector x = FloatVector.broadcast(GF, xq[x0 + e0 + e]);
                    a0 = va.fma(x, a0);
                    b0 = vb.fma(x, b0);
                    x = FloatVector.broadcast(GF, xq[x1 + e0 + e]);
                    a1 = va.fma(x, a1);
                    b1 = vb.fma(x, b1);
                    x = FloatVector.broadcast(GF, xq[x2 + e0 + e]);
                    a2 = va.fma(x, a2);
                    b2 = vb.fma(x, b2);
                    x = FloatVector.broadcast(GF, xq[x3 + e0 + e]);
                    a3 = va.fma(x, a3);
                    b3 = vb.fma(x, b3);
                }
                int o = c * ROWS + h * n;
                int step = chunks * ROWS;
                GROUP_FLOATS.cast(a0).intoArray(pa.sums, o);
                GROUP_FLOATS.cast(a1).intoArray(pa.sums, o + step);
                GROUP_FLOATS.cast(a2).intoArray(pa.sums, o + 2 * step);
                GROUP_FLOATS.cast(a3).intoArray(pa.sums, o + 3 * step);
                GROUP_FLOATS.cast(b0).intoArray(pb.sums, o);
                GROUP_FLOATS.cast(b1).intoArray(pb.sums, o + step);
                GROUP_FLOATS.cast(b2).intoArray(pb.sums, o + 2 * step);
                GROUP_FLOATS.cast(b3).intoArray(pb.sums, o + 3 * step);
            }
        }
    }

    /** The four panels' weights side by side: {@code quad[32e + 8p + i] = panels[p].panel[8e + i]}. */
    private static void interleave(Panel[] panels, float[] quad, int length) {
        for (int p = 0; p < 4; p++) {
            float[] panel = panels[p].panel;
            for (int e = 0; e < length; e++) {
                FloatVector.fromArray(F8, panel, ROWS * e).intoArray(quad, 32 * e + ROWS * p);
            }
        }
    }

    /**
     * {@link #sums} for four panels (32 rows) side by side in {@code quad} and eight tokens: two
     * vectors of sixteen lanes per weight position, each activation broadcast feeding both, sixteen
     * accumulators (of the 32 registers such machines have); the sixteen-lane sums are split back
     * into the panels' eight-lane ones. The same exact integer sums.
     */
    private static void sumsOfFour(float[] quad, Panel[] panels, int length, int chunk, float[] xq, int t, int group,
                                   int cols, int c0) {
        int chunks = length / chunk;
        int x0 = t * cols + c0;
        int x1 = (t + Math.min(1, group - 1)) * cols + c0;
        int x2 = (t + Math.min(2, group - 1)) * cols + c0;
        int x3 = (t + Math.min(3, group - 1)) * cols + c0;
        int x4 = (t + Math.min(4, group - 1)) * cols + c0;
        int x5 = (t + Math.min(5, group - 1)) * cols + c0;
        int x6 = (t + Math.min(6, group - 1)) * cols + c0;
        int x7 = (t + Math.min(7, group - 1)) * cols + c0;
        for (int c = 0; c < chunks; c++) {
            FloatVector a0 = FloatVector.zero(F16);
            FloatVector b0 = FloatVector.zero(F16);
            FloatVector a1 = FloatVector.zero(F16);
            FloatVector b1 = FloatVector.zero(F16);
            FloatVector a2 = FloatVector.zero(F16);
            FloatVector b2 = FloatVector.zero(F16);
            FloatVector a3 = FloatVector.zero(F16);
            FloatVector b3 = FloatVector.zero(F16);
            FloatVector a4 = FloatVector.zero(F16);
            FloatVector b4 = FloatVector.zero(F16);
            FloatVector a5 = FloatVector.zero(F16);
            FloatVector b5 = FloatVector.zero(F16);
            FloatVector a6 = FloatVector.zero(F16);
            FloatVector b6 = FloatVector.zero(F16);
            FloatVector a7 = FloatVector.zero(F16);
            FloatVector b7 = FloatVector.zero(F16);
            int p = c * chunk * 32;
            int e0 = c * chunk;
            for (int e = 0; e < chunk; e++) {
                a0 = FLOAT_512.cast(a0);
                a1 = FLOAT_512.cast(a1);
                a2 = FLOAT_512.cast(a2);
                a3 = FLOAT_512.cast(a3);
                a4 = FLOAT_512.cast(a4);
                a5 = FLOAT_512.cast(a5);
                a6 = FLOAT_512.cast(a6);
                a7 = FLOAT_512.cast(a7);
                b0 = FLOAT_512.cast(b0);
                b1 = FLOAT_512.cast(b1);
                b2 = FLOAT_512.cast(b2);
                b3 = FLOAT_512.cast(b3);
                b4 = FLOAT_512.cast(b4);
                b5 = FLOAT_512.cast(b5);
                b6 = FLOAT_512.cast(b6);
                b7 = FLOAT_512.cast(b7);
                FloatVector va = FloatVector.fromArray(F16, quad, p + 32 * e);
                FloatVector vb = FloatVector.fromArray(F16, quad, p + 32 * e + 16);
                FloatVector x = FloatVector.broadcast(F16, xq[x0 + e0 + e]);
                a0 = va.fma(x, a0);
                b0 = vb.fma(x, b0);
                x = FloatVector.broadcast(F16, xq[x1 + e0 + e]);
                a1 = va.fma(x, a1);
                b1 = vb.fma(x, b1);
                x = FloatVector.broadcast(F16, xq[x2 + e0 + e]);
                a2 = va.fma(x, a2);
                b2 = vb.fma(x, b2);
                x = FloatVector.broadcast(F16, xq[x3 + e0 + e]);
                a3 = va.fma(x, a3);
                b3 = vb.fma(x, b3);
                x = FloatVector.broadcast(F16, xq[x4 + e0 + e]);
                a4 = va.fma(x, a4);
                b4 = vb.fma(x, b4);
                x = FloatVector.broadcast(F16, xq[x5 + e0 + e]);
                a5 = va.fma(x, a5);
                b5 = vb.fma(x, b5);
                x = FloatVector.broadcast(F16, xq[x6 + e0 + e]);
                a6 = va.fma(x, a6);
                b6 = vb.fma(x, b6);
                x = FloatVector.broadcast(F16, xq[x7 + e0 + e]);
                a7 = va.fma(x, a7);
                b7 = vb.fma(x, b7);
            }
            int o = c * ROWS;
            int step = chunks * ROWS;
            // Written out: a vector passed to a helper the JIT does not inline is allocated.
            FLOAT_256.cast(FLOAT_512.cast(a0).reinterpretShape(F8, 0)).intoArray(panels[0].sums, o);
            FLOAT_256.cast(FLOAT_512.cast(a0).reinterpretShape(F8, 1)).intoArray(panels[1].sums, o);
            FLOAT_256.cast(FLOAT_512.cast(b0).reinterpretShape(F8, 0)).intoArray(panels[2].sums, o);
            FLOAT_256.cast(FLOAT_512.cast(b0).reinterpretShape(F8, 1)).intoArray(panels[3].sums, o);
            FLOAT_256.cast(FLOAT_512.cast(a1).reinterpretShape(F8, 0)).intoArray(panels[0].sums, o + step);
            FLOAT_256.cast(FLOAT_512.cast(a1).reinterpretShape(F8, 1)).intoArray(panels[1].sums, o + step);
            FLOAT_256.cast(FLOAT_512.cast(b1).reinterpretShape(F8, 0)).intoArray(panels[2].sums, o + step);
            FLOAT_256.cast(FLOAT_512.cast(b1).reinterpretShape(F8, 1)).intoArray(panels[3].sums, o + step);
            FLOAT_256.cast(FLOAT_512.cast(a2).reinterpretShape(F8, 0)).intoArray(panels[0].sums, o + 2 * step);
            FLOAT_256.cast(FLOAT_512.cast(a2).reinterpretShape(F8, 1)).intoArray(panels[1].sums, o + 2 * step);
            FLOAT_256.cast(FLOAT_512.cast(b2).reinterpretShape(F8, 0)).intoArray(panels[2].sums, o + 2 * step);
            FLOAT_256.cast(FLOAT_512.cast(b2).reinterpretShape(F8, 1)).intoArray(panels[3].sums, o + 2 * step);
            FLOAT_256.cast(FLOAT_512.cast(a3).reinterpretShape(F8, 0)).intoArray(panels[0].sums, o + 3 * step);
            FLOAT_256.cast(FLOAT_512.cast(a3).reinterpretShape(F8, 1)).intoArray(panels[1].sums, o + 3 * step);
            FLOAT_256.cast(FLOAT_512.cast(b3).reinterpretShape(F8, 0)).intoArray(panels[2].sums, o + 3 * step);
            FLOAT_256.cast(FLOAT_512.cast(b3).reinterpretShape(F8, 1)).intoArray(panels[3].sums, o + 3 * step);
            FLOAT_256.cast(FLOAT_512.cast(a4).reinterpretShape(F8, 0)).intoArray(panels[0].sums, o + 4 * step);
            FLOAT_256.cast(FLOAT_512.cast(a4).reinterpretShape(F8, 1)).intoArray(panels[1].sums, o + 4 * step);
            FLOAT_256.cast(FLOAT_512.cast(b4).reinterpretShape(F8, 0)).intoArray(panels[2].sums, o + 4 * step);
            FLOAT_256.cast(FLOAT_512.cast(b4).reinterpretShape(F8, 1)).intoArray(panels[3].sums, o + 4 * step);
            FLOAT_256.cast(FLOAT_512.cast(a5).reinterpretShape(F8, 0)).intoArray(panels[0].sums, o + 5 * step);
            FLOAT_256.cast(FLOAT_512.cast(a5).reinterpretShape(F8, 1)).intoArray(panels[1].sums, o + 5 * step);
            FLOAT_256.cast(FLOAT_512.cast(b5).reinterpretShape(F8, 0)).intoArray(panels[2].sums, o + 5 * step);
            FLOAT_256.cast(FLOAT_512.cast(b5).reinterpretShape(F8, 1)).intoArray(panels[3].sums, o + 5 * step);
            FLOAT_256.cast(FLOAT_512.cast(a6).reinterpretShape(F8, 0)).intoArray(panels[0].sums, o + 6 * step);
            FLOAT_256.cast(FLOAT_512.cast(a6).reinterpretShape(F8, 1)).intoArray(panels[1].sums, o + 6 * step);
            FLOAT_256.cast(FLOAT_512.cast(b6).reinterpretShape(F8, 0)).intoArray(panels[2].sums, o + 6 * step);
            FLOAT_256.cast(FLOAT_512.cast(b6).reinterpretShape(F8, 1)).intoArray(panels[3].sums, o + 6 * step);
            FLOAT_256.cast(FLOAT_512.cast(a7).reinterpretShape(F8, 0)).intoArray(panels[0].sums, o + 7 * step);
            FLOAT_256.cast(FLOAT_512.cast(a7).reinterpretShape(F8, 1)).intoArray(panels[1].sums, o + 7 * step);
            FLOAT_256.cast(FLOAT_512.cast(b7).reinterpretShape(F8, 0)).intoArray(panels[2].sums, o + 7 * step);
            FLOAT_256.cast(FLOAT_512.cast(b7).reinterpretShape(F8, 1)).intoArray(panels[3].sums, o + 7 * step);
        }
    }

    /** Q4_0, token {@code g} of the group: per block {@code acc = fma(sum, d_w·d_x, acc)}. */
    private static void q4_0(Panel s, int g, int blocks, float[] xs, int so, int a) {
        float[] acc = s.acc;
        int n = GF.length();
        for (int h = 0; h < GROUP_VECTORS; h++) {
            FloatVector total = FloatVector.fromArray(GF, acc, a + h * n);
            for (int b = 0; b < blocks; b++) {
                FloatVector sum = FloatVector.fromArray(GF, s.sums, (g * blocks + b) * ROWS + h * n);
                FloatVector d = FloatVector.fromArray(GF, s.scales, b * ROWS + h * n).mul(xs[so + b]);
                total = sum.fma(d, GROUP_FLOATS.cast(total));
            }
            GROUP_FLOATS.cast(total).intoArray(acc, a + h * n);
        }
    }

    /**
     * Q4_K, token {@code g} of the group: per 64 weights the eight rows' exact sums and min terms,
     * added to the accumulators per 64 weights ({@code perPair}: a token in a group of four) or per
     * block (the pair sums added two and two, each below 2^24, so that the last addition rounds the
     * exact total).
     */
    private static void q4_K(Panel s, int g, int blocks, PreparedInput x, int t, int b0, int[] subSums,
                             boolean perPair, int a) {
        float[] acc = s.acc;
        int n = GF.length();
        int xBlocks = x.cols() / 256;
        int chunks = 4 * blocks;
        for (int h = 0; h < GROUP_VECTORS; h++) {
            FloatVector total = FloatVector.fromArray(GF, acc, a + h * n);
            FloatVector totalMin = FloatVector.fromArray(GF, acc, a + ROWS + h * n);
            for (int b = 0; b < blocks; b++) {
                int xb = t * xBlocks + b0 + b;
                float dx = x.scales[xb];
                FloatVector d = FloatVector.fromArray(GF, s.scales, b * ROWS + h * n).mul(dx);
                FloatVector dmin = FloatVector.fromArray(GF, s.dmins, b * ROWS + h * n).mul(dx);
                FloatVector pairs01 = FloatVector.zero(GF);
                FloatVector pairs23 = FloatVector.zero(GF);
                FloatVector mins = FloatVector.zero(GF);
                for (int pair = 0; pair < 4; pair++) {
                    FloatVector sum = FloatVector.fromArray(GF, s.sums, (g * chunks + 4 * b + pair) * ROWS + h * n);
                    int m = (b * 8 + 2 * pair) * ROWS + h * n;
                    FloatVector pairMins = FloatVector.fromArray(GF, s.mins, m).mul(subSums[8 * xb + 2 * pair])
                            .add(FloatVector.fromArray(GF, s.mins, m + ROWS).mul(subSums[8 * xb + 2 * pair + 1]));
                    // Each vector cast where it is used: a cast of one the path leaves unused is allocated.
                    if (perPair) {
                        total = sum.fma(d, GROUP_FLOATS.cast(total));
                        totalMin = pairMins.fma(dmin, GROUP_FLOATS.cast(totalMin));
                    } else if (pair < 2) {
                        pairs01 = GROUP_FLOATS.cast(pairs01).add(sum);
                        mins = GROUP_FLOATS.cast(mins).add(pairMins);
                    } else {
                        pairs23 = GROUP_FLOATS.cast(pairs23).add(sum);
                        mins = GROUP_FLOATS.cast(mins).add(pairMins);
                    }
                }
                if (!perPair) {
                    total = GROUP_FLOATS.cast(pairs01).add(GROUP_FLOATS.cast(pairs23)).fma(d, GROUP_FLOATS.cast(total));
                    totalMin = GROUP_FLOATS.cast(mins).fma(dmin, GROUP_FLOATS.cast(totalMin));
                }
            }
            GROUP_FLOATS.cast(total).intoArray(acc, a + h * n);
            GROUP_FLOATS.cast(totalMin).intoArray(acc, a + ROWS + h * n);
        }
    }

    /**
     * Rows r0..r0+7, blocks b0…: {@code panel[(32b + e)·8 + i] = q − 8}, {@code scales[8b + i] = d},
     * from the file's layout or the backend's interleaved copy.
     */
    private static void decodeQ4_0(WeightMatrix w, int r0, int b0, int blocks, Panel s) {
        MemorySegment data = w.data();
        if (w.layout() == WeightLayout.Q4_0_X8) {
            decodeInterleavedQ4_0(data, w.cols() / 32, r0, b0, blocks, s);
            return;
        }
        for (int i = 0; i < ROWS; i++) {
            long rowBase = (r0 + i) * w.rowBytes();
            for (int b = 0; b < blocks; b++) {
                long block = rowBase + 18L * (b0 + b);
                s.scales[b * ROWS + i] = Blocks.f16(data, block);
                int p = 32 * b * ROWS + i;
                for (int j = 0; j < 16; j++) {
                    int packed = Blocks.u8(data, block + 2 + j);
                    s.panel[p + j * ROWS] = (packed & 0xF) - 8;
                    s.panel[p + (j + 16) * ROWS] = (packed >>> 4) - 8;
                }
            }
        }
    }

    /** {@link #decodeQ4_0} from a {@link WeightLayout#Q4_0_X8} matrix of {@code rowBlocks} blocks per row. */
    private static void decodeInterleavedQ4_0(MemorySegment data, int rowBlocks, int r0, int b0, int blocks,
                                              Panel s) {
        int g = r0 / ROWS;
        for (int b = 0; b < blocks; b++) {
            long record = InterleavedQ4_0.recordOffset(rowBlocks, g, b0 + b);
            for (int i = 0; i < ROWS; i++) s.scales[b * ROWS + i] = Blocks.f16(data, record + 2L * i);
            // A chunk's int lanes are the eight rows: nibble k of every lane is column 8c + k.
            for (int c = 0; c < 4; c++) {
                IntVector v = IntVector.fromMemorySegment(I8, data, record + 16 + 32L * c, ByteOrder.LITTLE_ENDIAN);
                int p = (32 * b + 8 * c) * ROWS;
                for (int k = 0; k < 8; k++) {
                    FLOAT_256.cast(v.lanewise(VectorOperators.LSHR, 4 * k).and(0xF).sub(8)
                            .convert(VectorOperators.I2F, 0)).intoArray(s.panel, p + k * ROWS);
                }
            }
        }
    }

    /**
     * Rows r0..r0+7, blocks b0…: {@code panel[(256b + e)·8 + i] = q·sc}, and per block and row the
     * scale d, the min scale dmin and the eight sub-block mins ({@code mins[(8b + j)·8 + i]}).
     */
    private static void decodeQ4_K(WeightMatrix w, int r0, int b0, int blocks, Panel s) {
        MemorySegment data = w.data();
        if (w.layout() == WeightLayout.Q4_K_X8) {
            decodeInterleavedQ4_K(data, w.cols() / 256, r0, b0, blocks, s);
            return;
        }
        for (int i = 0; i < ROWS; i++) {
            long rowBase = (r0 + i) * w.rowBytes();
            for (int b = 0; b < blocks; b++) {
                long block = rowBase + 144L * (b0 + b);
                s.scales[b * ROWS + i] = Blocks.f16(data, block);
                s.dmins[b * ROWS + i] = Blocks.f16(data, block + 2);
                for (int j = 0; j < 8; j++) {
                    int sc = Blocks.kScale(data, block + 4, j);
                    s.mins[(b * 8 + j) * ROWS + i] = Blocks.kMin(data, block + 4, j);
                    long qs = block + 16 + 32L * (j / 2);
                    int shift = 4 * (j % 2);
                    int p = (256 * b + 32 * j) * ROWS + i;
                    for (int l = 0; l < 32; l++) {
                        s.panel[p + l * ROWS] = ((Blocks.u8(data, qs + l) >>> shift) & 0xF) * sc;
                    }
                }
            }
        }
    }

    /**
     * {@link #decodeQ4_K} from a {@link WeightLayout#Q4_K_X8} matrix of {@code rowBlocks} blocks per
     * row: the eight rows are the int lanes, so scales, mins and quants unpack eight rows at a time.
     */
    private static void decodeInterleavedQ4_K(MemorySegment data, int rowBlocks, int r0, int b0, int blocks,
                                              Panel s) {
        int g = r0 / ROWS;
        for (int b = 0; b < blocks; b++) {
            long record = InterleavedQ4_K.recordOffset(rowBlocks, g, b0 + b);
            for (int i = 0; i < ROWS; i++) {
                s.scales[b * ROWS + i] = Blocks.f16(data, record + 2L * i);
                s.dmins[b * ROWS + i] = Blocks.f16(data, record + 16 + 2L * i);
            }
            IntVector u0 = IntVector.fromMemorySegment(I8, data, record + InterleavedQ4_K.SCALES, ByteOrder.LITTLE_ENDIAN);
            IntVector u1 = IntVector.fromMemorySegment(I8, data, record + InterleavedQ4_K.SCALES + 32,
                    ByteOrder.LITTLE_ENDIAN);
            IntVector u2 = IntVector.fromMemorySegment(I8, data, record + InterleavedQ4_K.SCALES + 64,
                    ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < 8; j++) {
                // InterleavedQ4_K.scale and .min, lane by lane (written out here: the JIT keeps
                // vectors in registers only across code it inlines).
                IntVector sc;
                IntVector min;
                if (j < 4) {
                    sc = u0.lanewise(VectorOperators.LSHR, 8 * j).and(63);
                    min = u1.lanewise(VectorOperators.LSHR, 8 * j).and(63);
                } else {
                    int k = 8 * (j - 4);
                    sc = u2.lanewise(VectorOperators.LSHR, k).and(0xf)
                            .or(u0.lanewise(VectorOperators.LSHR, k + 2).and(0x30));
                    min = u2.lanewise(VectorOperators.LSHR, k + 4).and(0xf)
                            .or(u1.lanewise(VectorOperators.LSHR, k + 2).and(0x30));
                }
                sc = INT_256.cast(sc);
                FLOAT_256.cast(INT_256.cast(min).convert(VectorOperators.I2F, 0)).intoArray(s.mins, (b * 8 + j) * ROWS);
                for (int part = 0; part < 4; part++) {
                    int c = 4 * j + part;
                    IntVector v = IntVector.fromMemorySegment(I8, data, record + InterleavedQ4_K.QUANTS + 32L * c,
                            ByteOrder.LITTLE_ENDIAN);
                    int p = (256 * b + 8 * c) * ROWS;
                    for (int k = 0; k < 8; k++) {
                        FLOAT_256.cast(v.lanewise(VectorOperators.LSHR, 4 * k).and(0xF).mul(sc)
                                .convert(VectorOperators.I2F, 0)).intoArray(s.panel, p + k * ROWS);
                    }
                }
            }
        }
    }

    /** One group's decoded panel, its sums and its accumulators, reused. */
    private static final class Panel {
        final float[] panel = new float[ROWS * SPAN];
        final float[] scales = new float[ROWS * (SPAN / 32)];
        final float[] dmins = new float[ROWS * (SPAN / 256)];
        final float[] mins = new float[ROWS * 8 * (SPAN / 256)];
        /** Up to eight tokens' sums per 32 or 64 weights, eight rows each. */
        final float[] sums = new float[8 * ROWS * (SPAN / 32)];
        float[] acc = new float[0];

        void clear(int size) {
            if (acc.length < size) acc = new float[size];
            Arrays.fill(acc, 0, size, 0f);
        }
    }

    /** Per-thread buffers: up to four groups' panels, and the four side by side ({@link #interleave}). */
    private static final class Scratch {
        final Panel[] panels = {new Panel(), new Panel(), new Panel(), new Panel()};
        final float[] quad = FOUR_GROUPS ? new float[4 * ROWS * SPAN] : new float[0];
    }
}

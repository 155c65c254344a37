package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.FLOATS;
import static org.replique.engine.kernel.ExactVectors.INTS;
import static org.replique.engine.kernel.VectorShapes.F;
import static org.replique.engine.kernel.VectorShapes.I;
import static org.replique.engine.kernel.VectorShapes.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Q6_K weights (the file's layout) times a batch of Q8_K activation rows — a prompt — with the
 * tokens in the vector lanes. ggml's {@code vec_dot_q6_K_q8_K} keeps eight lanes per row, lane k
 * summing the weights at positions 4k..4k+3 of every 32, each scaled block by block; a kernel with
 * one (row, token) at a time ({@link TiledKQuantMatmul}) spends as much time on those eight lanes as
 * on the products. Here one vector holds lane k of {@code L} tokens, so that the lanes' arithmetic
 * is shared by {@code L} tokens: each weight ({@code q·sc}, decoded once per batch into
 * {@link KQuantPanel}'s order) is broadcast and multiplied by the same activation of every token.
 *
 * <p>Four rows and four token vectors at a time: sixteen accumulators, four broadcasts and four
 * loads per sixteen fused multiply-adds. Rows go by in chunks of {@value #ROW_CHUNK}, blocks in
 * spans of {@value #SPAN}, so that a span's activations (256 KiB for 64 tokens) stay in the L2 cache
 * while all the chunk's rows use them. A lane's 32 products of a block are summed in two halves of
 * sixteen, each below 2^24 (|q·sc·q8| ≤ 63·128·127) and so exact in float, and added in int; the
 * rest is ggml's arithmetic to the bit, as {@link ScalarKQuants#vecDot} spells it: less
 * {@code 32·(sc·bsum)} of the lane's two sub-blocks, converted to float, accumulated with a fused
 * multiply-add of {@code d_w·d_x}, and the eight lanes summed at the end in ggml's order.
 *
 * <p>Chosen where vectors hold at least eight floats ({@link KQuantPanel}'s lane order is then
 * ggml's), from {@link MatmulPlan#Q6_K_TILE_FROM} tokens.
 */
final class Q6_KPromptMatmul {
    /** Rows multiplied at once. */
    private static final int ROWS = 4;
    /** Token vectors multiplied at once. */
    private static final int VECTORS = 4;
    /** Rows whose accumulators are kept while spans of blocks go by (a multiple of {@link #ROWS}). */
    private static final int ROW_CHUNK = 128;
    /** Blocks per span: 256 KiB of activations for 64 tokens. */
    private static final int SPAN = 4;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static final MatmulKernel KERNEL = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            Q6_KPromptMatmul.multiply(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(TOKEN_LANES);
        }
    };

    private Q6_KPromptMatmul() {}

    /**
     * Q8_K activations with the tokens in the lanes, padded with zeros to whole vectors: the
     * quants as floats at {@code [(256·b + p)·padded + t]}, p in {@link KQuantPanel}'s order
     * (position {@code 32c + 8m + k} holding weight {@code 32c + 4k + m} of block b); the scales
     * at {@code [b·padded + t]}; the sums of sixteen at {@code [(16·b + j)·padded + t]}.
     */
    static final class TokenLanes {
        int padded;
        float[] quants = new float[0];
        float[] scales = new float[0];
        int[] sums = new int[0];
    }

    static final PreparedInput.View<TokenLanes> TOKEN_LANES = (x, previous) -> {
        int tokens = x.rows();
        int blocks = x.cols() / 256;
        int padded = (tokens + L - 1) / L * L;
        TokenLanes lanes = previous != null ? previous : new TokenLanes();
        lanes.padded = padded;
        if (lanes.quants.length < blocks * 256 * padded) lanes.quants = new float[blocks * 256 * padded];
        if (lanes.scales.length < blocks * padded) lanes.scales = new float[blocks * padded];
        if (lanes.sums.length < blocks * 16 * padded) lanes.sums = new int[blocks * 16 * padded];
        for (int t = 0; t < padded; t++) {
            boolean real = t < tokens;
            for (int b = 0; b < blocks; b++) {
                int xb = t * blocks + b;
                for (int c = 0; c < 8; c++) {
                    for (int m = 0; m < 4; m++) {
                        for (int k = 0; k < 8; k++) {
                            int p = 32 * c + 8 * m + k;
                            lanes.quants[(256 * b + p) * padded + t] = real ? x.quants[256 * xb + 32 * c + 4 * k + m] : 0;
                        }
                    }
                }
                lanes.scales[b * padded + t] = real ? x.scales[xb] : 0;
                for (int j = 0; j < 16; j++) lanes.sums[(16 * b + j) * padded + t] = real ? x.sums[16 * xb + j] : 0;
            }
        }
        return lanes;
    };

    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        TokenLanes xt = x.view(TOKEN_LANES);
        int tokens = x.rows();
        int rows = w.rows();
        int blocks = w.cols() / 256;
        int vectors = xt.padded / L;
        int perRow = vectors * 8 * L;
        MemorySegment data = w.data();
        Scratch s = SCRATCH.get();
        float[] state = s.state(ROW_CHUNK * perRow);
        float[] lanes = s.lanes;
        for (int c0 = rowStart; c0 < rowEnd; c0 += ROW_CHUNK) {
            int c1 = Math.min(rowEnd, c0 + ROW_CHUNK);
            java.util.Arrays.fill(state, 0, ROW_CHUNK * perRow, 0f);
            // A span of blocks for all the chunk's rows before the next: the tokens' activations of
            // a span stay in the L2 cache, where a whole row's (a feed-forward row: 3.5 MiB for
            // 64 tokens) would come from memory again for every four rows.
            for (int b0 = 0; b0 < blocks; b0 += SPAN) {
                int b1 = Math.min(blocks, b0 + SPAN);
                for (int r0 = c0; r0 < c1; r0 += ROWS) {
                    int at = (r0 - c0) * perRow;
                    for (int b = b0; b < b1; b++) {
                        for (int i = 0; i < ROWS; i++) {
                            // Past the range's end, its last row again: computed, never written.
                            int r = Math.min(r0 + i, rowEnd - 1);
                            KQuantPanel.decode(GgmlType.Q6_K, data, r * w.rowBytes(), b, s.panel, 256 * i, s.meta[i]);
                        }
                        int v = 0;
                        for (; v + VECTORS <= vectors; v += VECTORS) {
                            fourByFour(s, xt, b, v, vectors, state, at);
                        }
                        for (; v < vectors; v++) {
                            fourByOne(s, xt, b, v, vectors, state, at);
                        }
                    }
                }
            }
            for (int r = c0; r < c1; r++) {
                int at = (r - c0) * perRow;
                for (int t = 0; t < tokens; t++) {
                    for (int k = 0; k < 8; k++) lanes[k] = state[at + ((t / L) * 8 + k) * L + t % L];
                    out[t * rows + r] = ScalarKernels.sumOf8(lanes);
                }
            }
        }
    }

    /** Block {@code b} of the panel's four rows times token vectors {@code v…v+3}, into {@code state}. */
    private static void fourByFour(Scratch s, TokenLanes xt, int b, int v, int vectors, float[] state, int at) {
        float[] panel = s.panel;
        float[] xq = xt.quants;
        int padded = xt.padded;
        int[] halves = s.halves;
        for (int k = 0; k < 8; k++) {
            for (int h = 0; h < 2; h++) {
                FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
                FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
                FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
                for (int j = 0; j < 16; j++) {
                    a00 = FLOATS.cast(a00);
                    a01 = FLOATS.cast(a01);
                    a02 = FLOATS.cast(a02);
                    a03 = FLOATS.cast(a03);
                    a10 = FLOATS.cast(a10);
                    a11 = FLOATS.cast(a11);
                    a12 = FLOATS.cast(a12);
                    a13 = FLOATS.cast(a13);
                    a20 = FLOATS.cast(a20);
                    a21 = FLOATS.cast(a21);
                    a22 = FLOATS.cast(a22);
                    a23 = FLOATS.cast(a23);
                    a30 = FLOATS.cast(a30);
                    a31 = FLOATS.cast(a31);
                    a32 = FLOATS.cast(a32);
                    a33 = FLOATS.cast(a33);
                    int p = 128 * h + 32 * (j >> 2) + 8 * (j & 3) + k;
                    int xo = (256 * b + p) * padded + v * L;
                    FloatVector x0 = FloatVector.fromArray(F, xq, xo);
                    FloatVector x1 = FloatVector.fromArray(F, xq, xo + L);
                    FloatVector x2 = FloatVector.fromArray(F, xq, xo + 2 * L);
                    FloatVector x3 = FloatVector.fromArray(F, xq, xo + 3 * L);
                    FloatVector w0 = FloatVector.broadcast(F, panel[p]);
                    a00 = w0.fma(x0, a00);
                    a01 = w0.fma(x1, a01);
                    a02 = w0.fma(x2, a02);
                    a03 = w0.fma(x3, a03);
                    FloatVector w1 = FloatVector.broadcast(F, panel[256 + p]);
                    a10 = w1.fma(x0, a10);
                    a11 = w1.fma(x1, a11);
                    a12 = w1.fma(x2, a12);
                    a13 = w1.fma(x3, a13);
                    FloatVector w2 = FloatVector.broadcast(F, panel[512 + p]);
                    a20 = w2.fma(x0, a20);
                    a21 = w2.fma(x1, a21);
                    a22 = w2.fma(x2, a22);
                    a23 = w2.fma(x3, a23);
                    FloatVector w3 = FloatVector.broadcast(F, panel[768 + p]);
                    a30 = w3.fma(x0, a30);
                    a31 = w3.fma(x1, a31);
                    a32 = w3.fma(x2, a32);
                    a33 = w3.fma(x3, a33);
                }
                // Each half's sums into int (written out: a call the JIT left out of line would box them).
                int o = h * ROWS * VECTORS * L;
                INTS.cast(FLOATS.cast(a00).convert(VectorOperators.F2I, 0)).intoArray(halves, o);
                INTS.cast(FLOATS.cast(a01).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 1 * L);
                INTS.cast(FLOATS.cast(a02).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 2 * L);
                INTS.cast(FLOATS.cast(a03).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 3 * L);
                INTS.cast(FLOATS.cast(a10).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 4 * L);
                INTS.cast(FLOATS.cast(a11).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 5 * L);
                INTS.cast(FLOATS.cast(a12).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 6 * L);
                INTS.cast(FLOATS.cast(a13).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 7 * L);
                INTS.cast(FLOATS.cast(a20).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 8 * L);
                INTS.cast(FLOATS.cast(a21).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 9 * L);
                INTS.cast(FLOATS.cast(a22).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 10 * L);
                INTS.cast(FLOATS.cast(a23).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 11 * L);
                INTS.cast(FLOATS.cast(a30).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 12 * L);
                INTS.cast(FLOATS.cast(a31).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 13 * L);
                INTS.cast(FLOATS.cast(a32).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 14 * L);
                INTS.cast(FLOATS.cast(a33).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 15 * L);
            }
            lanes(s, xt, b, v, VECTORS, vectors, k, state, at);
        }
    }

    /** Block {@code b} of the panel's four rows times token vector {@code v}, into {@code state}. */
    private static void fourByOne(Scratch s, TokenLanes xt, int b, int v, int vectors, float[] state, int at) {
        float[] panel = s.panel;
        float[] xq = xt.quants;
        int padded = xt.padded;
        int[] halves = s.halves;
        for (int k = 0; k < 8; k++) {
            for (int h = 0; h < 2; h++) {
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                for (int j = 0; j < 16; j++) {
                    a0 = FLOATS.cast(a0);
                    a1 = FLOATS.cast(a1);
                    a2 = FLOATS.cast(a2);
                    a3 = FLOATS.cast(a3);
                    int p = 128 * h + 32 * (j >> 2) + 8 * (j & 3) + k;
                    FloatVector x0 = FloatVector.fromArray(F, xq, (256 * b + p) * padded + v * L);
                    a0 = FloatVector.broadcast(F, panel[p]).fma(x0, a0);
                    a1 = FloatVector.broadcast(F, panel[256 + p]).fma(x0, a1);
                    a2 = FloatVector.broadcast(F, panel[512 + p]).fma(x0, a2);
                    a3 = FloatVector.broadcast(F, panel[768 + p]).fma(x0, a3);
                }
                int o = h * ROWS * VECTORS * L;
                INTS.cast(FLOATS.cast(a0).convert(VectorOperators.F2I, 0)).intoArray(halves, o);
                INTS.cast(FLOATS.cast(a1).convert(VectorOperators.F2I, 0)).intoArray(halves, o + VECTORS * L);
                INTS.cast(FLOATS.cast(a2).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 2 * VECTORS * L);
                INTS.cast(FLOATS.cast(a3).convert(VectorOperators.F2I, 0)).intoArray(halves, o + 3 * VECTORS * L);
            }
            lanes(s, xt, b, v, 1, vectors, k, state, at);
        }
    }

    /**
     * ggml's step for lane k of block b, for the panel's rows and token vectors {@code v…v+count−1}
     * (the integer sums of their two halves in {@code s.halves}): less {@code 32·(sc_2k·bsum_2k + sc_2k+1·bsum_2k+1)},
     * converted to float, times {@code d_w·d_x} added to the lane's accumulator with a fused
     * multiply-add.
     */
    private static void lanes(Scratch s, TokenLanes xt, int b, int v, int count, int vectors, int k, float[] state,
                              int stateAt) {
        int padded = xt.padded;
        for (int j = 0; j < count; j++) {
            int t = (v + j) * L;
            IntVector evenSums = IntVector.fromArray(I, xt.sums, (16 * b + 2 * k) * padded + t);
            IntVector oddSums = IntVector.fromArray(I, xt.sums, (16 * b + 2 * k + 1) * padded + t);
            FloatVector dx = FloatVector.fromArray(F, xt.scales, b * padded + t);
            for (int i = 0; i < ROWS; i++) {
                KQuantPanel.Meta meta = s.meta[i];
                IntVector offset = evenSums.mul(meta.scales[2 * k]).add(oddSums.mul(meta.scales[2 * k + 1]));
                int slot = (i * VECTORS + j) * L;
                IntVector lane = IntVector.fromArray(I, s.halves, slot).add(IntVector.fromArray(I, s.halves, ROWS * VECTORS * L + slot))
                        .sub(offset.lanewise(VectorOperators.LSHL, 5));
                int at = stateAt + ((i * vectors + v + j) * 8 + k) * L;
                dx.mul(meta.d).fma(FLOATS.cast(lane.convert(VectorOperators.I2F, 0)), FloatVector.fromArray(F, state, at))
                        .intoArray(state, at);
            }
        }
    }

    /** Per-thread buffers, reused. */
    private static final class Scratch {
        final float[] panel = new float[ROWS * 256];
        final KQuantPanel.Meta[] meta = new KQuantPanel.Meta[ROWS];
        /** The lanes' integer sums of both halves, the second half's after the first's. */
        final int[] halves = new int[2 * ROWS * VECTORS * L];
        final float[] lanes = new float[8];
        private float[] state = new float[0];

        Scratch() {
            for (int i = 0; i < meta.length; i++) meta[i] = new KQuantPanel.Meta();
        }

        float[] state(int size) {
            if (state.length < size) state = new float[size];
            return state;
        }
    }
}

package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.GROUP_FLOATS;
import static org.replique.engine.kernel.ExactVectors.GROUP_INTS;
import static org.replique.engine.kernel.VectorShapes.GF;
import static org.replique.engine.kernel.VectorShapes.GI;
import static org.replique.engine.kernel.VectorShapes.GROUP_VECTORS;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.WeightMatrix;

/**
 * K-quant weights (Q4_K, Q5_K, Q6_K) × a batch of Q8_K activation rows with ggml's arithmetic to
 * the bit ({@link ScalarKQuants} spells it out), tiled like {@link TiledQ8Matmul}: a panel of
 * {@value #PANEL} rows × {@value #DEPTH} blocks is decoded once ({@link KQuantPanel}: quants times
 * their sub-block scales, in the activations' lane order) and used for every token.
 *
 * <p>For each (row, token, block) the products are summed in the vector lanes, one accumulator
 * per 64 weights: lane k of accumulator p is {@code Σ sc·q·q8} over the weights at positions
 * 4k..4k+3 of each 32 of weights {@code 64p…64p+63}, an integer below 2^23 and so exact in float.
 * From those four, each type's float arithmetic follows ggml's: ggml's eight lanes (the sum of
 * all four, taken in int) each added with a fused multiply-add of {@code d_w·d_x}; or, for the
 * interleaved Q4_K kernel, one sum per row added per block or, for tokens in a group of four,
 * per 64 ({@link GgmlX86}).
 */
final class TiledKQuantMatmul {
    static final int PANEL = 4;
    /** Blocks per pass: a panel is {@code PANEL × DEPTH × 256} floats (32 KiB). */
    static final int DEPTH = 8;
    /** Floats of state per (row, token): eight lanes, four min lanes, a min sum, two scalar accumulators. */
    private static final int STATE = 16;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static final MatmulKernel KERNEL = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            TiledKQuantMatmul.multiply(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(QuantizedMatVec.GROUPED);
            x.view(EVEN_ODD_SUMS);
        }
    };

    private TiledKQuantMatmul() {}

    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        GgmlType type = w.type();
        boolean interleaved = GgmlX86.interleaved(w);
        int tokens = x.rows();
        int rows = w.rows();
        int cols = w.cols();
        int blocks = cols / 256;
        float[] xg = x.view(QuantizedMatVec.GROUPED);
        int[] evenOddSums = type == GgmlType.Q6_K ? x.view(EVEN_ODD_SUMS) : null;
        MemorySegment data = w.data();
        Scratch s = SCRATCH.get();
        float[] state = s.state((rowEnd - rowStart) * tokens * STATE);
        for (int b0 = 0; b0 < blocks; b0 += DEPTH) {
            int depth = Math.min(DEPTH, blocks - b0);
            for (int r0 = rowStart; r0 < rowEnd; r0 += PANEL) {
                int count = Math.min(PANEL, rowEnd - r0);
                for (int i = 0; i < count; i++) {
                    long rowBase = (r0 + i) * w.rowBytes();
                    for (int bb = 0; bb < depth; bb++) {
                        KQuantPanel.decode(type, data, rowBase, b0 + bb, s.panel, (i * DEPTH + bb) * 256, s.meta[i * DEPTH + bb]);
                    }
                }
                for (int t = 0; t < tokens; t++) {
                    boolean groupOfFour = GgmlX86.inGroupOfFour(t, tokens);
                    for (int bb = 0; bb < depth; bb++) {
                        int b = b0 + bb;
                        int xb = t * blocks + b;
                        products(s.panel, bb, count, xg, 256 * xb, s.pairs);
                        for (int i = 0; i < count; i++) {
                            int at = ((r0 - rowStart + i) * tokens + t) * STATE;
                            KQuantPanel.Meta meta = s.meta[i * DEPTH + bb];
                            if (interleaved) {
                                interleavedQ4_K(s.pairs, i, meta, x, xb, groupOfFour, state, at);
                            } else {
                                lanes(type, s.pairs, i, meta, x, xb, evenOddSums, state, at);
                            }
                        }
                    }
                }
            }
        }
        for (int r = rowStart; r < rowEnd; r++) {
            for (int t = 0; t < tokens; t++) {
                int at = ((r - rowStart) * tokens + t) * STATE;
                out[t * rows + r] = result(type, interleaved, state, at);
            }
        }
    }

    /**
     * For panel rows 0..count−1 and block {@code bb} of the pass, times the token's block at
     * {@code xo} in the grouped activations: the four per-64 lane sums of each row into
     * {@code pairs[(i·4 + p)·8 + lane]}.
     */
    static void products(float[] panel, int bb, int count, float[] xg, int xo, float[] pairs) {
        int n = GF.length();
        for (int p = 0; p < 4; p++) {
            for (int h = 0; h < GROUP_VECTORS; h++) {
                int lanes = h * 4 * n;
                int x0 = xo + 64 * p + lanes;
                FloatVector a0 = FloatVector.fromArray(GF, xg, x0);
                FloatVector a1 = FloatVector.fromArray(GF, xg, x0 + n);
                FloatVector a2 = FloatVector.fromArray(GF, xg, x0 + 2 * n);
                FloatVector a3 = FloatVector.fromArray(GF, xg, x0 + 3 * n);
                FloatVector b0 = FloatVector.fromArray(GF, xg, x0 + 32);
                FloatVector b1 = FloatVector.fromArray(GF, xg, x0 + 32 + n);
                FloatVector b2 = FloatVector.fromArray(GF, xg, x0 + 32 + 2 * n);
                FloatVector b3 = FloatVector.fromArray(GF, xg, x0 + 32 + 3 * n);
                for (int i = 0; i < count; i++) {
                    int w0 = (i * DEPTH + bb) * 256 + 64 * p + lanes;
                    FloatVector sum = FloatVector.fromArray(GF, panel, w0).mul(a0);
                    sum = FloatVector.fromArray(GF, panel, w0 + n).fma(a1, sum);
                    sum = FloatVector.fromArray(GF, panel, w0 + 2 * n).fma(a2, sum);
                    sum = FloatVector.fromArray(GF, panel, w0 + 3 * n).fma(a3, sum);
                    sum = FloatVector.fromArray(GF, panel, w0 + 32).fma(b0, sum);
                    sum = FloatVector.fromArray(GF, panel, w0 + 32 + n).fma(b1, sum);
                    sum = FloatVector.fromArray(GF, panel, w0 + 32 + 2 * n).fma(b2, sum);
                    sum = FloatVector.fromArray(GF, panel, w0 + 32 + 3 * n).fma(b3, sum);
                    sum.intoArray(pairs, (i * 4 + p) * 8 + h * n);
                }
            }
        }
    }

    /** ggml's eight-lane arithmetic for one (row, token, block) ({@link ScalarKQuants#vecDot}). */
    static void lanes(GgmlType type, float[] pairs, int i, KQuantPanel.Meta meta, PreparedInput x, int xb,
                      int[] evenOddSums, float[] state, int at) {
        int o = i * 32;
        float dx = x.scales[xb];
        FloatVector d = FloatVector.broadcast(GF, dx * meta.d);
        int n = GF.length();
        for (int h = 0; h < GROUP_VECTORS; h++) {
            int l = h * n;
            // Each pair of sums stays below 2^24, so their float sums are exact; the total is taken in int.
            IntVector lane = GROUP_INTS.cast(FloatVector.fromArray(GF, pairs, o + l).add(FloatVector.fromArray(GF, pairs, o + 8 + l))
                    .convert(VectorOperators.F2I, 0))
                    .add(GROUP_INTS.cast(FloatVector.fromArray(GF, pairs, o + 16 + l).add(FloatVector.fromArray(GF, pairs, o + 24 + l))
                            .convert(VectorOperators.F2I, 0)));
            if (type == GgmlType.Q6_K) {
                int e = 16 * xb + l;
                lane = lane.sub(IntVector.fromArray(GI, meta.evenScales, l).mul(IntVector.fromArray(GI, evenOddSums, e))
                        .add(IntVector.fromArray(GI, meta.oddScales, l).mul(IntVector.fromArray(GI, evenOddSums, e + 8)))
                        .lanewise(VectorOperators.LSHL, 5));
            }
            d.fma(GROUP_FLOATS.cast(GROUP_INTS.cast(lane).convert(VectorOperators.I2F, 0)), FloatVector.fromArray(GF, state, at + l))
                    .intoArray(state, at + l);
        }
        if (type == GgmlType.Q6_K) return;
        float dmin = -dx * meta.dmin;
        if (type == GgmlType.Q4_K) {
            for (int m = 0; m < 4; m++) {
                int pair = meta.mins[2 * m] * ScalarKQuants.subBlockSum(x, xb, 2 * m)
                        + meta.mins[2 * m + 1] * ScalarKQuants.subBlockSum(x, xb, 2 * m + 1);
                state[at + 8 + m] = Math.fma(dmin, (float) pair, state[at + 8 + m]);
            }
        } else {
            int all = 0;
            for (int j = 0; j < 8; j++) all += meta.mins[j] * ScalarKQuants.subBlockSum(x, xb, j);
            state[at + 12] = Math.fma(dmin, (float) all, state[at + 12]);
        }
    }

    /**
     * Q8_K activations: each block's sums of 16 split by parity, {@code [16b + k]} the (2k)-th and
     * {@code [16b + 8 + k]} the (2k+1)-th, as Q6_K's eight lanes pair them.
     */
    static final PreparedInput.View<int[]> EVEN_ODD_SUMS = (x, previous) -> {
        int blocks = x.rows() * x.cols() / 256;
        int[] sums = previous != null && previous.length >= 16 * blocks ? previous : new int[16 * blocks];
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < 8; k++) {
                sums[16 * b + k] = x.sums[16 * b + 2 * k];
                sums[16 * b + 8 + k] = x.sums[16 * b + 2 * k + 1];
            }
        }
        return sums;
    };

    /** ggml's interleaved Q4_K arithmetic for one (row, token, block) ({@link ScalarKQuants#interleavedQ4_K}). */
    static void interleavedQ4_K(float[] pairs, int i, KQuantPanel.Meta meta, PreparedInput x, int xb,
                                boolean perPair, float[] state, int at) {
        int o = i * 32;
        float dx = x.scales[xb];
        float d = meta.d * dx;
        float dmin = meta.dmin * dx;
        int sum = 0;
        int mins = 0;
        for (int p = 0; p < 4; p++) {
            for (int k = 0; k < 8; k++) sum += (int) pairs[o + 8 * p + k];
            mins += meta.mins[2 * p] * ScalarKQuants.subBlockSum(x, xb, 2 * p)
                    + meta.mins[2 * p + 1] * ScalarKQuants.subBlockSum(x, xb, 2 * p + 1);
            if (perPair) {
                state[at + 13] = Math.fma((float) sum, d, state[at + 13]);
                state[at + 14] = Math.fma((float) mins, dmin, state[at + 14]);
                sum = 0;
                mins = 0;
            }
        }
        if (!perPair) {
            state[at + 13] = Math.fma((float) sum, d, state[at + 13]);
            state[at + 14] = Math.fma((float) mins, dmin, state[at + 14]);
        }
    }

    /** The product from a (row, token)'s state: ggml's final sums. */
    static float result(GgmlType type, boolean interleaved, float[] state, int at) {
        if (interleaved) return state[at + 13] - state[at + 14];
        float sum = ScalarKernels.sumOf8(state, at);
        return switch (type) {
            case Q4_K -> sum + ((state[at + 8] + state[at + 10]) + (state[at + 9] + state[at + 11]));
            case Q5_K -> sum + state[at + 12];
            default -> sum;
        };
    }

    /** Per-thread buffers, reused. */
    private static final class Scratch {
        final float[] panel = new float[PANEL * DEPTH * 256];
        final KQuantPanel.Meta[] meta = new KQuantPanel.Meta[PANEL * DEPTH];
        final float[] pairs = new float[PANEL * 32];
        private float[] state = new float[0];

        Scratch() {
            for (int i = 0; i < meta.length; i++) meta[i] = new KQuantPanel.Meta();
        }

        float[] state(int size) {
            if (state.length < size) state = new float[size];
            Arrays.fill(state, 0, size, 0f);
            return state;
        }
    }
}

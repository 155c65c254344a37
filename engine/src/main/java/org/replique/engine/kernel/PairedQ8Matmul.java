package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.GROUP_INTS;
import static org.replique.engine.kernel.VectorShapes.F;
import static org.replique.engine.kernel.VectorShapes.GB;
import static org.replique.engine.kernel.VectorShapes.GF;
import static org.replique.engine.kernel.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * {@link TiledQ8Matmul}'s exact Q8_0 arithmetic for 16-lane vectors (AVX-512), two tokens per
 * vector. ggml's eight lanes per (row, token) fill only half of such a vector, so each vector
 * holds the eight lanes of a row for token {@code t} and, above them, for token {@code t + 1}:
 * every instruction does twice the work, and each (row, token) still accumulates its blocks in
 * file order with one fused multiply-add of {@code d_w·d_x} per block, as ggml does, so the
 * results are {@link TiledQ8Matmul}'s to the bit.
 *
 * <p>The panel holds each decoded group vector twice ({@code [w | w]}), the activations come
 * token-paired ({@link #PAIRED}), and the per-block scale products are {@code d_w} times the
 * paired activation scales.
 */
final class PairedQ8Matmul {
    static final int PANEL = 4;
    /** Blocks per pass: a panel is {@code PANEL × DEPTH × 64} floats (16 KiB). */
    static final int DEPTH = 16;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Q8_0 activations for kernels that hold two tokens in one vector: ggml's eight lanes of four
     * neighbouring products for token {@code 2p} below those of token {@code 2p + 1}. Quants: for
     * pair p, block b and k = 0..3, sixteen floats at {@code ((b·pairs + p)·4 + k)·16}, lane
     * {@code j < 8} holding quant {@code 4j + k} of token 2p, lane {@code 8 + j} the same quant of
     * token 2p + 1 (of token 2p again when the number of rows is odd). Scales laid out like the
     * lanes: for block b and pair p, sixteen floats at {@code (b·pairs + p)·16}, eight copies of
     * token 2p's scale, then eight of token 2p + 1's.
     */
    record Paired(float[] quants, float[] scales) {}

    static final PreparedInput.View<Paired> PAIRED = PairedQ8Matmul::pair;

    static final MatmulKernel KERNEL = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            PairedQ8Matmul.multiply(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(PAIRED);
        }
    };

    private PairedQ8Matmul() {}

    /** Whether this kernel applies: 16 float lanes, ggml's eight lanes in a half. */
    static boolean applies() {
        return F.length() == 16 && GF.length() == 8;
    }

    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        int tokens = x.rows();
        int pairs = (tokens + 1) / 2;
        int rows = w.rows();
        int blocks = w.cols() / 32;
        Paired paired = x.view(PAIRED);
        float[] xp = paired.quants();
        float[] sp = paired.scales();
        int panels = (rowEnd - rowStart + PANEL - 1) / PANEL;
        int accRow = 2 * pairs * 8;
        Scratch s = SCRATCH.get();
        float[] acc = s.accumulators(panels * PANEL * accRow);
        for (int b0 = 0; b0 < blocks; b0 += DEPTH) {
            int depth = Math.min(DEPTH, blocks - b0);
            for (int p = 0; p < panels; p++) {
                int r0 = rowStart + p * PANEL;
                decode(w, r0, Math.min(PANEL, rowEnd - r0), b0, depth, s.panel, s.scales);
                int a = p * PANEL * accRow;
                for (int bb = 0; bb < depth; bb++) {
                    kernel(s.panel, s.scales, bb, pairs, xp, sp, (b0 + bb) * pairs, acc, a, accRow);
                }
            }
        }
        TiledQ8Matmul.reduce(acc, accRow, tokens, out, rows, rowStart, rowEnd);
    }

    /**
     * Panel rows 0..3, block {@code bb} of the pass, × every token pair: the block's sixteen
     * group vectors stay in registers while the pairs stream by. Row i's accumulators for pair q
     * are at {@code acc[a + i·accRow + 16q …]}; the block's quants and scales for pair q at
     * {@code 64·(first + q)} and {@code 16·(first + q)}.
     */
    private static void kernel(float[] panel, float[] dw, int bb, int pairs, float[] xp, float[] sp, int first,
                               float[] acc, int a, int accRow) {
        // Sixteen named locals, not a loop over rows: C2 keeps a loop (and its vectors in memory).
        // Each row's exact sums of four products per group, for both tokens, written out: a helper
        // taking vectors allocates them whenever the JIT does not inline it (see ExactVectors).
        int wb = 64 * bb;
        FloatVector w00 = FloatVector.fromArray(F, panel, wb);
        FloatVector w01 = FloatVector.fromArray(F, panel, wb + 16);
        FloatVector w02 = FloatVector.fromArray(F, panel, wb + 32);
        FloatVector w03 = FloatVector.fromArray(F, panel, wb + 48);
        wb += 64 * DEPTH;
        FloatVector w10 = FloatVector.fromArray(F, panel, wb);
        FloatVector w11 = FloatVector.fromArray(F, panel, wb + 16);
        FloatVector w12 = FloatVector.fromArray(F, panel, wb + 32);
        FloatVector w13 = FloatVector.fromArray(F, panel, wb + 48);
        wb += 64 * DEPTH;
        FloatVector w20 = FloatVector.fromArray(F, panel, wb);
        FloatVector w21 = FloatVector.fromArray(F, panel, wb + 16);
        FloatVector w22 = FloatVector.fromArray(F, panel, wb + 32);
        FloatVector w23 = FloatVector.fromArray(F, panel, wb + 48);
        wb += 64 * DEPTH;
        FloatVector w30 = FloatVector.fromArray(F, panel, wb);
        FloatVector w31 = FloatVector.fromArray(F, panel, wb + 16);
        FloatVector w32 = FloatVector.fromArray(F, panel, wb + 32);
        FloatVector w33 = FloatVector.fromArray(F, panel, wb + 48);
        float d0 = dw[bb];
        float d1 = dw[DEPTH + bb];
        float d2 = dw[2 * DEPTH + bb];
        float d3 = dw[3 * DEPTH + bb];
        int a1 = a + accRow;
        int a2 = a1 + accRow;
        int a3 = a2 + accRow;
        for (int q = 0; q < pairs; q++) {
            int xb = 64 * (first + q);
            FloatVector x0 = FloatVector.fromArray(F, xp, xb);
            FloatVector x1 = FloatVector.fromArray(F, xp, xb + 16);
            FloatVector x2 = FloatVector.fromArray(F, xp, xb + 32);
            FloatVector x3 = FloatVector.fromArray(F, xp, xb + 48);
            FloatVector dx = FloatVector.fromArray(F, sp, 16 * (first + q));
            int o = 16 * q;
            w03.fma(x3, w02.fma(x2, w01.fma(x1, w00.mul(x0))))
                    .fma(dx.mul(d0), FloatVector.fromArray(F, acc, a + o)).intoArray(acc, a + o);
            w13.fma(x3, w12.fma(x2, w11.fma(x1, w10.mul(x0))))
                    .fma(dx.mul(d1), FloatVector.fromArray(F, acc, a1 + o)).intoArray(acc, a1 + o);
            w23.fma(x3, w22.fma(x2, w21.fma(x1, w20.mul(x0))))
                    .fma(dx.mul(d2), FloatVector.fromArray(F, acc, a2 + o)).intoArray(acc, a2 + o);
            w33.fma(x3, w32.fma(x2, w31.fma(x1, w30.mul(x0))))
                    .fma(dx.mul(d3), FloatVector.fromArray(F, acc, a3 + o)).intoArray(acc, a3 + o);
        }
    }

    /**
     * Rows {@code [row, row + count)}, blocks {@code [b0, b0 + depth)}: each block's four group
     * vectors (as {@link TiledQ8Matmul} decodes them), each written twice side by side, at
     * {@code panel[(i·DEPTH + bb)·64 …]}; block scales at {@code scales[i·DEPTH + bb]}. Rows past
     * {@code count} get zero scales, which leave the accumulators as they are.
     */
    private static void decode(WeightMatrix w, int row, int count, int b0, int depth, float[] panel, float[] scales) {
        MemorySegment data = w.data();
        data.get(MappedFault.MARK, 0); // see MappedFault
        for (int i = 0; i < PANEL; i++) {
            if (i >= count) {
                Arrays.fill(scales, i * DEPTH, (i + 1) * DEPTH, 0f);
                Arrays.fill(panel, i * DEPTH * 64, (i + 1) * DEPTH * 64, 0f);
                continue;
            }
            long rowBase = (long) (row + i) * w.rowBytes();
            for (int bb = 0; bb < depth; bb++) {
                long block = rowBase + 34L * (b0 + bb);
                scales[i * DEPTH + bb] = Blocks.f16(data, block);
                int o = (i * DEPTH + bb) * 64;
                IntVector q = GROUP_INTS.cast(ByteVector.fromMemorySegment(GB, data, block + 2, LE).reinterpretAsInts());
                for (int k = 0; k < 4; k++) {
                    FloatVector v = TiledQ8Matmul.groupQuants(q, k);
                    v.intoArray(panel, o + 16 * k);
                    v.intoArray(panel, o + 16 * k + 8);
                }
            }
        }
    }

    private static Paired pair(PreparedInput x, Paired previous) {
        int rows = x.rows();
        int cols = x.cols();
        int blocks = cols / 32;
        int pairs = (rows + 1) / 2;
        int n = pairs * blocks * 64;
        float[] pairedQuants = previous != null && previous.quants().length >= n ? previous.quants() : new float[n];
        float[] pairedScales = previous != null && previous.scales().length >= pairs * blocks * 16
                ? previous.scales() : new float[pairs * blocks * 16];
        byte[] quants = x.quants;
        for (int p = 0; p < pairs; p++) {
            int t0 = 2 * p;
            int t1 = Math.min(t0 + 1, rows - 1);
            for (int b = 0; b < blocks; b++) {
                int o = (b * pairs + p) * 64;
                for (int k = 0; k < 4; k++) {
                    for (int j = 0; j < 8; j++) {
                        pairedQuants[o + 16 * k + j] = quants[t0 * cols + 32 * b + 4 * j + k];
                        pairedQuants[o + 16 * k + 8 + j] = quants[t1 * cols + 32 * b + 4 * j + k];
                    }
                }
                int so = (b * pairs + p) * 16;
                Arrays.fill(pairedScales, so, so + 8, x.scales[t0 * blocks + b]);
                Arrays.fill(pairedScales, so + 8, so + 16, x.scales[t1 * blocks + b]);
            }
        }
        return new Paired(pairedQuants, pairedScales);
    }

    /** Per-thread buffers, reused. */
    private static final class Scratch {
        private float[] accumulators = new float[0];
        final float[] panel = new float[PANEL * DEPTH * 64];
        final float[] scales = new float[PANEL * DEPTH];

        float[] accumulators(int size) {
            if (accumulators.length < size) accumulators = new float[size];
            Arrays.fill(accumulators, 0, size, 0f);
            return accumulators;
        }
    }
}

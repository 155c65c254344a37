package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.GROUP_FLOATS;
import static org.replique.engine.kernel.ExactVectors.GROUP_INTS;
import static org.replique.engine.kernel.VectorShapes.GB;
import static org.replique.engine.kernel.VectorShapes.GF;
import static org.replique.engine.kernel.VectorShapes.GROUP_VECTORS;
import static org.replique.engine.kernel.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Q8_0 weights (and Q4_0 matrices that ggml does not interleave, whose arithmetic is the same)
 * × a batch of Q8 activation rows with ggml's x86 arithmetic to the bit, like
 * {@link QuantizedMatVec#dotQ8_0} (eight lanes of four neighbouring products per block, each
 * lane accumulating {@code d_w·d_x} times its exact integer sum with a fused multiply-add),
 * tiled like {@link TiledMatmul}: a panel of {@value #PANEL} rows × {@value #DEPTH} blocks is
 * decoded once (quants to floats, in the lane order of the activations'
 * {@link QuantizedMatVec#GROUPED grouped} form) and used for every token. Each (row, token)
 * keeps its eight lanes across column passes, so blocks are accumulated in file order as ggml
 * does. The per-block scale costs one more multiply-add per eight lanes than
 * {@link TiledMatmul}'s scale-folded arithmetic: that is the price of llama.cpp's exact Q8_0 results.
 */
final class TiledQ8Matmul {
    static final int PANEL = 4;
    /** Blocks per pass: a panel is {@code PANEL × DEPTH × 32} floats (8 KiB). */
    static final int DEPTH = 16;

    /** Per-thread buffers, shared with {@link Int16Q8Matmul} (a thread runs one product at a time). */
    static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static final MatmulKernel KERNEL = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            TiledQ8Matmul.multiply(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(QuantizedMatVec.GROUPED);
        }
    };

    private TiledQ8Matmul() {}

    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        int tokens = x.rows();
        int rows = w.rows();
        int cols = w.cols();
        int blocks = cols / 32;
        float[] xg = x.view(QuantizedMatVec.GROUPED);
        float[] xs = x.scales;
        int panels = (rowEnd - rowStart + PANEL - 1) / PANEL;
        Scratch s = SCRATCH.get();
        float[] acc = s.accumulators(panels * PANEL * tokens * 8);
        float[] byBlock = s.transposedScales(xs, tokens, blocks);
        float[] d = s.products(PANEL * DEPTH * tokens);
        for (int b0 = 0; b0 < blocks; b0 += DEPTH) {
            int depth = Math.min(DEPTH, blocks - b0);
            for (int p = 0; p < panels; p++) {
                int r0 = rowStart + p * PANEL;
                decode(w, r0, Math.min(PANEL, rowEnd - r0), b0, depth, s.panel, s.scales);
                scaleProducts(s.scales, DEPTH, byBlock, b0, depth, tokens, d);
                int a = p * PANEL * tokens * 8;
                for (int t = 0; t < tokens; t++) {
                    kernel(s.panel, d, tokens, depth, xg, t * cols + 32 * b0, t, acc, a + 8 * t, 8 * tokens);
                }
            }
        }
        reduce(acc, 8 * tokens, tokens, out, rows, rowStart, rowEnd);
    }

    /**
     * {@code out[t·rows + r]} = the sum, in ggml's order, of the eight lanes that (row r, token t)
     * accumulated at {@code acc[(r − rowStart)·accRow + 8t …]}.
     */
    static void reduce(float[] acc, int accRow, int tokens, float[] out, int rows, int rowStart, int rowEnd) {
        float[] lanes = new float[8];
        for (int r = rowStart; r < rowEnd; r++) {
            int a = (r - rowStart) * accRow;
            for (int t = 0; t < tokens; t++) {
                System.arraycopy(acc, a + 8 * t, lanes, 0, 8);
                out[t * rows + r] = ScalarKernels.sumOf8(lanes);
            }
        }
    }

    /**
     * {@code d[(i·stride + bb)·tokens + t] = d_w(i, b0+bb) · d_x(t, b0+bb)} for the {@value #PANEL}
     * rows of a panel whose weight scales are at {@code dw[i·stride + bb]}: the products the
     * kernels multiply block sums by, computed once per panel (the same float products as ggml's)
     * so that the kernels load them instead of multiplying and broadcasting in their inner loop.
     */
    static void scaleProducts(float[] dw, int stride, float[] byBlock, int b0, int depth, int tokens, float[] d) {
        int n = GF.length();
        int vectorTokens = tokens - tokens % n;
        for (int i = 0; i < PANEL; i++) {
            for (int bb = 0; bb < depth; bb++) {
                float weightScale = dw[i * stride + bb];
                int from = (b0 + bb) * tokens;
                int to = (i * stride + bb) * tokens;
                FloatVector ws = FloatVector.broadcast(GF, weightScale);
                for (int t = 0; t < vectorTokens; t += n) {
                    FloatVector.fromArray(GF, byBlock, from + t).mul(ws).intoArray(d, to + t);
                }
                for (int t = vectorTokens; t < tokens; t++) d[to + t] = weightScale * byBlock[from + t];
            }
        }
    }

    /**
     * Panel rows 0..3 × token {@code t} over {@code depth} blocks: row i's eight lanes are at
     * {@code acc[a + i·accRow …]}, the token's grouped quants from {@code xo}, the scale products
     * in {@code d} ({@link #scaleProducts}).
     */
    private static void kernel(float[] panel, float[] d, int tokens, int depth, float[] xg, int xo, int t,
                               float[] acc, int a, int accRow) {
        int n = GF.length();
        for (int h = 0; h < GROUP_VECTORS; h++) {
            int ah = a + h * n;
            FloatVector c0 = FloatVector.fromArray(GF, acc, ah);
            FloatVector c1 = FloatVector.fromArray(GF, acc, ah + accRow);
            FloatVector c2 = FloatVector.fromArray(GF, acc, ah + 2 * accRow);
            FloatVector c3 = FloatVector.fromArray(GF, acc, ah + 3 * accRow);
            for (int bb = 0; bb < depth; bb++) {
                int xb = xo + 32 * bb + h * 4 * n;
                FloatVector x0 = FloatVector.fromArray(GF, xg, xb);
                FloatVector x1 = FloatVector.fromArray(GF, xg, xb + n);
                FloatVector x2 = FloatVector.fromArray(GF, xg, xb + 2 * n);
                FloatVector x3 = FloatVector.fromArray(GF, xg, xb + 3 * n);
                int wb = 32 * bb + h * 4 * n;
                int db = bb * tokens + t;
                c0 = sums(panel, wb, x0, x1, x2, x3).fma(FloatVector.broadcast(GF, d[db]), c0);
                c1 = sums(panel, wb + 32 * DEPTH, x0, x1, x2, x3).fma(FloatVector.broadcast(GF, d[db + DEPTH * tokens]), c1);
                c2 = sums(panel, wb + 64 * DEPTH, x0, x1, x2, x3)
                        .fma(FloatVector.broadcast(GF, d[db + 2 * DEPTH * tokens]), c2);
                c3 = sums(panel, wb + 96 * DEPTH, x0, x1, x2, x3)
                        .fma(FloatVector.broadcast(GF, d[db + 3 * DEPTH * tokens]), c3);
            }
            c0.intoArray(acc, ah);
            c1.intoArray(acc, ah + accRow);
            c2.intoArray(acc, ah + 2 * accRow);
            c3.intoArray(acc, ah + 3 * accRow);
        }
    }

    /** The exact sums of four products for {@code GF.length()} groups: decoded weights at {@code at} times {@code x0..x3}. */
    private static FloatVector sums(float[] panel, int at, FloatVector x0, FloatVector x1, FloatVector x2, FloatVector x3) {
        int n = GF.length();
        FloatVector s = FloatVector.fromArray(GF, panel, at).mul(x0);
        s = FloatVector.fromArray(GF, panel, at + n).fma(x1, s);
        s = FloatVector.fromArray(GF, panel, at + 2 * n).fma(x2, s);
        return FloatVector.fromArray(GF, panel, at + 3 * n).fma(x3, s);
    }

    /**
     * Rows {@code [row, row + count)}, blocks {@code [b0, b0 + depth)}: quants as floats in grouped
     * lane order at {@code panel[(i·DEPTH + bb)·32 …]}, block scales at {@code scales[i·DEPTH + bb]};
     * rows past {@code count} get zero scales, which leave the accumulators as they are.
     */
    private static void decode(WeightMatrix w, int row, int count, int b0, int depth, float[] panel, float[] scales) {
        MemorySegment data = w.data();
        data.get(MappedFault.MARK, 0); // see MappedFault
        int n = GF.length();
        for (int i = 0; i < PANEL; i++) {
            if (i >= count) {
                Arrays.fill(scales, i * DEPTH, (i + 1) * DEPTH, 0f);
                Arrays.fill(panel, i * DEPTH * 32, (i + 1) * DEPTH * 32, 0f);
                continue;
            }
            long rowBase = (long) (row + i) * w.rowBytes();
            for (int bb = 0; bb < depth; bb++) {
                long block = rowBase + (long) w.type().blockBytes() * (b0 + bb);
                scales[i * DEPTH + bb] = Blocks.f16(data, block);
                int o = (i * DEPTH + bb) * 32;
                if (w.type() == GgmlType.Q4_0) {
                    // Matrices ggml does not interleave (a rare shape): weight 4g + k into group g's lane.
                    for (int e = 0; e < 32; e++) {
                        int packed = Blocks.u8(data, block + 2 + e % 16);
                        int g = e / 4;
                        panel[o + (g / n) * 4 * n + (e % 4) * n + g % n] = (e < 16 ? packed & 0xF : packed >>> 4) - 8;
                    }
                    continue;
                }
                for (int h = 0; h < GROUP_VECTORS; h++) {
                    IntVector q = GROUP_INTS.cast(ByteVector.fromMemorySegment(GB, data, block + 2 + 4L * n * h, LE).reinterpretAsInts());
                    int oh = o + h * 4 * n;
                    for (int k = 0; k < 4; k++) groupQuants(q, k).intoArray(panel, oh + k * n);
                }
            }
        }
    }

    /**
     * Of {@code q}'s lanes, each holding four consecutive quants of a block (a group), the k-th
     * quant as a float: shifting its byte to the top and back sign-extends it.
     */
    static FloatVector groupQuants(IntVector q, int k) {
        IntVector top = GROUP_INTS.cast(k == 3 ? q : GROUP_INTS.cast(q).lanewise(VectorOperators.LSHL, 24 - 8 * k));
        return GROUP_FLOATS.cast(top.lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0));
    }

    /** Per-thread buffers, reused. */
    static final class Scratch {
        private float[] accumulators = new float[0];
        final float[] panel = new float[PANEL * DEPTH * 32];
        final float[] scales = new float[PANEL * DEPTH];

        private float[] byBlock = new float[0];
        private float[] products = new float[0];

        float[] accumulators(int size) {
            if (accumulators.length < size) accumulators = new float[size];
            Arrays.fill(accumulators, 0, size, 0f);
            return accumulators;
        }

        /** The activation scales block-major: {@code [b·tokens + t]}. */
        float[] transposedScales(float[] xs, int tokens, int blocks) {
            if (byBlock.length < tokens * blocks) byBlock = new float[tokens * blocks];
            for (int t = 0; t < tokens; t++) {
                for (int b = 0; b < blocks; b++) byBlock[b * tokens + t] = xs[t * blocks + b];
            }
            return byBlock;
        }

        float[] products(int size) {
            if (products.length < size) products = new float[size];
            return products;
        }
    }
}

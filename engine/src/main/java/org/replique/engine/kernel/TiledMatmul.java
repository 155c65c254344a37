package org.replique.engine.kernel;

import static org.replique.engine.kernel.VectorShapes.F;
import static org.replique.engine.kernel.VectorShapes.L;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import org.replique.engine.tensor.WeightMatrix;

/**
 * F32, F16 or BF16 weights × a batch of activation rows (prompt evaluation), where arithmetic is
 * the limit. (The quantized types have exact tiles of their own.) The
 * weights are decoded to floats one panel at a time ({@value #PANEL} rows × {@value #DEPTH}
 * columns, 32 KiB: in the L1 and L2 caches) and each decoded panel is multiplied with every token
 * of the batch, so each weight block is read and decoded once per batch instead of once per
 * token. The inner kernel keeps a {@value #PANEL} × {@value #TOKENS} tile of accumulators in
 * registers, with lanes along the columns; the partial sums of each (row, token) stay in lane
 * form across column passes and are reduced once at the end.
 */
final class TiledMatmul {
    /** Weight rows decoded and multiplied together. */
    static final int PANEL = 4;
    /** Tokens per inner kernel. */
    static final int TOKENS = 4;
    /**
     * Columns per pass: a panel is {@code PANEL × DEPTH} floats (32 KiB). A multiple of 32. Long
     * passes pay off (measured on Mistral-7B shapes: 2048 prompt-processes 10 % faster than 512):
     * each pass starts by reading weights from memory, and ends by storing its accumulators.
     */
    static final int DEPTH = 2048;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The activations as floats, each row padded to {@link #activationStride} floats. */
    static final PreparedInput.View<float[]> PADDED =
            (x, previous) -> paddedFloats(x, activationStride(x.cols()), previous);

    static final MatmulKernel KERNEL = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            TiledMatmul.multiply(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(PADDED);
        }
    };

    private TiledMatmul() {}

    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        int tokens = x.rows();
        int rows = w.rows();
        int cols = w.cols();
        int xStride = activationStride(cols);
        float[] xf = x.view(PADDED);
        int panels = (rowEnd - rowStart + PANEL - 1) / PANEL;
        int accRow = tokens * L;
        Scratch s = SCRATCH.get();
        float[] acc = s.accumulators(panels * PANEL * accRow);
        float[] panel = s.panel();

        for (int c0 = 0; c0 < cols; c0 += DEPTH) {
            int length = Math.min(DEPTH, cols - c0);
            int depth = VectorShapes.roundUp(length);
            int panelStride = depth + L;
            for (int p = 0; p < panels; p++) {
                int r0 = rowStart + p * PANEL;
                PanelDecoder.decode(w, r0, Math.min(PANEL, rowEnd - r0), PANEL, c0, length, panel, panelStride);
                int a = p * PANEL * accRow;
                int t = 0;
                for (; t + TOKENS <= tokens; t += TOKENS) {
                    kernel4x4(panel, depth, panelStride, xf, t * xStride + c0, xStride, acc, a + t * L, accRow);
                }
                for (; t < tokens; t++) {
                    kernel4x1(panel, depth, panelStride, xf, t * xStride + c0, acc, a + t * L, accRow);
                }
            }
        }

        for (int r = rowStart; r < rowEnd; r++) {
            int a = (r - rowStart) * accRow;
            for (int t = 0; t < tokens; t++) {
                out[t * rows + r] = VectorShapes.sum(acc, a + t * L);
            }
        }
    }

    /**
     * The values of F32/F16/BF16 activations, each row padded with zeros to {@code stride ≥ cols}
     * floats; {@code previous} is refilled when it is large enough.
     */
    static float[] paddedFloats(PreparedInput x, int stride, float[] previous) {
        int rows = x.rows();
        int cols = x.cols();
        if (stride < cols) throw new IllegalArgumentException("stride " + stride + " < " + cols + " columns");
        if (x.values == null || x.format() == PreparedInput.Format.Q8_0 || x.format() == PreparedInput.Format.Q8_K) {
            throw new IllegalArgumentException(x.format() + " activations have no float values");
        }
        if (stride == cols) return x.values;
        float[] padded = previous == null || previous == x.values || previous.length < rows * stride
                ? new float[rows * stride] : previous;
        for (int t = 0; t < rows; t++) {
            System.arraycopy(x.values, t * cols, padded, t * stride, cols);
            Arrays.fill(padded, t * stride + cols, t * stride + stride, 0f);
        }
        return padded;
    }

    /**
     * Floats per activation row as the kernel reads them. Rows a multiple of 4 KiB apart fall into
     * the same L1 sets: a vector of padding keeps the four token rows and the four panel rows that
     * the inner kernel reads from evicting each other.
     */
    static int activationStride(int cols) {
        return VectorShapes.roundUp(cols) + L;
    }

    /** Panel rows 0..3 × tokens at {@code x0 + j·xStride}, j = 0..3, over {@code depth} columns. */
    private static void kernel4x4(float[] w, int depth, int wStride, float[] x, int x0, int xStride, float[] acc, int a,
                                  int accRow) {
        int x1 = x0 + xStride;
        int x2 = x1 + xStride;
        int x3 = x2 + xStride;
        int a1 = a + accRow;
        int a2 = a1 + accRow;
        int a3 = a2 + accRow;
        FloatVector c00 = FloatVector.fromArray(F, acc, a);
        FloatVector c01 = FloatVector.fromArray(F, acc, a + L);
        FloatVector c02 = FloatVector.fromArray(F, acc, a + 2 * L);
        FloatVector c03 = FloatVector.fromArray(F, acc, a + 3 * L);
        FloatVector c10 = FloatVector.fromArray(F, acc, a1);
        FloatVector c11 = FloatVector.fromArray(F, acc, a1 + L);
        FloatVector c12 = FloatVector.fromArray(F, acc, a1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(F, acc, a1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(F, acc, a2);
        FloatVector c21 = FloatVector.fromArray(F, acc, a2 + L);
        FloatVector c22 = FloatVector.fromArray(F, acc, a2 + 2 * L);
        FloatVector c23 = FloatVector.fromArray(F, acc, a2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(F, acc, a3);
        FloatVector c31 = FloatVector.fromArray(F, acc, a3 + L);
        FloatVector c32 = FloatVector.fromArray(F, acc, a3 + 2 * L);
        FloatVector c33 = FloatVector.fromArray(F, acc, a3 + 3 * L);
        int w1 = wStride;
        int w2 = 2 * wStride;
        int w3 = 3 * wStride;
        for (int k = 0; k < depth; k += L) {
            FloatVector w0v = FloatVector.fromArray(F, w, k);
            FloatVector w1v = FloatVector.fromArray(F, w, w1 + k);
            FloatVector w2v = FloatVector.fromArray(F, w, w2 + k);
            FloatVector w3v = FloatVector.fromArray(F, w, w3 + k);
            FloatVector xv = FloatVector.fromArray(F, x, x0 + k);
            c00 = w0v.fma(xv, c00);
            c10 = w1v.fma(xv, c10);
            c20 = w2v.fma(xv, c20);
            c30 = w3v.fma(xv, c30);
            xv = FloatVector.fromArray(F, x, x1 + k);
            c01 = w0v.fma(xv, c01);
            c11 = w1v.fma(xv, c11);
            c21 = w2v.fma(xv, c21);
            c31 = w3v.fma(xv, c31);
            xv = FloatVector.fromArray(F, x, x2 + k);
            c02 = w0v.fma(xv, c02);
            c12 = w1v.fma(xv, c12);
            c22 = w2v.fma(xv, c22);
            c32 = w3v.fma(xv, c32);
            xv = FloatVector.fromArray(F, x, x3 + k);
            c03 = w0v.fma(xv, c03);
            c13 = w1v.fma(xv, c13);
            c23 = w2v.fma(xv, c23);
            c33 = w3v.fma(xv, c33);
        }
        c00.intoArray(acc, a);
        c01.intoArray(acc, a + L);
        c02.intoArray(acc, a + 2 * L);
        c03.intoArray(acc, a + 3 * L);
        c10.intoArray(acc, a1);
        c11.intoArray(acc, a1 + L);
        c12.intoArray(acc, a1 + 2 * L);
        c13.intoArray(acc, a1 + 3 * L);
        c20.intoArray(acc, a2);
        c21.intoArray(acc, a2 + L);
        c22.intoArray(acc, a2 + 2 * L);
        c23.intoArray(acc, a2 + 3 * L);
        c30.intoArray(acc, a3);
        c31.intoArray(acc, a3 + L);
        c32.intoArray(acc, a3 + 2 * L);
        c33.intoArray(acc, a3 + 3 * L);
    }

    /** Panel rows 0..3 × the one token at {@code x0}: the tokens left over after groups of four. */
    private static void kernel4x1(float[] w, int depth, int wStride, float[] x, int x0, float[] acc, int a, int accRow) {
        FloatVector c0 = FloatVector.fromArray(F, acc, a);
        FloatVector c1 = FloatVector.fromArray(F, acc, a + accRow);
        FloatVector c2 = FloatVector.fromArray(F, acc, a + 2 * accRow);
        FloatVector c3 = FloatVector.fromArray(F, acc, a + 3 * accRow);
        for (int k = 0; k < depth; k += L) {
            FloatVector xv = FloatVector.fromArray(F, x, x0 + k);
            c0 = FloatVector.fromArray(F, w, k).fma(xv, c0);
            c1 = FloatVector.fromArray(F, w, wStride + k).fma(xv, c1);
            c2 = FloatVector.fromArray(F, w, 2 * wStride + k).fma(xv, c2);
            c3 = FloatVector.fromArray(F, w, 3 * wStride + k).fma(xv, c3);
        }
        c0.intoArray(acc, a);
        c1.intoArray(acc, a + accRow);
        c2.intoArray(acc, a + 2 * accRow);
        c3.intoArray(acc, a + 3 * accRow);
    }

    /** Per-thread buffers, grown on demand and reused: the pool's threads live as long as the backend. */
    private static final class Scratch {
        private float[] accumulators = new float[0];
        private final float[] panel = new float[PANEL * (DEPTH + VectorShapes.L)];

        float[] accumulators(int size) {
            if (accumulators.length < size) accumulators = new float[size];
            Arrays.fill(accumulators, 0, size, 0f);
            return accumulators;
        }

        float[] panel() {
            return panel;
        }
    }
}

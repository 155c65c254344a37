package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.FLOATS;
import static org.replique.engine.kernel.ExactVectors.INTS;
import static org.replique.engine.kernel.VectorShapes.B;
import static org.replique.engine.kernel.VectorShapes.F;
import static org.replique.engine.kernel.VectorShapes.GB;
import static org.replique.engine.kernel.VectorShapes.GF;
import static org.replique.engine.kernel.VectorShapes.GROUP_VECTORS;
import static org.replique.engine.kernel.VectorShapes.I;
import static org.replique.engine.kernel.VectorShapes.L;
import static org.replique.engine.kernel.VectorShapes.LE;
import static org.replique.engine.kernel.VectorShapes.PARTS;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Q8_0 and Q4_0 weights times a few Q8-quantized activation rows, read straight from the
 * mapping: the decode path, where every weight is read once per token.
 *
 * <p>Both reproduce ggml's x86 arithmetic to the bit: Q8_0 ({@link #dotQ8_0}) its eight lanes,
 * Q4_0 ({@link #dotQ4_0}) the one accumulator per row of the interleaved kernel that ggml uses
 * for matrices of whole groups of eight rows ({@link GgmlX86}); other Q4_0 matrices go through
 * {@link TiledQ8Matmul}, whose lanes are ggml's {@code vec_dot}'s. Within a Q4_0 block, where
 * arithmetic rather than memory is the limit, the integer sum is taken with fewer instructions
 * than ggml's own would need in the Vector API: the nibbles are widened and converted unsigned,
 * and the {@code −8} offset is folded into the lanes' starting values ({@link #Q4_0_ACTIVATIONS});
 * the sum is an exact integer either way, so the result is the same to the bit.
 *
 * <p>Rows are taken two at a time from the two halves of the range, in one loop: two independent
 * streams through memory whose cache misses overlap (a single stream leaves the core waiting at
 * every page boundary, where the hardware prefetcher stops). A row's arithmetic does not depend
 * on its partner, so results do not depend on how rows are split between threads.
 */
final class QuantizedMatVec {
    /**
     * Q8_0 activations: the quants as floats, reordered within each block of 32 for kernels that
     * keep ggml's eight lanes of four neighbouring products in vectors of {@code GF.length()}
     * (8 or 4) lanes: quant {@code 4g + k} (group g, k = 0..3) goes to
     * {@code (g / lanes)·4·lanes + k·lanes + g % lanes}, so that one vector load gives the k-th
     * quant of {@code lanes} consecutive groups.
     */
    static final PreparedInput.View<float[]> GROUPED = (x, previous) -> groupedQuants(x, GF.length(), previous);

    /**
     * Q8 activations' quants (Q8_0 or Q8_K) as shorts, row after row, each 32 columns as the
     * sixteen at even positions then the sixteen at odd ones: the operands of kernels that
     * multiply a block's even and odd quants in 16-bit lanes ({@link Int16Q8MatVec},
     * {@link Q6_KMatVec}).
     */
    static final PreparedInput.View<short[]> EVEN_ODD = (x, previous) -> {
        int n = x.rows() * x.cols();
        short[] split = previous != null && previous.length >= n ? previous : new short[n];
        byte[] quants = x.quants;
        for (int block = 0; block < n; block += 32) {
            for (int k = 0; k < 16; k++) {
                split[block + k] = quants[block + 2 * k];
                split[block + 16 + k] = quants[block + 2 * k + 1];
            }
        }
        return split;
    };

    /** Q8_0 activations' quants as floats, row after row. */
    static final PreparedInput.View<float[]> QUANTS = (x, previous) -> {
        int n = x.rows() * x.cols();
        float[] q = previous != null && previous.length >= n ? previous : new float[n];
        for (int i = 0; i < n; i++) q[i] = x.quants[i];
        return q;
    };

    /**
     * Q8_0 activations for the Q4_0 kernel: the quants as floats (integers, row after row) and,
     * for each block of 32, the {@code L} lanes' starting values: lane {@code l} starts at
     * {@code −8 · Σ q_x[j]} over the weights {@code j ≡ l (mod L)} that it multiplies, so that
     * unsigned nibbles {@code q_w} give the lanes {@code Σ (q_w − 8)·q_x}.
     */
    static final PreparedInput.View<Q4Activations> Q4_0_ACTIVATIONS = QuantizedMatVec::q4Activations;

    /** See {@link #Q4_0_ACTIVATIONS}. */
    record Q4Activations(float[] quants, float[] offsets) {}

    static final MatmulKernel Q8_0 = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            multiplyQ8_0(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(GROUPED);
        }
    };

    /** Q4_0 rows that ggml interleaves ({@link GgmlX86#interleaved}), any number of tokens. */
    static final MatmulKernel INTERLEAVED_Q4_0 = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            multiplyQ4_0(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(Q4_0_ACTIVATIONS);
        }
    };

    private QuantizedMatVec() {}

    /** {@link #GROUPED}'s arrangement for {@code lanes} lanes. */
    static float[] groupedQuants(PreparedInput x, int lanes, float[] previous) {
        int n = x.rows() * x.cols();
        float[] grouped = previous != null && previous.length >= n ? previous : new float[n];
        byte[] quants = x.quants;
        for (int block = 0; block < n; block += 32) {
            for (int g = 0; g < 8; g++) {
                for (int k = 0; k < 4; k++) {
                    grouped[block + (g / lanes) * 4 * lanes + k * lanes + g % lanes] = quants[block + 4 * g + k];
                }
            }
        }
        return grouped;
    }

    /** Rows {@code [rowStart, rowEnd)} of {@code w} (Q8_0) times every row of {@code x}. */
    private static void multiplyQ8_0(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        MemorySegment data = w.data();
        long rowBytes = w.rowBytes();
        int rows = w.rows();
        int cols = w.cols();
        int blocks = cols / 32;
        float[] xq = x.view(GROUPED);
        float[] xs = x.scales;
        // Tokens in the inner loop: a second token finds the two rows in the L1 cache.
        int half = (rowEnd - rowStart) / 2;
        for (int i = 0; i < half; i++) {
            int r = rowStart + i;
            for (int t = 0; t < x.rows(); t++) {
                dotQ8_0x2(data, r * rowBytes, (r + half) * rowBytes, blocks, xq, t * cols, xs, t * blocks, out,
                        t * rows + r, t * rows + r + half);
            }
        }
        for (int r = rowStart + 2 * half; r < rowEnd; r++) {
            for (int t = 0; t < x.rows(); t++) {
                out[t * rows + r] = dotQ8_0(data, r * rowBytes, blocks, xq, t * cols, xs, t * blocks);
            }
        }
    }

    /**
     * Rows {@code [rowStart, rowEnd)} of {@code w} (Q4_0, interleaved by ggml) times every row of
     * {@code x}, with ggml's interleaved arithmetic: per row one accumulator, adding each block's
     * exact integer sum times {@code d_w·d_x} with a fused multiply-add.
     */
    private static void multiplyQ4_0(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        MemorySegment data = w.data();
        long rowBytes = w.rowBytes();
        int rows = w.rows();
        int cols = w.cols();
        int blocks = cols / 32;
        Q4Activations xa = x.view(Q4_0_ACTIVATIONS);
        float[] xs = x.scales;
        float[] lanes = new float[L];
        int half = (rowEnd - rowStart) / 2;
        for (int i = 0; i < half; i++) {
            int r = rowStart + i;
            for (int t = 0; t < x.rows(); t++) {
                dotQ4_0x2(data, r * rowBytes, (r + half) * rowBytes, blocks, xa, xs, t * blocks, lanes, out,
                        t * rows + r, t * rows + r + half);
            }
        }
        for (int r = rowStart + 2 * half; r < rowEnd; r++) {
            for (int t = 0; t < x.rows(); t++) {
                out[t * rows + r] = dotQ4_0(data, r * rowBytes, blocks, xa, xs, t * blocks, lanes);
            }
        }
    }

    static Q4Activations q4Activations(PreparedInput x, Q4Activations previous) {
        int n = x.rows() * x.cols();
        int blocks = n / 32;
        boolean reuse = previous != null && previous.quants.length >= n && previous.offsets.length >= blocks * L;
        Q4Activations a = reuse ? previous : new Q4Activations(new float[n], new float[blocks * L]);
        byte[] q = x.quants;
        java.util.Arrays.fill(a.offsets, 0, blocks * L, 0f);
        for (int b = 0; b < blocks; b++) {
            for (int j = 0; j < 32; j++) {
                byte v = q[32 * b + j];
                a.quants[32 * b + j] = v;
                // 16 is a multiple of every lane count, so weights j and j + 16 share lane j % L.
                a.offsets[b * L + j % L] -= 8 * v;
            }
        }
        return a;
    }

    /**
     * One Q8_0 row ({@code f16 d | int8 q[32]} blocks from {@code base}) times one activation row
     * ({@code xg}: the quants as {@link #GROUPED grouped} floats), with ggml's
     * x86 arithmetic: eight lanes each hold the exact sum of four neighbouring products of a
     * block, accumulate {@code d_w·d_x} times it with a fused multiply-add, and are summed at the
     * end in ggml's order. The result is the reference's to the bit, whatever the vector width.
     */
    static float dotQ8_0(MemorySegment w, long base, int blocks, float[] xg, int xo, float[] xs, int so) {
        FloatVector low = FloatVector.zero(GF);
        FloatVector high = FloatVector.zero(GF);
        for (int b = 0; b < blocks; b++) {
            long block = base + 34L * b;
            int xb = xo + 32 * b;
            FloatVector d = FloatVector.broadcast(GF, Blocks.f16(w, block) * xs[so + b]);
            low = groupSums(w, block + 2, xg, xb).fma(d, low);
            if (GROUP_VECTORS == 2) {
                high = groupSums(w, block + 2 + 16, xg, xb + 16).fma(d, high);
            }
        }
        float[] lanes = new float[8];
        low.intoArray(lanes, 0);
        if (GROUP_VECTORS == 2) high.intoArray(lanes, 4);
        return ScalarKernels.sumOf8(lanes);
    }

    /** {@link #dotQ8_0} of two rows at once, into {@code out[o1]} and {@code out[o2]}. */
    static void dotQ8_0x2(MemorySegment w, long base1, long base2, int blocks, float[] xg, int xo, float[] xs, int so,
                          float[] out, int o1, int o2) {
        FloatVector low1 = FloatVector.zero(GF);
        FloatVector high1 = FloatVector.zero(GF);
        FloatVector low2 = FloatVector.zero(GF);
        FloatVector high2 = FloatVector.zero(GF);
        for (int b = 0; b < blocks; b++) {
            long block1 = base1 + 34L * b;
            long block2 = base2 + 34L * b;
            int xb = xo + 32 * b;
            float dx = xs[so + b];
            FloatVector d1 = FloatVector.broadcast(GF, Blocks.f16(w, block1) * dx);
            FloatVector d2 = FloatVector.broadcast(GF, Blocks.f16(w, block2) * dx);
            low1 = groupSums(w, block1 + 2, xg, xb).fma(d1, low1);
            low2 = groupSums(w, block2 + 2, xg, xb).fma(d2, low2);
            if (GROUP_VECTORS == 2) {
                high1 = groupSums(w, block1 + 2 + 16, xg, xb + 16).fma(d1, high1);
                high2 = groupSums(w, block2 + 2 + 16, xg, xb + 16).fma(d2, high2);
            }
        }
        float[] lanes = new float[8];
        low1.intoArray(lanes, 0);
        if (GROUP_VECTORS == 2) high1.intoArray(lanes, 4);
        out[o1] = ScalarKernels.sumOf8(lanes);
        low2.intoArray(lanes, 0);
        if (GROUP_VECTORS == 2) high2.intoArray(lanes, 4);
        out[o2] = ScalarKernels.sumOf8(lanes);
    }

    /**
     * For {@code GF.length()} consecutive groups of four quants from {@code at}: the sums
     * {@code Σ_k q_w[4g+k]·q_x[4g+k]}. Each int lane holds a group's four weight bytes; shifting
     * each byte to the top and back sign-extends it.
     */
    private static FloatVector groupSums(MemorySegment w, long at, float[] xg, int xo) {
        w.get(MappedFault.MARK, at); // see MappedFault
        IntVector q = ByteVector.fromMemorySegment(GB, w, at, LE).reinterpretAsInts();
        int n = GF.length();
        FloatVector w0 = (FloatVector) q.lanewise(VectorOperators.LSHL, 24).lanewise(VectorOperators.ASHR, 24)
                .convert(VectorOperators.I2F, 0);
        FloatVector w1 = (FloatVector) q.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 24)
                .convert(VectorOperators.I2F, 0);
        FloatVector w2 = (FloatVector) q.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 24)
                .convert(VectorOperators.I2F, 0);
        FloatVector w3 = (FloatVector) q.lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0);
        FloatVector s = w0.mul(FloatVector.fromArray(GF, xg, xo));
        s = w1.fma(FloatVector.fromArray(GF, xg, xo + n), s);
        s = w2.fma(FloatVector.fromArray(GF, xg, xo + 2 * n), s);
        return w3.fma(FloatVector.fromArray(GF, xg, xo + 3 * n), s);
    }

    /**
     * One Q4_0 row ({@code f16 d | u8 qs[16]} blocks from {@code base}: low nibbles are weights
     * 0..15, high nibbles 16..31, both offset by 8) times activation row blocks from {@code so}:
     * each block's integer sum {@code Σ (q_w − 8)·q_x} (exact in float: at most 32·8·127) times
     * {@code d_w·d_x}, added to one accumulator with a fused multiply-add, as ggml's interleaved
     * kernel does.
     */
    static float dotQ4_0(MemorySegment w, long base, int blocks, Q4Activations x, float[] xs, int so, float[] lanes) {
        float acc = 0;
        for (int b = 0; b < blocks; b++) {
            long block = base + 18L * b;
            float sum = blockQ4_0(w, block, x, so + b, lanes);
            acc = Math.fma(sum, Blocks.f16(w, block) * xs[so + b], acc);
        }
        return acc;
    }

    /** {@link #dotQ4_0} of two rows at once, into {@code out[o1]} and {@code out[o2]}. */
    static void dotQ4_0x2(MemorySegment w, long base1, long base2, int blocks, Q4Activations x, float[] xs, int so,
                          float[] lanes, float[] out, int o1, int o2) {
        float acc1 = 0;
        float acc2 = 0;
        for (int b = 0; b < blocks; b++) {
            long block1 = base1 + 18L * b;
            long block2 = base2 + 18L * b;
            float dx = xs[so + b];
            float sum1 = blockQ4_0(w, block1, x, so + b, lanes);
            float sum2 = blockQ4_0(w, block2, x, so + b, lanes);
            acc1 = Math.fma(sum1, Blocks.f16(w, block1) * dx, acc1);
            acc2 = Math.fma(sum2, Blocks.f16(w, block2) * dx, acc2);
        }
        out[o1] = acc1;
        out[o2] = acc2;
    }

    /**
     * {@code Σ (q_w − 8)·q_x} of one Q4_0 block against activation block {@code xb}, in lanes that
     * hold exact integers: the unsigned nibbles times the quants, from the lanes' offsets; the
     * lanes summed through {@code lanes} ({@link VectorShapes#sum}).
     */
    private static float blockQ4_0(MemorySegment w, long block, Q4Activations x, int xb, float[] lanes) {
        w.get(MappedFault.MARK, block); // see MappedFault
        float[] quants = x.quants;
        int q0 = 32 * xb;
        FloatVector sum = FloatVector.fromArray(F, x.offsets, xb * L);
        for (int h = 0; h < 16; h += B.length()) {
            ByteVector packed = ByteVector.fromMemorySegment(B, w, block + 2 + h, LE);
            for (int p = 0; p < PARTS; p++) {
                IntVector q = INTS.cast(packed.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, p));
                sum = FLOATS.cast(q.and(0xf).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(F, quants, q0 + h + p * L), FLOATS.cast(sum));
                sum = FLOATS.cast(q.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(F, quants, q0 + 16 + h + p * L), sum);
            }
        }
        FLOATS.cast(sum).intoArray(lanes, 0);
        return VectorShapes.sum(lanes, 0);
    }
}

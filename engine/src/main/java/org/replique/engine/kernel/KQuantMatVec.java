package org.replique.engine.kernel;

import static org.replique.engine.kernel.VectorShapes.GF;
import static org.replique.engine.kernel.VectorShapes.GI;
import static org.replique.engine.kernel.VectorShapes.GROUP_VECTORS;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * K-quant weights (Q4_K, Q5_K, Q6_K) times one to three Q8_K activation rows, decoded straight
 * from the mapping as they are multiplied: the decode path, where each weight is read once per
 * token. The arithmetic is {@link ScalarKQuants}'s to the bit, as in {@link TiledKQuantMatmul}:
 * the products of each 32 weights are summed in the lanes of the activations'
 * {@link QuantizedMatVec#GROUPED grouped} form (lane k: the weights at 4k..4k+3), times the
 * sub-block scale, over a block of 256 (integers below 2^24, exact in float); then ggml's float
 * arithmetic per block, for the interleaved Q4_K kernel from the lanes' integer total.
 *
 * <p>The 6-bit scales and mins of Q4_K and Q5_K are unpacked four at a time from the 12 packed
 * bytes read as three little-endian ints, as ggml does.
 */
final class KQuantMatVec {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The sums of the activation quants of each 32 (two of Q8_K's sums of 16), row after row. */
    static final PreparedInput.View<int[]> SUB_BLOCK_SUMS = (x, previous) -> {
        int n = x.rows() * x.cols() / 32;
        int[] sums = previous != null && previous.length >= n ? previous : new int[n];
        for (int j = 0; j < n; j++) sums[j] = x.sums[2 * j] + x.sums[2 * j + 1];
        return sums;
    };

    static final MatmulKernel KERNEL = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            KQuantMatVec.multiply(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(QuantizedMatVec.GROUPED);
            x.view(SUB_BLOCK_SUMS);
        }
    };

    private KQuantMatVec() {}

    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        MemorySegment data = w.data();
        GgmlType type = w.type();
        boolean interleaved = GgmlX86.interleaved(w);
        long rowBytes = w.rowBytes();
        int rows = w.rows();
        int cols = w.cols();
        int blocks = cols / 256;
        float[] xg = x.view(QuantizedMatVec.GROUPED);
        int[] subSums = x.view(SUB_BLOCK_SUMS);
        float[] scratch = new float[8];
        float[] lanes = new float[8];
        float[] minLanes = new float[4];
        float[] scales = new float[16];
        int[] offsets = new int[8];
        if (interleaved) {
            // Two rows at once from the two halves of the range: two streams through memory.
            int half = (rowEnd - rowStart) / 2;
            for (int i = 0; i < half; i++) {
                int r = rowStart + i;
                for (int t = 0; t < x.rows(); t++) {
                    interleavedQ4_Kx2(data, r * rowBytes, (r + half) * rowBytes, blocks, xg, t * blocks, x.scales, subSums,
                            scratch, out, t * rows + r, t * rows + r + half);
                }
            }
            rowStart += 2 * half;
        }
        for (int r = rowStart; r < rowEnd; r++) {
            long base = r * rowBytes;
            for (int t = 0; t < x.rows(); t++) {
                int xb = t * blocks;
                float dot;
                if (type == GgmlType.Q6_K) {
                    dot = q6_K(data, base, blocks, xg, xb, x.scales, x.sums, lanes, scales, offsets);
                } else if (interleaved) {
                    dot = interleavedQ4_K(data, base, blocks, xg, xb, x.scales, subSums, scratch);
                } else {
                    dot = q45_K(data, base, blocks, type == GgmlType.Q5_K, xg, xb, x.scales, subSums, scratch, lanes,
                            minLanes);
                }
                out[t * rows + r] = dot;
            }
        }
    }

    /** ggml's interleaved Q4_K product ({@code gemv_q4_K_8x8_q8_K}) of one row and one token. */
    static float interleavedQ4_K(MemorySegment w, long base, int blocks, float[] xg, int xb, float[] xs, int[] subSums,
                                 float[] scratch) {
        float acc = 0;
        float accMin = 0;
        for (int b = 0; b < blocks; b++) {
            long block = base + 144L * b;
            int u0 = w.get(INT, block + 4);
            int u1 = w.get(INT, block + 8);
            int u2 = w.get(INT, block + 12);
            int scLow = u0 & 0x3f3f3f3f;
            int scHigh = (u2 & 0x0f0f0f0f) | (((u0 >>> 6) & 0x03030303) << 4);
            int mLow = u1 & 0x3f3f3f3f;
            int mHigh = ((u2 >>> 4) & 0x0f0f0f0f) | (((u1 >>> 6) & 0x03030303) << 4);
            int xo = 256 * (xb + b);
            float sum = q4Total(w, block + 16, xg, xo, 0, scLow, scHigh, scratch);
            if (GROUP_VECTORS == 2) sum += q4Total(w, block + 16, xg, xo, 1, scLow, scHigh, scratch);
            int mins = minSum(mLow, mHigh, subSums, 8 * (xb + b));
            float dx = xs[xb + b];
            acc = Math.fma(sum, Blocks.f16(w, block) * dx, acc);
            accMin = Math.fma((float) mins, Blocks.f16(w, block + 2) * dx, accMin);
        }
        return acc - accMin;
    }

    /** {@link #interleavedQ4_K} of two rows, into {@code out[o1]} and {@code out[o2]}. */
    static void interleavedQ4_Kx2(MemorySegment w, long base1, long base2, int blocks, float[] xg, int xb, float[] xs,
                                  int[] subSums, float[] scratch, float[] out, int o1, int o2) {
        float acc1 = 0;
        float accMin1 = 0;
        float acc2 = 0;
        float accMin2 = 0;
        for (int b = 0; b < blocks; b++) {
            int xo = 256 * (xb + b);
            int s = 8 * (xb + b);
            float dx = xs[xb + b];
            long block = base1 + 144L * b;
            int u0 = w.get(INT, block + 4);
            int u1 = w.get(INT, block + 8);
            int u2 = w.get(INT, block + 12);
            int scLow = u0 & 0x3f3f3f3f;
            int scHigh = (u2 & 0x0f0f0f0f) | (((u0 >>> 6) & 0x03030303) << 4);
            float sum = q4Total(w, block + 16, xg, xo, 0, scLow, scHigh, scratch);
            if (GROUP_VECTORS == 2) sum += q4Total(w, block + 16, xg, xo, 1, scLow, scHigh, scratch);
            int mins = minSum(u1 & 0x3f3f3f3f, ((u2 >>> 4) & 0x0f0f0f0f) | (((u1 >>> 6) & 0x03030303) << 4), subSums, s);
            acc1 = Math.fma(sum, Blocks.f16(w, block) * dx, acc1);
            accMin1 = Math.fma((float) mins, Blocks.f16(w, block + 2) * dx, accMin1);

            block = base2 + 144L * b;
            u0 = w.get(INT, block + 4);
            u1 = w.get(INT, block + 8);
            u2 = w.get(INT, block + 12);
            scLow = u0 & 0x3f3f3f3f;
            scHigh = (u2 & 0x0f0f0f0f) | (((u0 >>> 6) & 0x03030303) << 4);
            sum = q4Total(w, block + 16, xg, xo, 0, scLow, scHigh, scratch);
            if (GROUP_VECTORS == 2) sum += q4Total(w, block + 16, xg, xo, 1, scLow, scHigh, scratch);
            mins = minSum(u1 & 0x3f3f3f3f, ((u2 >>> 4) & 0x0f0f0f0f) | (((u1 >>> 6) & 0x03030303) << 4), subSums, s);
            acc2 = Math.fma(sum, Blocks.f16(w, block) * dx, acc2);
            accMin2 = Math.fma((float) mins, Blocks.f16(w, block + 2) * dx, accMin2);
        }
        out[o1] = acc1 - accMin1;
        out[o2] = acc2 - accMin2;
    }

    /** ggml's {@code vec_dot_q4_K_q8_K} or {@code vec_dot_q5_K_q8_K} (AVX2) of one row and one token. */
    static float q45_K(MemorySegment w, long base, int blocks, boolean five, float[] xg, int xb, float[] xs,
                       int[] subSums, float[] scratch, float[] lanes, float[] minLanes) {
        int bytes = five ? 176 : 144;
        java.util.Arrays.fill(lanes, 0f);
        java.util.Arrays.fill(minLanes, 0f);
        float minSum = 0;
        for (int b = 0; b < blocks; b++) {
            long block = base + (long) bytes * b;
            int u0 = w.get(INT, block + 4);
            int u1 = w.get(INT, block + 8);
            int u2 = w.get(INT, block + 12);
            int scLow = u0 & 0x3f3f3f3f;
            int scHigh = (u2 & 0x0f0f0f0f) | (((u0 >>> 6) & 0x03030303) << 4);
            int mLow = u1 & 0x3f3f3f3f;
            int mHigh = ((u2 >>> 4) & 0x0f0f0f0f) | (((u1 >>> 6) & 0x03030303) << 4);
            int xo = 256 * (xb + b);
            float dx = xs[xb + b];
            float d = dx * Blocks.f16(w, block);
            for (int h = 0; h < GROUP_VECTORS; h++) {
                if (five) {
                    q5Lanes(w, block, xg, xo, h, scLow, scHigh, d, lanes, scratch);
                } else {
                    q4Lanes(w, block + 16, xg, xo, h, scLow, scHigh, d, lanes, scratch);
                }
            }
            float dmin = -dx * Blocks.f16(w, block + 2);
            int s = 8 * (xb + b);
            if (five) {
                minSum = Math.fma(dmin, (float) minSum(mLow, mHigh, subSums, s), minSum);
            } else {
                for (int i = 0; i < 4; i++) {
                    int pair = sixBit(i < 2 ? mLow : mHigh, 2 * i % 4) * subSums[s + 2 * i]
                            + sixBit(i < 2 ? mLow : mHigh, (2 * i + 1) % 4) * subSums[s + 2 * i + 1];
                    minLanes[i] = Math.fma(dmin, (float) pair, minLanes[i]);
                }
            }
        }
        float sum = ScalarKernels.sumOf8(lanes);
        return five ? sum + minSum : sum + ((minLanes[0] + minLanes[2]) + (minLanes[1] + minLanes[3]));
    }

    /** ggml's {@code vec_dot_q6_K_q8_K} (AVX2) of one row and one token. */
    static float q6_K(MemorySegment w, long base, int blocks, float[] xg, int xb, float[] xs, short[] xsums,
                      float[] lanes, float[] scales, int[] offsets) {
        java.util.Arrays.fill(lanes, 0f);
        for (int b = 0; b < blocks; b++) {
            long block = base + 210L * b;
            int xo = 256 * (xb + b);
            int s16 = 16 * (xb + b);
            for (int j = 0; j < 16; j++) scales[j] = w.get(ValueLayout.JAVA_BYTE, block + 192 + j);
            for (int k = 0; k < 8; k++) {
                offsets[k] = 32 * ((int) scales[2 * k] * xsums[s16 + 2 * k] + (int) scales[2 * k + 1] * xsums[s16 + 2 * k + 1]);
            }
            float d = xs[xb + b] * Blocks.f16(w, block + 208);
            for (int h = 0; h < GROUP_VECTORS; h++) q6Lanes(w, block, xg, xo, h, scales, offsets, d, lanes);
        }
        return ScalarKernels.sumOf8(lanes);
    }

    /**
     * Q4_K: for the lanes {@code h·GF.length()…} of every 32 weights of a block whose nibbles start
     * at {@code qs}, {@code Σ_c sc_c · Σ_m q·q8} (exact). One flat loop: vectors handed between
     * methods that the compiler does not inline would be allocated.
     */
    /**
     * The integer total of {@link #sums4}'s lanes, as a float: the lanes (below 2^22) added in
     * halves, whose sums stay below 2^24, so the result is the total correctly rounded, as ggml's
     * conversion of its integer total rounds it.
     */
    private static float q4Total(MemorySegment w, long qs, float[] xg, int xo, int h, int scLow, int scHigh,
                                 float[] t) {
        sums4(w, qs, xg, xo, h, scLow, scHigh, t);
        return VectorShapes.groupSum(t, 0);
    }

    /** {@code lanes[h·n …] = fma(d, sums4, lanes)}: ggml's lanes accumulating one block. */
    private static void q4Lanes(MemorySegment w, long qs, float[] xg, int xo, int h, int scLow, int scHigh, float d,
                                float[] lanes, float[] t) {
        sums4(w, qs, xg, xo, h, scLow, scHigh, t);
        int at = h * GF.length();
        FloatVector.broadcast(GF, d).fma(FloatVector.fromArray(GF, t, 0), FloatVector.fromArray(GF, lanes, at))
                .intoArray(lanes, at);
    }

    private static void q5Lanes(MemorySegment w, long block, float[] xg, int xo, int h, int scLow, int scHigh, float d,
                                float[] lanes, float[] t) {
        sums5(w, block, xg, xo, h, scLow, scHigh, t);
        int at = h * GF.length();
        FloatVector.broadcast(GF, d).fma(FloatVector.fromArray(GF, t, 0), FloatVector.fromArray(GF, lanes, at))
                .intoArray(lanes, at);
    }

    private static void sums4(MemorySegment w, long qs, float[] xg, int xo, int h, int scLow, int scHigh, float[] out) {
        int n = GF.length();
        int lanes = h * 4 * n;
        FloatVector t = FloatVector.zero(GF);
        for (int c2 = 0; c2 < 4; c2++) {
            IntVector q = KQuantPanel.loadGroups(w, qs + 32L * c2, h);
            IntVector lo = q.and(0x0f0f0f0f);
            IntVector hi = q.lanewise(VectorOperators.LSHR, 4).and(0x0f0f0f0f);
            int x0 = xo + 64 * c2 + lanes;
            int x1 = x0 + 32;
            FloatVector low = ((FloatVector) lo.and(0xff).convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(GF, xg, x0));
            low = ((FloatVector) lo.lanewise(VectorOperators.LSHR, 8).and(0xff).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x0 + n), low);
            low = ((FloatVector) lo.lanewise(VectorOperators.LSHR, 16).and(0xff).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x0 + 2 * n), low);
            low = ((FloatVector) lo.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x0 + 3 * n), low);
            FloatVector high = ((FloatVector) hi.and(0xff).convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(GF, xg, x1));
            high = ((FloatVector) hi.lanewise(VectorOperators.LSHR, 8).and(0xff).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x1 + n), high);
            high = ((FloatVector) hi.lanewise(VectorOperators.LSHR, 16).and(0xff).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x1 + 2 * n), high);
            high = ((FloatVector) hi.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x1 + 3 * n), high);
            int sc = c2 < 2 ? scLow : scHigh;
            t = low.fma(FloatVector.broadcast(GF, (sc >>> (16 * (c2 % 2))) & 0xff), t);
            t = high.fma(FloatVector.broadcast(GF, (sc >>> (16 * (c2 % 2) + 8)) & 0xff), t);
        }
        t.intoArray(out, 0);
    }

    /** Q5_K: as {@link #sums4} with each quant's fifth bit from {@code qh}. */
    private static void sums5(MemorySegment w, long block, float[] xg, int xo, int h, int scLow, int scHigh, float[] out) {
        int n = GF.length();
        int lanes = h * 4 * n;
        IntVector qh = KQuantPanel.loadGroups(w, block + 16, h);
        FloatVector t = FloatVector.zero(GF);
        for (int c2 = 0; c2 < 4; c2++) {
            IntVector q = KQuantPanel.loadGroups(w, block + 48 + 32L * c2, h);
            IntVector lo = q.and(0x0f0f0f0f).or(qh.lanewise(VectorOperators.LSHR, 2 * c2).and(0x01010101).lanewise(VectorOperators.LSHL, 4));
            IntVector hi = q.lanewise(VectorOperators.LSHR, 4).and(0x0f0f0f0f)
                    .or(qh.lanewise(VectorOperators.LSHR, 2 * c2 + 1).and(0x01010101).lanewise(VectorOperators.LSHL, 4));
            int x0 = xo + 64 * c2 + lanes;
            int x1 = x0 + 32;
            FloatVector low = ((FloatVector) lo.and(0xff).convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(GF, xg, x0));
            low = ((FloatVector) lo.lanewise(VectorOperators.LSHR, 8).and(0xff).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x0 + n), low);
            low = ((FloatVector) lo.lanewise(VectorOperators.LSHR, 16).and(0xff).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x0 + 2 * n), low);
            low = ((FloatVector) lo.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x0 + 3 * n), low);
            FloatVector high = ((FloatVector) hi.and(0xff).convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(GF, xg, x1));
            high = ((FloatVector) hi.lanewise(VectorOperators.LSHR, 8).and(0xff).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x1 + n), high);
            high = ((FloatVector) hi.lanewise(VectorOperators.LSHR, 16).and(0xff).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x1 + 2 * n), high);
            high = ((FloatVector) hi.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(GF, xg, x1 + 3 * n), high);
            int sc = c2 < 2 ? scLow : scHigh;
            t = low.fma(FloatVector.broadcast(GF, (sc >>> (16 * (c2 % 2))) & 0xff), t);
            t = high.fma(FloatVector.broadcast(GF, (sc >>> (16 * (c2 % 2) + 8)) & 0xff), t);
        }
        t.intoArray(out, 0);
    }

    /**
     * Q6_K: ggml's integer lanes {@code Σ sc·q·q8 − 32·(sc·bsum of the lane's two sub-blocks)} as
     * floats (exact: the two halves of the block are summed apart, below 2^24 each, and added in int).
     */
    private static void q6Lanes(MemorySegment w, long block, float[] xg, int xo, int h, float[] scales, int[] offsets,
                                float d, float[] lanes) {
        int n = GF.length();
        int groups = h * 4 * n;
        IntVector total = IntVector.zero(GI);
        for (int half = 0; half < 2; half++) {
            IntVector ql0 = KQuantPanel.loadGroups(w, block + 64L * half, h);
            IntVector ql1 = KQuantPanel.loadGroups(w, block + 64L * half + 32, h);
            IntVector qh = KQuantPanel.loadGroups(w, block + 128 + 32L * half, h);
            FloatVector t = FloatVector.zero(GF);
            for (int r = 0; r < 4; r++) {
                int c = 4 * half + r;
                IntVector ql = r % 2 == 0 ? ql0 : ql1;
                // Four quants per lane, one per byte: the low nibbles (or the high ones) and two high bits.
                IntVector nibbles = r < 2 ? ql.and(0x0f0f0f0f) : ql.lanewise(VectorOperators.LSHR, 4).and(0x0f0f0f0f);
                IntVector v = nibbles.or(qh.lanewise(VectorOperators.LSHR, 2 * r).and(0x03030303).lanewise(VectorOperators.LSHL, 4));
                int x0 = xo + 32 * c + groups;
                FloatVector s = ((FloatVector) v.and(0xff).convert(VectorOperators.I2F, 0))
                        .mul(FloatVector.fromArray(GF, xg, x0));
                s = ((FloatVector) v.lanewise(VectorOperators.LSHR, 8).and(0xff).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(GF, xg, x0 + n), s);
                s = ((FloatVector) v.lanewise(VectorOperators.LSHR, 16).and(0xff).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(GF, xg, x0 + 2 * n), s);
                s = ((FloatVector) v.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(GF, xg, x0 + 3 * n), s);
                t = s.fma(q6Scale(scales, c, h), t);
            }
            total = total.add((IntVector) t.convert(VectorOperators.F2I, 0));
        }
        IntVector offset = n == 8 ? IntVector.fromArray(GI, offsets, 0) : IntVector.fromArray(GI, offsets, 4 * h);
        FloatVector.broadcast(GF, d).fma(KQuantPanel.toFloat(total.sub(offset)), FloatVector.fromArray(GF, lanes, lanes0(h)))
                .intoArray(lanes, lanes0(h));
    }

    /** The scale of each lane of weights {@code 32c…}: groups 0..3 in sub-block 2c, groups 4..7 in 2c + 1. */
    private static FloatVector q6Scale(float[] scales, int c, int h) {
        if (GF.length() == 4) return FloatVector.broadcast(GF, scales[2 * c + h]);
        return FloatVector.broadcast(GF, scales[2 * c]).blend(scales[2 * c + 1], UPPER_HALF);
    }

    private static final jdk.incubator.vector.VectorMask<Float> UPPER_HALF =
            jdk.incubator.vector.VectorMask.fromLong(GF, GF.length() == 8 ? 0xF0L : 0L);

    /** Byte {@code i} of four packed 6-bit values. */
    private static int sixBit(int packed, int i) {
        return (packed >>> (8 * i)) & 0xff;
    }

    /** {@code Σ_j m_j · s_j} over the eight sub-blocks, the mins packed four per int. */
    private static int minSum(int mLow, int mHigh, int[] subSums, int s) {
        int sum = 0;
        for (int j = 0; j < 4; j++) {
            sum += sixBit(mLow, j) * subSums[s + j] + sixBit(mHigh, j) * subSums[s + 4 + j];
        }
        return sum;
    }

    private static int lanes0(int h) {
        return h * GF.length();
    }
}

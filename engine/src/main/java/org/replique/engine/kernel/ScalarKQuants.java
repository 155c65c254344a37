package org.replique.engine.kernel;

import static org.replique.engine.tensor.Blocks.f16;
import static org.replique.engine.tensor.Blocks.kMin;
import static org.replique.engine.tensor.Blocks.kScale;
import static org.replique.engine.tensor.Blocks.u8;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.InterleavedQ4_K;
import org.replique.engine.tensor.WeightLayout;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The reference products of K-quant rows ({@link org.replique.engine.tensor.Blocks} has the
 * layouts) with Q8_K activations, written as plain loops that follow ggml's x86 kernels operation
 * for operation: integer sums first (exact), then the float arithmetic in ggml's order. Which
 * kernel ggml runs is {@link GgmlX86}'s rule:
 * <ul>
 * <li>interleaved Q4_K: per row one accumulator of {@code Σ sc·Σq·q8} times {@code d_w·d_x} and
 *     one of {@code Σ m·bsum} times {@code dmin_w·d_x}, each added with a fused multiply-add per
 *     256 weights (per 64 for tokens in a group of four), the second subtracted at the end;
 * <li>vec_dot (Q5_K, Q6_K, Q4_K of other shapes): eight lanes, lane k holding the weights at
 *     positions 4k..4k+3 of every 32, each lane's integer sum over a block of 256 converted to
 *     float and accumulated with a fused multiply-add of {@code d_w·d_x}, the lanes summed at the
 *     end in ggml's order; the mins are accumulated apart (Q4_K in four lanes, Q5_K in one float);
 *     Q6_K's quants are taken without their offset of 32, and 32·Σ sc·bsum is subtracted per lane.
 * </ul>
 */
final class ScalarKQuants {
    private ScalarKQuants() {}

    /** Row {@code r} of {@code w} (Q4_K, Q5_K or Q6_K) times activation row {@code t} of {@code x} (Q8_K). */
    static float dot(WeightMatrix w, int r, PreparedInput x, int t) {
        if (w.type() == GgmlType.Q4_K && GgmlX86.interleaved(w)) {
            return interleavedQ4_K(w, r, x, t, GgmlX86.inGroupOfFour(t, x.rows()));
        }
        return vecDot(w, r, x, t);
    }

    /**
     * ggml's {@code gemv_q4_K_8x8_q8_K} (per 256 weights) or, {@code perPair}, its {@code gemm} (per 64).
     * Reads the file's layout or the backend's interleaved copy ({@link WeightLayout#Q4_K_X8}),
     * which is ggml's repacking in other words.
     */
    static float interleavedQ4_K(WeightMatrix w, int r, PreparedInput x, int t, boolean perPair) {
        MemorySegment data = w.data();
        int blocks = w.cols() / 256;
        boolean x8 = w.layout() == WeightLayout.Q4_K_X8;
        float acc = 0;
        float accMin = 0;
        for (int b = 0; b < blocks; b++) {
            long block = r * w.rowBytes() + 144L * b;
            int xb = t * blocks + b;
            float dx = x.scales[xb];
            float d = (x8 ? InterleavedQ4_K.d(data, blocks, r, b) : f16(data, block)) * dx;
            float dmin = (x8 ? InterleavedQ4_K.dmin(data, blocks, r, b) : f16(data, block + 2)) * dx;
            int sum = 0;
            int mins = 0;
            for (int j = 0; j < 8; j++) {
                if (x8) {
                    int product = 0;
                    for (int e = 32 * j; e < 32 * j + 32; e++) {
                        product += InterleavedQ4_K.quant(data, blocks, r, b, e) * x.quants[256 * xb + e];
                    }
                    sum += InterleavedQ4_K.scale(data, blocks, r, b, j) * product;
                    mins += InterleavedQ4_K.min(data, blocks, r, b, j) * subBlockSum(x, xb, j);
                } else {
                    sum += kScale(data, block + 4, j) * subBlockProduct(w.type(), data, block, j, x, xb);
                    mins += kMin(data, block + 4, j) * subBlockSum(x, xb, j);
                }
                if (perPair && j % 2 == 1) {
                    acc = Math.fma((float) sum, d, acc);
                    accMin = Math.fma((float) mins, dmin, accMin);
                    sum = 0;
                    mins = 0;
                }
            }
            if (!perPair) {
                acc = Math.fma((float) sum, d, acc);
                accMin = Math.fma((float) mins, dmin, accMin);
            }
        }
        return acc - accMin;
    }

    /** ggml's {@code vec_dot_q4_K_q8_K}, {@code vec_dot_q5_K_q8_K} and {@code vec_dot_q6_K_q8_K} (AVX2). */
    static float vecDot(WeightMatrix w, int r, PreparedInput x, int t) {
        MemorySegment data = w.data();
        GgmlType type = w.type();
        int blocks = w.cols() / 256;
        float[] lanes = new float[8];
        float[] minLanes = new float[4];
        float minSum = 0;
        for (int b = 0; b < blocks; b++) {
            long block = r * w.rowBytes() + (long) type.blockBytes() * b;
            int xb = t * blocks + b;
            float dx = x.scales[xb];
            int xq = 256 * xb;
            float d = dx * f16(data, type == GgmlType.Q6_K ? block + 208 : block);
            for (int k = 0; k < 8; k++) {
                int lane = 0;
                for (int c = 0; c < 8; c++) {
                    int scale = elementScale(type, data, block, 32 * c + 4 * k);
                    int sum = 0;
                    for (int e = 32 * c + 4 * k; e < 32 * c + 4 * k + 4; e++) {
                        sum += quant(type, data, block, e) * x.quants[xq + e];
                    }
                    lane += scale * sum;
                }
                if (type == GgmlType.Q6_K) {
                    lane -= 32 * (q6Scale(data, block, 2 * k) * x.sums[16 * xb + 2 * k]
                            + q6Scale(data, block, 2 * k + 1) * x.sums[16 * xb + 2 * k + 1]);
                }
                lanes[k] = Math.fma(d, (float) lane, lanes[k]);
            }
            if (type != GgmlType.Q6_K) {
                float dmin = -dx * f16(data, block + 2);
                if (type == GgmlType.Q4_K) {
                    for (int i = 0; i < 4; i++) {
                        int pair = kMin(data, block + 4, 2 * i) * subBlockSum(x, xb, 2 * i)
                                + kMin(data, block + 4, 2 * i + 1) * subBlockSum(x, xb, 2 * i + 1);
                        minLanes[i] = Math.fma(dmin, (float) pair, minLanes[i]);
                    }
                } else {
                    int all = 0;
                    for (int j = 0; j < 8; j++) all += kMin(data, block + 4, j) * subBlockSum(x, xb, j);
                    minSum = Math.fma(dmin, (float) all, minSum);
                }
            }
        }
        float sum = ScalarKernels.sumOf8(lanes);
        return switch (type) {
            case Q4_K -> sum + ((minLanes[0] + minLanes[2]) + (minLanes[1] + minLanes[3]));
            case Q5_K -> sum + minSum;
            default -> sum;
        };
    }

    /** {@code Σ q·q8} over sub-block {@code j} (32 weights) of a Q4_K/Q5_K block. */
    private static int subBlockProduct(GgmlType type, MemorySegment data, long block, int j, PreparedInput x, int xb) {
        int sum = 0;
        for (int e = 32 * j; e < 32 * j + 32; e++) sum += quant(type, data, block, e) * x.quants[256 * xb + e];
        return sum;
    }

    /** The sum of the activation quants of sub-block {@code j} (32 of them): two of Q8_K's sums of 16. */
    static int subBlockSum(PreparedInput x, int xb, int j) {
        return x.sums[16 * xb + 2 * j] + x.sums[16 * xb + 2 * j + 1];
    }

    /** The scale that weight {@code e} of a block is multiplied by: its sub-block's. */
    private static int elementScale(GgmlType type, MemorySegment data, long block, int e) {
        return type == GgmlType.Q6_K ? q6Scale(data, block, e / 16) : kScale(data, block + 4, e / 32);
    }

    private static int q6Scale(MemorySegment data, long block, int j) {
        return data.get(ValueLayout.JAVA_BYTE, block + 192 + j);
    }

    /**
     * Weight {@code e}'s quant as ggml multiplies it: 0..15 (Q4_K), 0..31 (Q5_K), 0..63 (Q6_K,
     * before its offset of 32).
     */
    static int quant(GgmlType type, MemorySegment data, long block, int e) {
        switch (type) {
            case Q4_K, Q5_K -> {
                long qs = type == GgmlType.Q5_K ? block + 48 : block + 16;
                int packed = u8(data, qs + 32L * (e / 64) + e % 32);
                int q = e % 64 < 32 ? packed & 0xF : packed >>> 4;
                if (type == GgmlType.Q5_K) q |= ((u8(data, block + 16 + e % 32) >>> (e / 32)) & 1) << 4;
                return q;
            }
            case Q6_K -> {
                int half = e / 128;
                int i = e % 128;
                int l = i % 32;
                int quarter = i / 32;
                int packed = u8(data, block + 64L * half + l + 32L * (quarter & 1));
                int low = quarter < 2 ? packed & 0xF : packed >>> 4;
                int high = (u8(data, block + 128 + 32L * half + l) >>> (2 * quarter)) & 3;
                return low | high << 4;
            }
            default -> throw new IllegalArgumentException("not a K-quant: " + type);
        }
    }
}

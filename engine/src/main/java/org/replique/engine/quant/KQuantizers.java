package org.replique.engine.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.replique.engine.tensor.Blocks;

/**
 * ggml's reference quantizers for the K-quants ({@code quantize_row_q4_K_ref},
 * {@code quantize_row_q5_K_ref}, {@code quantize_row_q6_K_ref}), operation for operation in
 * float arithmetic, so that a tensor quantized here holds the bytes {@code llama-quantize} writes
 * (without an importance matrix). They do not take the block's min and max as they are: they
 * search for the scale (and min) that minimise a weighted squared error.
 * <ul>
 *   <li>Q4_K / Q5_K: each of the eight sub-blocks of 32 gets a scale and a min from
 *       {@link #makeQkx2Quants} (weights {@code sqrt(mean(x²)) + |x|}; candidate inverse scales
 *       {@code (nmax + rmin + rdelta·i) / (max − min)}, each followed by the least-squares scale
 *       and min of the levels it gives); the block stores {@code d = max scale / 63} and
 *       {@code dmin = max min / 63} in F16, each sub-block's scale and min as a 6-bit multiple of
 *       them, and the levels are recomputed from those rounded values.</li>
 *   <li>Q6_K: each of the sixteen sub-blocks of 16 gets a signed scale from {@link #makeQxQuants}
 *       (weights {@code x²}, nineteen candidate scales around {@code −32 / max}); the block stores
 *       {@code d = max scale / −128} in F16 and each sub-block's scale as an int8 multiple of it.</li>
 * </ul>
 * Rounding is ggml's {@code nearest_int} (adding 1.5·2²³), ties to even.
 */
final class KQuantizers {
    static final int QK_K = 256;
    private static final float GROUP_MAX_EPS = 1e-15f;

    private KQuantizers() {}

    /** ggml's {@code nearest_int}: rounds to nearest, ties to even, by the float adder (|x| < 2²²). */
    static int nearestInt(float x) {
        float biased = x + 12582912f;
        return (Float.floatToRawIntBits(biased) & 0x007fffff) - 0x00400000;
    }

    /** One Q4_K block of 256 weights from {@code x[at]}: {@code f16 d | f16 dmin | scales[12] | qs[128]}. */
    static void q4K(float[] x, int at, MemorySegment out, long block) {
        int[] levels = new int[QK_K];
        int[] packed = scalesAndLevels(x, at, 15, -1f, 20, levels, out, block);
        for (int i = 0; i < 12; i++) out.set(ValueLayout.JAVA_BYTE, block + 4 + i, (byte) packed[i]);
        long qs = block + 16;
        for (int j = 0; j < QK_K; j += 64) {
            for (int l = 0; l < 32; l++) {
                out.set(ValueLayout.JAVA_BYTE, qs + l, (byte) (levels[j + l] | levels[j + l + 32] << 4));
            }
            qs += 32;
        }
    }

    /** One Q5_K block: {@code f16 d | f16 dmin | scales[12] | qh[32] | qs[128]}. */
    static void q5K(float[] x, int at, MemorySegment out, long block) {
        int[] levels = new int[QK_K];
        int[] packed = scalesAndLevels(x, at, 31, -0.5f, 15, levels, out, block);
        for (int i = 0; i < 12; i++) out.set(ValueLayout.JAVA_BYTE, block + 4 + i, (byte) packed[i]);
        int[] qh = new int[32];
        long qs = block + 48;
        int m1 = 1;
        int m2 = 2;
        for (int n = 0; n < QK_K; n += 64) {
            for (int j = 0; j < 32; j++) {
                int l1 = levels[n + j];
                if (l1 > 15) {
                    l1 -= 16;
                    qh[j] |= m1;
                }
                int l2 = levels[n + j + 32];
                if (l2 > 15) {
                    l2 -= 16;
                    qh[j] |= m2;
                }
                out.set(ValueLayout.JAVA_BYTE, qs + j, (byte) (l1 | l2 << 4));
            }
            m1 <<= 2;
            m2 <<= 2;
            qs += 32;
        }
        for (int j = 0; j < 32; j++) out.set(ValueLayout.JAVA_BYTE, block + 16 + j, (byte) qh[j]);
    }

    /**
     * The common part of Q4_K and Q5_K: per sub-block scales and mins by {@link #makeQkx2Quants},
     * their 6-bit packing (returned, 12 bytes), {@code d} and {@code dmin} written at
     * {@code block}, and the final levels (0..nmax) from the rounded scales into {@code levels}.
     */
    private static int[] scalesAndLevels(float[] x, int at, int nmax, float rmin, int nstep, int[] levels,
                                         MemorySegment out, long block) {
        float[] weights = new float[32];
        int[] aux = new int[32];
        float[] mins = new float[QK_K / 32];
        float[] scales = new float[QK_K / 32];
        float[] min = new float[1];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < QK_K / 32; j++) {
            int sub = at + 32 * j;
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) sumX2 += x[sub + l] * x[sub + l];
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(x[sub + l]);
            scales[j] = makeQkx2Quants(32, nmax, x, sub, weights, levels, 32 * j, min, aux, rmin, 0.1f, nstep);
            mins[j] = min[0];
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }

        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        int[] packed = new int[12];
        for (int j = 0; j < QK_K / 32; j++) {
            int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xff);
            int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xff);
            if (j < 4) {
                packed[j] = ls;
                packed[j + 4] = lm;
            } else {
                packed[j + 4] = (ls & 0xF) | ((lm & 0xF) << 4);
                packed[j - 4] |= (ls >> 4) << 6;
                packed[j] |= (lm >> 4) << 6;
            }
        }
        short d = Float.floatToFloat16(maxScale / 63f);
        short dmin = Float.floatToFloat16(maxMin / 63f);
        out.set(Blocks.F16_LAYOUT, block, d);
        out.set(Blocks.F16_LAYOUT, block + 2, dmin);

        for (int j = 0; j < QK_K / 32; j++) {
            int sc = j < 4 ? packed[j] & 63 : (packed[j + 4] & 0xF) | ((packed[j - 4] >> 6) << 4);
            int m = j < 4 ? packed[j + 4] & 63 : (packed[j + 4] >> 4) | ((packed[j] >> 6) << 4);
            float dj = Float.float16ToFloat(d) * sc;
            if (dj == 0) continue; // the sub-block keeps the levels of its search
            float dm = Float.float16ToFloat(dmin) * m;
            for (int i = 0; i < 32; i++) {
                int l = nearestInt((x[at + 32 * j + i] + dm) / dj);
                levels[32 * j + i] = Math.max(0, Math.min(nmax, l));
            }
        }
        return packed;
    }

    /** One Q6_K block: {@code ql[128] | qh[64] | int8 scales[16] | f16 d}. */
    static void q6K(float[] x, int at, MemorySegment out, long block) {
        int[] levels = new int[QK_K];
        float[] scales = new float[QK_K / 16];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int ib = 0; ib < QK_K / 16; ib++) {
            float scale = makeQxQuants(16, 32, x, at + 16 * ib, levels, 16 * ib);
            scales[ib] = scale;
            float abs = Math.abs(scale);
            if (abs > maxAbsScale) {
                maxAbsScale = abs;
                maxScale = scale;
            }
        }
        if (maxAbsScale < GROUP_MAX_EPS) {
            out.asSlice(block, 210).fill((byte) 0);
            return;
        }
        float iscale = -128f / maxScale;
        short d = Float.floatToFloat16(1 / iscale);
        out.set(Blocks.F16_LAYOUT, block + 208, d);
        byte[] sc = new byte[QK_K / 16];
        for (int ib = 0; ib < QK_K / 16; ib++) {
            sc[ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
            out.set(ValueLayout.JAVA_BYTE, block + 192 + ib, sc[ib]);
        }
        for (int j = 0; j < QK_K / 16; j++) {
            float dj = Float.float16ToFloat(d) * sc[j];
            if (dj == 0) continue;
            for (int i = 0; i < 16; i++) {
                int l = nearestInt(x[at + 16 * j + i] / dj);
                levels[16 * j + i] = Math.max(-32, Math.min(31, l)) + 32;
            }
        }
        long ql = block;
        long qh = block + 128;
        for (int j = 0; j < QK_K; j += 128) {
            for (int l = 0; l < 32; l++) {
                int q1 = levels[j + l] & 0xF;
                int q2 = levels[j + l + 32] & 0xF;
                int q3 = levels[j + l + 64] & 0xF;
                int q4 = levels[j + l + 96] & 0xF;
                out.set(ValueLayout.JAVA_BYTE, ql + l, (byte) (q1 | q3 << 4));
                out.set(ValueLayout.JAVA_BYTE, ql + l + 32, (byte) (q2 | q4 << 4));
                out.set(ValueLayout.JAVA_BYTE, qh + l, (byte) ((levels[j + l] >> 4) | ((levels[j + l + 32] >> 4) << 2)
                        | ((levels[j + l + 64] >> 4) << 4) | ((levels[j + l + 96] >> 4) << 6)));
            }
            ql += 64;
            qh += 32;
        }
    }

    /**
     * ggml's {@code make_qkx2_quants} without an importance matrix: levels {@code 0..nmax} for
     * {@code n} values {@code x[at..]} with an affine map {@code scale·l − min} (min ≥ 0 returned
     * in {@code theMin[0]}), minimising {@code Σ w·(scale·l − min − x)²}. Levels go to
     * {@code levels[lat..]}; {@code aux} is scratch of n.
     */
    static float makeQkx2Quants(int n, int nmax, float[] x, int at, float[] weights, int[] levels, int lat,
                                float[] theMin, int[] aux, float rmin, float rdelta, int nstep) {
        float min = x[at];
        float max = x[at];
        float sumW = weights[0];
        float sumX = sumW * x[at];
        for (int i = 1; i < n; i++) {
            if (x[at + i] < min) min = x[at + i];
            if (x[at + i] > max) max = x[at + i];
            float w = weights[i];
            sumW += w;
            sumX += w * x[at + i];
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) levels[lat + i] = 0;
            theMin[0] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = nearestInt(iscale * (x[at + i] - min));
            levels[lat + i] = Math.max(0, Math.min(nmax, l));
            float diff = scale * levels[lat + i] + min - x[at + i];
            bestError += weights[i] * (diff * diff);
        }
        if (nstep < 1) {
            theMin[0] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[at + i] - min))));
                aux[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[at + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float error = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[at + i];
                    error += weights[i] * (diff * diff);
                }
                if (error < bestError) {
                    System.arraycopy(aux, 0, levels, lat, n);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[0] = -min;
        return scale;
    }

    /**
     * ggml's {@code make_qx_quants} with {@code rmse_type = 1} and no importance matrix: levels
     * {@code 0..2·nmax−1} (stored as {@code l + nmax}) for {@code n} values with a signed scale,
     * minimising {@code Σ x²·(scale·l − x)²} over nineteen candidate scales around {@code −nmax / max}.
     */
    static float makeQxQuants(int n, int nmax, float[] x, int at, int[] levels, int lat) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[at + i]);
            if (ax > amax) {
                amax = ax;
                max = x[at + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) levels[lat + i] = 0;
            return 0f;
        }
        float iscale = -nmax / max;
        float sumLX = 0;
        float sumL2 = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[at + i])));
            levels[lat + i] = l + nmax;
            float w = x[at + i] * x[at + i];
            sumLX += w * x[at + i] * l;
            sumL2 += w * l * l;
        }
        float scale = sumL2 != 0 ? sumLX / sumL2 : 0f;
        float best = scale * sumLX;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumLX = 0;
            sumL2 = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[at + i])));
                float w = x[at + i] * x[at + i];
                sumLX += w * x[at + i] * l;
                sumL2 += w * l * l;
            }
            if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
                for (int i = 0; i < n; i++) {
                    int l = nearestInt(iscale * x[at + i]);
                    levels[lat + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
                }
                scale = sumLX / sumL2;
                best = scale * sumLX;
            }
        }
        return scale;
    }
}

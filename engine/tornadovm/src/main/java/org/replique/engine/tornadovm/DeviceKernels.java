package org.replique.engine.tornadovm;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * The transformer's kernels, written in Java and compiled by TornadoVM for the device. Every kernel
 * takes a chunk of up to {@link #CHUNK} tokens whose count (and first position) it reads from the
 * {@code meta} array, so the same compiled kernels serve a prompt chunk and a single decoded token.
 *
 * <p>They are {@link KernelContext} kernels with explicit work-groups of {@link #LANES} work-items:
 * reductions go through local memory and barriers, never through TornadoVM's {@code @Reduce},
 * which is wrong on CPU OpenCL devices beyond two work-groups. No kernel touches the {@code half}
 * type (devices without {@code cl_khr_fp16} cannot compile it): F16 weights are decoded from their
 * bits, and activations rounded to F16, with exact integer and power-of-two arithmetic.
 *
 * <p>Layouts: activations are row-major, one row per token ({@code t · width}); a weight matrix is
 * row-major in one of the {@link DeviceMatrix} formats; Q8_0 activations are blocks of 32 int8
 * quants packed four to an int (block {@code b} is ints {@code 8b … 8b+7}) with one F32 scale per
 * block; the KV cache of a layer is a pool of {@code slots × kvDim} floats handed out in pages of
 * {@link #PAGE} positions: position {@code p} of a sequence is in slot
 * {@code pages[(p / PAGE) mod tablePages] · PAGE + p mod PAGE}.
 *
 * <p>A product's input comes in one of three {@linkplain #AS_F32 forms}, the one its weights
 * multiply with, as in ggml. The kernel that produces an input writes it in that form directly
 * (RMSNorm, attention), so that no separate conversion runs between them; only the SwiGLU output
 * goes through {@link #convert}.
 */
final class DeviceKernels {
    /**
     * Work-items per work-group in every kernel: four warps on NVIDIA, two wavefronts on AMD, so
     * that a group streams a whole weight row (one Q8_0 block per work-item for a 4096-wide row)
     * with enough loads in flight.
     */
    static final int LANES = 128;
    /** Most tokens one pass evaluates; a longer prompt runs in chunks. */
    static final int CHUNK = 32;
    /** Largest head size the attention kernel's local buffers hold. */
    static final int MAX_HEAD_DIM = 256;
    /** Positions per page of the KV cache pool. */
    static final int PAGE = 32;

    /** {@code meta[COUNT]}: tokens in this pass; {@code meta[START]}: position of the first. */
    static final int COUNT = 0;
    static final int START = 1;
    /** {@code meta[BATCH]}: 1 when the pass's tokens are part of several evaluated together (a prompt), else 0. */
    static final int BATCH = 2;

    /** Forms of a product's input: F32 values (F32 weights), F16-rounded values (F16 weights), Q8_0 blocks (Q8_0 and Q4_0 weights). */
    static final int AS_F32 = 0;
    static final int AS_F16 = 1;
    static final int AS_Q8 = 2;
    /** Q8_K blocks of 256 (int8 quants and a float scale), what llama.cpp multiplies K-quants with. */
    static final int AS_Q8K = 3;

    /** A score no real one goes below; finite because fast-math builds may assume no infinities. */
    private static final float LOWEST = -3.0e38f;

    private DeviceKernels() {}

    // ---- Number formats ---------------------------------------------------------------------------

    /**
     * The value of IEEE half-precision bits, exactly: {@code significand · 2^exponent} built from
     * integers (no {@code half} type, no bit reinterpretation, which TornadoVM's OpenCL backend
     * lacks). Infinities and NaNs, which weights never hold, are not decoded.
     */
    static float half(short bits) {
        int h = bits & 0xffff;
        int exponent = (h >> 10) & 31;
        int mantissa = h & 1023;
        int significand = exponent == 0 ? mantissa : mantissa | 1024;
        int shift = exponent == 0 ? 1 : exponent;
        float magnitude = significand * (float) (1 << shift) * 2.98023223876953125e-8f; // 2^-25
        return (h & 0x8000) != 0 ? -magnitude : magnitude;
    }

    /**
     * {@code v} rounded to the nearest half-precision value (ties to even), as a float: the step of
     * {@code v}'s binade is found by doubling from the smallest (2^-24, also the subnormals' step),
     * then {@code v} is rounded to a multiple of it. Scaling by powers of two is exact, so this is
     * exactly {@code Float.float16ToFloat(Float.floatToFloat16(v))} for |v| below 65520.
     */
    static float roundToHalf(float v) {
        float a = TornadoMath.abs(v);
        float step = 5.9604644775390625e-8f; // 2^-24
        float inverse = 16777216.0f;         // 2^24
        float binadeEnd = 1.220703125e-4f;   // 2^-13
        while (a >= binadeEnd && step < 32.0f) {
            step *= 2.0f;
            inverse *= 0.5f;
            binadeEnd *= 2.0f;
        }
        float r = roundHalfEven(a * inverse) * step;
        return v < 0.0f ? -r : r;
    }

    /** Java's {@code Math.rint} for a non-negative float below 2^23, from {@code floor}. */
    static float roundHalfEven(float v) {
        float below = TornadoMath.floor(v);
        float fraction = v - below;
        float r = below;
        if (fraction > 0.5f) {
            r = below + 1.0f;
        } else if (fraction == 0.5f) {
            float half = below * 0.5f;
            if (TornadoMath.floor(half) != half) {
                r = below + 1.0f;
            }
        }
        return r;
    }

    /** The Q8_0 quant of {@code v} scaled by {@code id} = 127/amax: {@code rint(v · id)}, as ggml. */
    static int quant(float v, float id) {
        float s = v * id;
        float q = roundHalfEven(TornadoMath.abs(s));
        return (int) (s < 0.0f ? -q : q);
    }

    /**
     * The half-precision bits of {@code v} rounded to the nearest F16 (ties to even), for |v| below
     * 65520, from integers as {@link #roundToHalf} rounds: in the {@code k}-th binade from the
     * bottom (the subnormals and the smallest normals share step 2^-24), {@code v} is {@code m}
     * steps of 2^(k−24) with {@code m} in [1024, 2048] (or below 1024 for k = 0), which is the
     * bit pattern {@code k·1024 + m}, a carry into the exponent included. Negative values, zero
     * included, set the sign bit, as Java's {@code Float.floatToFloat16} does.
     */
    static int halfBits(float v) {
        float a = TornadoMath.abs(v);
        float inverse = 16777216.0f;       // 2^24
        float binadeEnd = 1.220703125e-4f; // 2^-13
        int binade = 0;
        while (a >= binadeEnd && binade < 30) {
            inverse *= 0.5f;
            binadeEnd *= 2.0f;
            binade++;
        }
        int bits = binade * 1024 + (int) roundHalfEven(a * inverse);
        return v < 0.0f ? bits | 0x8000 : bits;
    }

    /**
     * GELU as ggml's CPU backend computes it for F32 activations (and the CPU backend with it):
     * 0 at or below −10, {@code v} at or above 10, otherwise the entry of {@code table} (65536
     * results, one per F16 input, {@link GeluTable}) for {@code v} rounded to F16.
     */
    static float gelu(float v, FloatArray table) {
        float r = v;
        if (v <= -10.0f) {
            r = 0.0f;
        } else if (v < 10.0f) {
            r = table.get(halfBits(v));
        }
        return r;
    }

    /**
     * ggml's vectorized {@code expf} ({@code ggml_v_expf}), as the CPU backend's
     * {@code GgmlMath.exp} computes it lane by lane, to the bit: {@code x = n·ln 2 + b}, a degree-5
     * polynomial in {@code b}, scaled by {@code 2^n}. ggml builds {@code 2^n} from the bits of its
     * rounding constant; the OpenCL backend has no bit reinterpretation, so {@link #pow2} builds it
     * by exact multiplications. Each {@code a·b + c} below is one of ggml's fused multiply-adds,
     * which TornadoVM's FMA phase contracts it into (it fuses an addition with its product operand;
     * where both operands are products, with the first).
     */
    static float ggmlExp(float x) {
        float r = 0x1.8p23f;
        float z = x * 0x1.715476p+0f + r;
        float n = z - r;
        float b = n * -0x1.7f7d1cp-20f + (n * -0x1.62e4p-1f + x);
        int ni = (int) n;
        float u = b * b;
        float j = ((0x1.0e4020p-7f * b + 0x1.573e2ep-5f) * u + (0x1.555e66p-3f * b + 0x1.fffdb6p-2f)) * u
                + 0x1.ffffecp-1f * b;
        int magnitude = TornadoMath.abs(ni);
        float result;
        if (magnitude <= 126) {
            float k = pow2(ni);
            result = k * j + k;
        } else {
            float s1 = ni > 0 ? 0x1.0p127f : 0x1.0p-125f;
            if (magnitude > 192) {
                result = s1 * s1;
            } else {
                float s2 = pow2(ni > 0 ? ni - 127 : ni + 125);
                result = (s2 * j + s2) * s1;
            }
        }
        return result;
    }

    /** {@code 2^n} for {@code |n| ≤ 126}, exactly: a product of the powers {@code 2^±2^i} that make up {@code n}. */
    static float pow2(int n) {
        float k = 1.0f;
        float p = n < 0 ? 0.5f : 2.0f;
        int m = TornadoMath.abs(n);
        while (m != 0) {
            if ((m & 1) == 1) {
                k *= p;
            }
            p = m > 1 ? p * p : p;
            m = m >> 1;
        }
        return k;
    }

    /**
     * {@code (hi + lo) / n} rounded once to float, for a sum kept as an unevaluated pair (what
     * ggml's double sum divided and rounded gives, unless it is within a few units of 2^-40 of a
     * rounding boundary): a float quotient, then its remainder, exact by a fused multiply-add.
     */
    static float pairQuotient(float hi, float lo, int n) {
        float d = n;
        float negative = -n;
        float q = (hi + lo) / d;
        float r = q * negative + hi;
        return (r + lo) / d + q;
    }

    /** {@code 1 / (hi + lo)} rounded once to float, as {@link #pairQuotient} divides. */
    static float pairReciprocal(float hi, float lo) {
        float q = 1.0f / (hi + lo);
        float r = -q * hi + 1.0f;
        r = -q * lo + r;
        return q * r + q;
    }

    /** Four int8 quants in one int, the first in the lowest byte (the order of the bytes in memory). */
    static int pack(int q0, int q1, int q2, int q3) {
        return (q0 & 255) | ((q1 & 255) << 8) | ((q2 & 255) << 16) | (q3 << 24);
    }

    /** The exact product of two ints of four packed int8 each. */
    static int dot4(int w, int a) {
        return ((w << 24) >> 24) * ((a << 24) >> 24) + ((w << 16) >> 24) * ((a << 16) >> 24)
                + ((w << 8) >> 24) * ((a << 8) >> 24) + (w >> 24) * (a >> 24);
    }

    /**
     * The exact product of four Q4_0 weights, the nibbles at bit {@code shift} (0: low, 4: high) of
     * the four bytes of {@code w} less 8, with four packed int8 activations.
     */
    static int nibbleDot4(int w, int shift, int a) {
        return (((w >> shift) & 15) - 8) * ((a << 24) >> 24) + (((w >> (8 + shift)) & 15) - 8) * ((a << 16) >> 24)
                + (((w >> (16 + shift)) & 15) - 8) * ((a << 8) >> 24) + (((w >> (24 + shift)) & 15) - 8) * (a >> 24);
    }

    // ---- Product inputs ---------------------------------------------------------------------------

    /** Where {@link #quantizeBlock} takes its values from: {@code x} itself, or a norm of it. */
    static final int RAW = 0;
    static final int RMS = 1;
    static final int LAYER = 2;

    /**
     * Value {@code i} of {@code x} as the norm {@code mode} outputs it: {@code x} itself
     * ({@link #RAW}); RMSNorm's {@code x · scale · weight[w]} ({@link #RMS}); LayerNorm's
     * {@code (x − mean) · scale · weight[w] + bias[w]} ({@link #LAYER}).
     */
    static float normed(FloatArray x, int i, float mean, float scale, FloatArray weight, FloatArray bias, int w,
                        int mode) {
        float v = x.get(i);
        if (mode == RMS) {
            v = v * scale * weight.get(w);
        } else if (mode == LAYER) {
            v = (v - mean) * scale * weight.get(w) + bias.get(w);
        }
        return v;
    }

    /**
     * Quantizes 32 values into Q8_0 block {@code block}, as ggml quantizes the input of Q8_0/Q4_0
     * weights: scale {@code amax/127} rounded to F16, quants {@code rint(v · 127/amax)}. The values
     * are {@code x[at + j]} as the norm {@code mode} outputs them ({@link #normed}; with
     * {@link #RAW} the other arguments are unused, and a kernel passes any array, as TornadoVM has
     * no null arguments). They are computed again for each pass over them by the same float
     * operations, so they round as stored F32 values would.
     */
    static void quantizeBlock(FloatArray x, int at, float mean, float scale, FloatArray weight, FloatArray bias, int w,
                              int mode, IntArray xq, FloatArray xs, int block) {
        float amax = 0.0f;
        for (int j = 0; j < 32; j++) {
            amax = TornadoMath.max(amax, TornadoMath.abs(normed(x, at + j, mean, scale, weight, bias, w + j, mode)));
        }
        float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        xs.set(block, roundToHalf(amax / 127.0f));
        for (int j = 0; j < 32; j += 4) {
            float v0 = normed(x, at + j, mean, scale, weight, bias, w + j, mode);
            float v1 = normed(x, at + j + 1, mean, scale, weight, bias, w + j + 1, mode);
            float v2 = normed(x, at + j + 2, mean, scale, weight, bias, w + j + 2, mode);
            float v3 = normed(x, at + j + 3, mean, scale, weight, bias, w + j + 3, mode);
            xq.set(block * 8 + (j >> 2), pack(quant(v0, id), quant(v1, id), quant(v2, id), quant(v3, id)));
        }
    }

    /**
     * The chunk's activations {@code x} ({@code cols} per token) in the form {@code form}, one
     * work-group per token: F16-rounded into {@code out}, or Q8_0 blocks into {@code xq}/{@code xs}
     * (one block per work-item), or Q8_K blocks into {@code xq}/{@code xs} (one block of 256 per
     * work-item). What the down projection multiplies, after its activation; what a norm's or the
     * attention's output becomes for K-quant weights.
     */
    static void convert(KernelContext context, IntArray meta, FloatArray x, FloatArray out, IntArray xq, FloatArray xs,
                        int cols, int form) {
        int t = context.groupIdx;
        if (t < meta.get(COUNT)) {
            if (form == AS_Q8) {
                int blocks = cols >> 5;
                for (int k = context.localIdx; k < blocks; k += LANES) {
                    quantizeBlock(x, t * cols + 32 * k, 0.0f, 1.0f, x, x, 0, RAW, xq, xs, t * blocks + k);
                }
            } else if (form == AS_Q8K) {
                int blocks = cols >> 8;
                for (int k = context.localIdx; k < blocks; k += LANES) {
                    quantizeBlockK(x, t * cols + 256 * k, xq, xs, t * blocks + k);
                }
            } else {
                for (int c = context.localIdx; c < cols; c += LANES) {
                    float v = x.get(t * cols + c);
                    out.set(t * cols + c, form == AS_F16 ? roundToHalf(v) : v);
                }
            }
        }
    }

    /**
     * The 256 values from {@code at} quantized as ggml's {@code quantize_row_q8_K} quantizes them,
     * into Q8_K block {@code block} ({@code xq}: 64 ints of four int8 each; {@code xs}: the scale):
     * with {@code max} the first value of largest magnitude, quants
     * {@code min(127, rint(v · iscale))} for {@code iscale = −127/max}, scale {@code 1/iscale}
     * (an all-zero block is all zeros).
     */
    static void quantizeBlockK(FloatArray x, int at, IntArray xq, FloatArray xs, int block) {
        float max = 0.0f;
        float amax = 0.0f;
        for (int j = 0; j < 256; j++) {
            float v = x.get(at + j);
            float a = TornadoMath.abs(v);
            if (a > amax) {
                amax = a;
                max = v;
            }
        }
        float iscale = amax != 0.0f ? -127.0f / max : 0.0f;
        xs.set(block, amax != 0.0f ? 1.0f / iscale : 0.0f);
        for (int j = 0; j < 256; j += 4) {
            xq.set(block * 64 + (j >> 2), pack(quantK(x.get(at + j), iscale), quantK(x.get(at + j + 1), iscale),
                    quantK(x.get(at + j + 2), iscale), quantK(x.get(at + j + 3), iscale)));
        }
    }

    /** {@code min(127, rint(v · iscale))}. */
    static int quantK(float v, float iscale) {
        float s = iscale * v;
        float q = roundHalfEven(TornadoMath.abs(s));
        return TornadoMath.min(127, (int) (s < 0.0f ? -q : q));
    }

    /**
     * RMSNorm, one work-group per token, written in the form the next product takes:
     * {@code x[t] / sqrt(mean(x[t]²) + eps) · weight} into {@code out} (F32, or rounded to F16), or
     * quantized to Q8_0 blocks into {@code xq}/{@code xs}. With {@code lastOnly = 1} only the
     * chunk's last token is normalised, into row 0 (what the logits need).
     *
     * <p>As ggml: each square rounded to float, their sum in double, the mean rounded to float,
     * {@code scale = 1/sqrt(mean + eps)} in float, then {@code (x · scale) · weight}. No kernel here
     * uses doubles, so the sum is kept as an unevaluated pair of floats (each addition's rounding
     * error carried in the low part, about 48 significant bits) and the mean is that pair divided
     * by {@code dim} and rounded once: the float mean is ggml's unless its double sum falls within
     * a few units of 2^-40 of a float rounding boundary.
     */
    static void rmsNorm(KernelContext context, IntArray meta, FloatArray x, FloatArray weight, FloatArray out,
                          IntArray xq, FloatArray xs, int dim, float eps, int lastOnly, int form) {
        int lane = context.localIdx;
        int count = meta.get(COUNT);
        int t = lastOnly == 1 ? count - 1 : context.groupIdx;
        if (t >= 0 && t < count) {
            float[] high = context.allocateFloatLocalArray(LANES);
            float[] low = context.allocateFloatLocalArray(LANES);
            float hi = 0.0f;
            float lo = 0.0f;
            for (int c = lane; c < dim; c += LANES) {
                float v = x.get(t * dim + c);
                float square = v * v;
                // TwoSum; TornadoVM may fuse hi + v·v, which leaves the pair's value hi + square all the same.
                float s = hi + square;
                float part = s - hi;
                lo += (hi - (s - part)) + (square - part);
                hi = s;
            }
            high[lane] = hi;
            low[lane] = lo;
            context.localBarrier();
            float sumHi = 0.0f;
            float sumLo = 0.0f;
            for (int l = 0; l < LANES; l++) {
                float v = high[l];
                float s = sumHi + v;
                float part = s - sumHi;
                sumLo += (sumHi - (s - part)) + (v - part) + low[l];
                sumHi = s;
            }
            float scale = 1.0f / TornadoMath.sqrt(pairQuotient(sumHi, sumLo, dim) + eps);
            int o = lastOnly == 1 ? 0 : t;
            if (form == AS_Q8) {
                int blocks = dim >> 5;
                for (int k = lane; k < blocks; k += LANES) {
                    quantizeBlock(x, t * dim + 32 * k, 0.0f, scale, weight, weight, 32 * k, RMS, xq, xs, o * blocks + k);
                }
            } else {
                for (int c = lane; c < dim; c += LANES) {
                    float v = x.get(t * dim + c) * scale * weight.get(c);
                    out.set(o * dim + c, form == AS_F16 ? roundToHalf(v) : v);
                }
            }
        }
    }

    /**
     * LayerNorm, one work-group per token, written in the form the next product takes (as
     * {@link #rmsNorm}): {@code (x[t] − mean) / sqrt(var + eps) · weight + bias}. ggml sums
     * {@code x} in double and rounds the sum to float before dividing, and sums the squared
     * deviations in double over groups of eight first added in float
     * ({@code (s0+s4 + s2+s6) + (s1+s5 + s3+s7)}, its AVX2 reduction of a vector). No kernel here
     * uses doubles (many GPUs run them slowly, some not at all), so both sums are kept as an
     * unevaluated pair of floats (each addition's rounding error carried in the low part), which
     * holds about 48 significant bits: the float mean is the CPU's. TornadoVM contracts
     * {@code a·b + c} into one fused multiply-add where the CPU rounds twice (a square added to
     * another, the bias added), one rounding apart.
     */
    static void layerNorm(KernelContext context, IntArray meta, FloatArray x, FloatArray weight, FloatArray bias,
                          FloatArray out, IntArray xq, FloatArray xs, int dim, float eps, int lastOnly, int form) {
        int lane = context.localIdx;
        int count = meta.get(COUNT);
        int t = lastOnly == 1 ? count - 1 : context.groupIdx;
        if (t >= 0 && t < count) {
            float[] high = context.allocateFloatLocalArray(LANES);
            float[] low = context.allocateFloatLocalArray(LANES);
            int row = t * dim;
            float hi = 0.0f;
            float lo = 0.0f;
            for (int c = lane; c < dim; c += LANES) {
                float v = x.get(row + c);
                float s = hi + v;
                float part = s - hi;
                lo += (hi - (s - part)) + (v - part);
                hi = s;
            }
            high[lane] = hi;
            low[lane] = lo;
            context.localBarrier();
            float sumHi = 0.0f;
            float sumLo = 0.0f;
            for (int l = 0; l < LANES; l++) {
                float v = high[l];
                float s = sumHi + v;
                float part = s - sumHi;
                sumLo += (sumHi - (s - part)) + (v - part) + low[l];
                sumHi = s;
            }
            float mean = (sumHi + sumLo) / dim;
            context.localBarrier();

            hi = 0.0f;
            lo = 0.0f;
            for (int g = lane; 8 * g + 7 < dim; g += LANES) {
                int at = row + 8 * g;
                float d0 = x.get(at) - mean;
                float d1 = x.get(at + 1) - mean;
                float d2 = x.get(at + 2) - mean;
                float d3 = x.get(at + 3) - mean;
                float d4 = x.get(at + 4) - mean;
                float d5 = x.get(at + 5) - mean;
                float d6 = x.get(at + 6) - mean;
                float d7 = x.get(at + 7) - mean;
                float v = ((d0 * d0 + d4 * d4) + (d2 * d2 + d6 * d6)) + ((d1 * d1 + d5 * d5) + (d3 * d3 + d7 * d7));
                float s = hi + v;
                float part = s - hi;
                lo += (hi - (s - part)) + (v - part);
                hi = s;
            }
            if (lane == 0) {
                for (int c = dim - dim % 8; c < dim; c++) {
                    float d = x.get(row + c) - mean;
                    float v = d * d;
                    float s = hi + v;
                    float part = s - hi;
                    lo += (hi - (s - part)) + (v - part);
                    hi = s;
                }
            }
            high[lane] = hi;
            low[lane] = lo;
            context.localBarrier();
            sumHi = 0.0f;
            sumLo = 0.0f;
            for (int l = 0; l < LANES; l++) {
                float v = high[l];
                float s = sumHi + v;
                float part = s - sumHi;
                sumLo += (sumHi - (s - part)) + (v - part) + low[l];
                sumHi = s;
            }
            float scale = 1.0f / TornadoMath.sqrt((sumHi + sumLo) / dim + eps);
            int o = lastOnly == 1 ? 0 : t;
            if (form == AS_Q8) {
                int blocks = dim >> 5;
                for (int k = lane; k < blocks; k += LANES) {
                    quantizeBlock(x, row + 32 * k, mean, scale, weight, bias, 32 * k, LAYER, xq, xs, o * blocks + k);
                }
            } else {
                for (int c = lane; c < dim; c += LANES) {
                    float v = normed(x, row + c, mean, scale, weight, bias, c, LAYER);
                    out.set(o * dim + c, form == AS_F16 ? roundToHalf(v) : v);
                }
            }
        }
    }

    // ---- Matrix products: one work-group per output row, every token of the chunk ----------------

    /** What {@link #product} does with {@code W · x}. */
    static final int STORE = 0;
    static final int ADD = 1;
    static final int SWIGLU = 2;
    static final int GELU = 3;
    static final int JOIN = 4;

    /**
     * Writes row result {@code value} to {@code out[o]} as every epilogue but SwiGLU's does (SwiGLU
     * pairs a gate row with an up row, so its products keep the gate in local memory themselves).
     */
    static void finish(int epilogue, FloatArray out, int o, float value, FloatArray extra) {
        if (epilogue == STORE) {
            out.set(o, value);
        } else if (epilogue == ADD) {
            out.set(o, out.get(o) + value);
        } else if (epilogue == GELU) {
            out.set(o, gelu(value, extra));
        } else {
            out.set(o, (value + extra.get(o)) + out.get(o)); // JOIN
        }
    }

    /**
     * This work-item's share of {@code W[row] · x[t]}, with the activations in the form the weights'
     * format takes: F32 weights multiply the F32 activations {@code x}; F16 weights the F16-rounded
     * ones (also in {@code x}); Q8_0 and Q4_0 weights the Q8_0 blocks {@code xq}/{@code xs}, each
     * block's product an exact integer sum times the two scales. F32 and F16 rows are split among
     * the work-items column by column (adjacent work-items read adjacent values), quantized rows
     * block by block, read as packed ints (8 per Q8_0 block, 4 per Q4_0 block). The format branch
     * is the same for every work-item of a launch.
     */
    static float partialDot(int format, FloatArray f, IntArray q, ShortArray h, int row, int cols,
                            FloatArray x, IntArray xq, FloatArray xs, int t, int lane) {
        float sum;
        if (format == DeviceMatrix.F32) {
            sum = f32Dot(f, row, cols, x, t, lane);
        } else if (format == DeviceMatrix.F16) {
            sum = f16Dot(h, row, cols, x, t, lane);
        } else if (format == DeviceMatrix.Q8_0) {
            sum = q8Dot(f, q, row, cols, xq, xs, t, lane);

        } else {
            sum = q4Dot(f, q, row, cols, xq, xs, t, lane);
        }
        return sum;
    }

    static float f32Dot(FloatArray f, int row, int cols, FloatArray x, int t, int lane) {
        float sum = 0.0f;
        int base = row * cols;
        int xBase = t * cols;
        for (int c = lane; c < cols; c += LANES) {
            sum += f.get(base + c) * x.get(xBase + c);
        }
        return sum;
    }

    static float f16Dot(ShortArray h, int row, int cols, FloatArray x, int t, int lane) {
        float sum = 0.0f;
        int base = row * cols;
        int xBase = t * cols;
        for (int c = lane; c < cols; c += LANES) {
            sum += half(h.get(base + c)) * x.get(xBase + c);
        }
        return sum;
    }

    /** Q8_0: f holds one scale per block, q the int8 quants, 8 ints per block. */
    static float q8Dot(FloatArray f, IntArray q, int row, int cols, IntArray xq, FloatArray xs, int t, int lane) {
        float sum = 0.0f;
        int blocks = cols >> 5;
        int wBlock = row * blocks;
        int xBlock = t * blocks;
        for (int k = lane; k < blocks; k += LANES) {
            int w = (wBlock + k) * 8;
            int a = (xBlock + k) * 8;
            int dot = 0;
            for (int j = 0; j < 8; j++) {
                dot += dot4(q.get(w + j), xq.get(a + j));
            }
            sum += dot * (f.get(wBlock + k) * xs.get(xBlock + k));
        }
        return sum;
    }

    /**
     * Q4_0: q holds 4 ints (16 bytes) of nibbles per block; weight j is the low nibble of byte j
     * for j < 16 and the high nibble of byte j − 16 otherwise, offset by 8.
     */
    static float q4Dot(FloatArray f, IntArray q, int row, int cols, IntArray xq, FloatArray xs, int t, int lane) {
        float sum = 0.0f;
        int blocks = cols >> 5;
        int wBlock = row * blocks;
        int xBlock = t * blocks;
        for (int k = lane; k < blocks; k += LANES) {
            int w = (wBlock + k) * 4;
            int a = (xBlock + k) * 8;
            int dot = 0;
            for (int j = 0; j < 4; j++) {
                int packed = q.get(w + j);
                dot += nibbleDot4(packed, 0, xq.get(a + j)) + nibbleDot4(packed, 4, xq.get(a + 4 + j));
            }
            sum += dot * (f.get(wBlock + k) * xs.get(xBlock + k));
        }
        return sum;
    }

    /**
     * {@code W[row] · x[t]} for every token of the chunk, one work-group per output row:
     * {@link #STORE} writes it to {@code out[t][row]}, {@link #ADD} adds it there (a projection into
     * the residual stream), and {@link #SWIGLU} computes SwiGLU's first half,
     * {@code out[t][row] = silu(G[row] · x[t]) · (U[row] · x[t])}, from gate and up matrices stacked
     * in one ({@code rows} gate rows, then as many up rows); {@link #GELU} stores
     * {@code gelu(W[row] · x[t])} by the table {@code extra} ({@link #gelu}); {@link #JOIN} adds
     * the product and {@code extra} (the attention's output projection) to the residual stream in
     * ggml's order, {@code out = (W·x + extra) + out}, for a block whose attention and
     * feed-forward run side by side. The other epilogues ignore {@code extra}.
     *
     * <p>One launch multiplies the chunk's whole activation matrix: a work-group streams its weight
     * row from device memory once and meets it again in cache for the chunk's other tokens. Each
     * work-item's share is a register sum ({@link #partialDot}); the shares meet in local memory
     * and one work-item per token adds them in work-item order, so a token's result does not depend
     * on what else the chunk holds, and a row of up to {@code 32 · LANES} quantized weights is
     * summed block after block, in the order ggml sums it. (A pairwise tree instead, as fast on a
     * GPU, moves the logits of a quantized model further from llama.cpp's.)
     */
    static void product(KernelContext context, IntArray meta, FloatArray x, IntArray xq, FloatArray xs,
                        FloatArray out, FloatArray f, IntArray q, ShortArray h, int format, int rows, int cols,
                        int epilogue, FloatArray extra) {
        int row = context.groupIdx;
        int lane = context.localIdx;
        int count = meta.get(COUNT);
        float[] partial = context.allocateFloatLocalArray(CHUNK * LANES);
        float[] gate = context.allocateFloatLocalArray(CHUNK);
        int parts = epilogue == SWIGLU ? 2 : 1;
        for (int part = 0; part < parts; part++) {
            for (int t = 0; t < count; t++) {
                partial[t * LANES + lane] = partialDot(format, f, q, h, row + part * rows, cols, x, xq, xs, t, lane);
            }
            context.localBarrier();
            for (int t = lane; t < count; t += LANES) {
                float sum = 0.0f;
                for (int l = 0; l < LANES; l++) {
                    sum += partial[t * LANES + l];
                }
                int o = t * rows + row;
                if (epilogue != SWIGLU) {
                    finish(epilogue, out, o, sum, extra);
                } else if (part == 0) {
                    gate[t] = sum;
                } else {
                    float g = gate[t];
                    out.set(o, g / (1.0f + ggmlExp(-g)) * sum);
                }
            }
            // The up rows reuse the partial sums' memory once the gate's are read.
            context.localBarrier();
        }
    }

    /** Most K-quant blocks of 256 in a row {@link #kQuantProduct} takes (its local buffers): rows up to 16384 wide. */
    static final int MAX_K_BLOCKS = 64;

    /** The unsigned byte {@code i} (0..3) of {@code v}. */
    static int ubyte(int v, int i) {
        return (v >> (8 * i)) & 255;
    }

    /** The signed byte {@code i} (0..3) of {@code v}. */
    static int sbyte(int v, int i) {
        return (v << (24 - 8 * i)) >> 24;
    }

    /** The exact product of four unsigned weight bytes with four signed activation bytes. */
    static int udot4(int w, int a) {
        return ubyte(w, 0) * sbyte(a, 0) + ubyte(w, 1) * sbyte(a, 1) + ubyte(w, 2) * sbyte(a, 2)
                + ubyte(w, 3) * sbyte(a, 3);
    }

    /** The sum of the four signed bytes of {@code a}. */
    static int sum4(int a) {
        return sbyte(a, 0) + sbyte(a, 1) + sbyte(a, 2) + sbyte(a, 3);
    }

    /**
     * {@link #product} for K-quant weights ({@link DeviceMatrix#K8}) and Q8_K activations, with
     * ggml's x86 arithmetic (as the CPU backend's {@code ScalarKQuants}): the integers of each
     * block first, exact, spread over the work-group (one per block and lane of ggml's eight, or
     * per block and sub-block for interleaved Q4_K), then ggml's float steps in its order by one
     * work-item, which is what makes the result llama.cpp's to the bit:
     * <ul>
     * <li>interleaved Q4_K (its matrices of {@code rows % 8 == 0}): {@code acc += Σsc·Σq·q8 · d_w·d_x}
     *     and {@code accMin += Σm·bsum · dmin_w·d_x}, fused multiply-adds per block, or per pair of
     *     sub-blocks for a token of a prompt in a group of four ({@code gemv = 0}: ggml's gemm);
     *     the result {@code acc − accMin};</li>
     * <li>otherwise eight lanes, lane k the weights 4k..4k+3 of every 32, each an integer per block
     *     times {@code d_w·d_x} added with a fused multiply-add, summed at the end in ggml's order;
     *     mins apart (Q4_K in four lanes, Q5_K in one), Q6_K's offset of 32 subtracted per lane.</li>
     * </ul>
     * {@code gemv = 1} when ggml multiplies these tokens one by one (decoding, and the last
     * layer's feed-forward, which llama.cpp runs for the last token alone).
     */
    static void kQuantProduct(KernelContext context, IntArray meta, IntArray xq, FloatArray xs, FloatArray out,
                              FloatArray f, IntArray q, int rows, int cols, int epilogue, FloatArray extra, int gemv) {
        int row = context.groupIdx;
        int lane = context.localIdx;
        int count = meta.get(COUNT);
        int blocks = cols >> 8;
        int[] sums = context.allocateIntLocalArray(8 * MAX_K_BLOCKS);
        int[] mins = context.allocateIntLocalArray(8 * MAX_K_BLOCKS);
        float[] gate = context.allocateFloatLocalArray(CHUNK);
        int parts = epilogue == SWIGLU ? 2 : 1;
        for (int part = 0; part < parts; part++) {
            int r = row + part * rows;
            int kind = q.get(DeviceMatrix.K_INTS * r * blocks + 80);
            int type = kind & 7;
            int interleaved = kind >> 3;
            for (int t = 0; t < count; t++) {
                for (int u = lane; u < 8 * blocks; u += LANES) {
                    int b = u >> 3;
                    int k = u & 7;
                    int w = DeviceMatrix.K_INTS * (r * blocks + b);
                    int a = 64 * (t * blocks + b);
                    int s = 0;
                    int m = 0;
                    if (interleaved == 1) {
                        // Sub-block k: its scale times Σq·q8, its min times Σq8.
                        int dot = 0;
                        int xsum = 0;
                        for (int i = 0; i < 8; i++) {
                            dot += udot4(q.get(w + 8 * k + i), xq.get(a + 8 * k + i));
                            xsum += sum4(xq.get(a + 8 * k + i));
                        }
                        s = q.get(w + 64 + k) * dot;
                        m = q.get(w + 72 + k) * xsum;
                    } else {
                        // Lane k: weights 32c + 4k .. +3 of every sub-block c, each times its scale.
                        for (int c = 0; c < 8; c++) {
                            int scale = type == 6 ? q.get(w + 64 + 2 * c + (k >> 2)) : q.get(w + 64 + c);
                            s += scale * udot4(q.get(w + 8 * c + k), xq.get(a + 8 * c + k));
                        }
                        if (type == 6) {
                            int low = 0;
                            int high = 0;
                            for (int i = 0; i < 4; i++) {
                                low += sum4(xq.get(a + 8 * k + i));
                                high += sum4(xq.get(a + 8 * k + 4 + i));
                            }
                            s -= 32 * (q.get(w + 64 + 2 * k) * low + q.get(w + 64 + 2 * k + 1) * high);
                        } else if (type == 4 && k < 4) {
                            m = q.get(w + 72 + 2 * k) * subSum(xq, a, 2 * k) + q.get(w + 73 + 2 * k) * subSum(xq, a, 2 * k + 1);
                        } else if (type == 5 && k == 0) {
                            for (int j = 0; j < 8; j++) {
                                m += q.get(w + 72 + j) * subSum(xq, a, j);
                            }
                        }
                    }
                    sums[u] = s;
                    mins[u] = m;
                }
                context.localBarrier();
                if (lane == 0) {
                    float result;
                    if (interleaved == 1) {
                        int perPair = gemv == 0 && t < count - count % 4 ? 1 : 0;
                        float acc = 0.0f;
                        float accMin = 0.0f;
                        for (int b = 0; b < blocks; b++) {
                            float dx = xs.get(t * blocks + b);
                            int wb = r * blocks + b;
                            float d = f.get(2 * wb) * dx;
                            float dmin = f.get(2 * wb + 1) * dx;
                            int s = 0;
                            int m = 0;
                            for (int j = 0; j < 8; j++) {
                                s += sums[8 * b + j];
                                m += mins[8 * b + j];
                                if (perPair == 1 && (j & 1) == 1) {
                                    acc = s * d + acc;
                                    accMin = m * dmin + accMin;
                                    s = 0;
                                    m = 0;
                                }
                            }
                            if (perPair == 0) {
                                acc = s * d + acc;
                                accMin = m * dmin + accMin;
                            }
                        }
                        result = acc - accMin;
                    } else {
                        float l0 = 0.0f;
                        float l1 = 0.0f;
                        float l2 = 0.0f;
                        float l3 = 0.0f;
                        float l4 = 0.0f;
                        float l5 = 0.0f;
                        float l6 = 0.0f;
                        float l7 = 0.0f;
                        float m0 = 0.0f;
                        float m1 = 0.0f;
                        float m2 = 0.0f;
                        float m3 = 0.0f;
                        for (int b = 0; b < blocks; b++) {
                            float dx = xs.get(t * blocks + b);
                            int wb = r * blocks + b;
                            float d = dx * f.get(2 * wb);
                            // Written d·x + acc: TornadoVM contracts each into fma(d, x, acc), as ggml's.
                            l0 = d * sums[8 * b] + l0;
                            l1 = d * sums[8 * b + 1] + l1;
                            l2 = d * sums[8 * b + 2] + l2;
                            l3 = d * sums[8 * b + 3] + l3;
                            l4 = d * sums[8 * b + 4] + l4;
                            l5 = d * sums[8 * b + 5] + l5;
                            l6 = d * sums[8 * b + 6] + l6;
                            l7 = d * sums[8 * b + 7] + l7;
                            float dmin = -dx * f.get(2 * wb + 1);
                            m0 = dmin * mins[8 * b] + m0;
                            m1 = dmin * mins[8 * b + 1] + m1;
                            m2 = dmin * mins[8 * b + 2] + m2;
                            m3 = dmin * mins[8 * b + 3] + m3;
                        }
                        result = ((l4 + l0) + (l6 + l2)) + ((l5 + l1) + (l7 + l3));
                        if (type == 4) {
                            result = result + ((m0 + m2) + (m1 + m3));
                        } else if (type == 5) {
                            result = result + m0;
                        }
                    }
                    int o = t * rows + row;
                    if (epilogue != SWIGLU) {
                        finish(epilogue, out, o, result, extra);
                    } else if (part == 0) {
                        gate[t] = result;
                    } else {
                        float g = gate[t];
                        out.set(o, g / (1.0f + ggmlExp(-g)) * result);
                    }
                }
                context.localBarrier();
            }
        }
    }

    /** The sum of the 32 activation quants of sub-block {@code j} of the Q8_K block at int {@code a}. */
    static int subSum(IntArray xq, int a, int j) {
        int sum = 0;
        for (int i = 0; i < 8; i++) {
            sum += sum4(xq.get(a + 8 * j + i));
        }
        return sum;
    }

    // ---- Rotation, attention ----------------------------------------------------------------------

    /**
     * Rotary embedding of the chunk's queries and keys (in place in {@code qkv}, one work-group per
     * token) and the write of its keys and values into the cache. {@code rope} holds, per token,
     * the cosine and sine of each rotated pair's angle, computed on the host from the model's θ.
     * Pair {@code i} (of {@code ropeDims/2} per head) is elements {@code (2i, 2i+1)}, or
     * {@code (i, i + ropeDims/2)} with {@code halves = 1} (NeoX's layout); elements from
     * {@code ropeDims} on are not rotated. A pair {@code (a, b)} becomes
     * {@code (fma(a, cos, −(b·sin)), fma(a, sin, b·cos))}, as ggml's x86 build and the CPU backend
     * compute it: written as {@code a·cos + b·(−sin)} and {@code a·sin + b·cos}, each sum of two
     * products is contracted by TornadoVM (which fuses an addition with the product that is its
     * first operand) into exactly those fused multiply-adds.
     */
    static void ropeAndStore(KernelContext context, IntArray meta, IntArray pages, FloatArray qkv, FloatArray rope,
                             FloatArray keys, FloatArray values, int heads, int kvHeads, int headDim, int ropeDims,
                             int tablePages, int halves) {
        int t = context.groupIdx;
        int lane = context.localIdx;
        int count = meta.get(COUNT);
        if (t < count) {
            int qDim = heads * headDim;
            int kvDim = kvHeads * headDim;
            int row = t * (qDim + 2 * kvDim);
            int pos = meta.get(START) + t;
            int slot = pages.get((pos / PAGE) % tablePages) * PAGE + pos % PAGE;
            int pairs = ropeDims / 2;
            int partner = halves == 1 ? pairs : 1;
            for (int p = lane; p < heads * pairs; p += LANES) {
                int i = p % pairs;
                int at = row + (p / pairs) * headDim + (halves == 1 ? i : 2 * i);
                float a = qkv.get(at);
                float b = qkv.get(at + partner);
                float cos = rope.get(t * ropeDims + 2 * i);
                float sin = rope.get(t * ropeDims + 2 * i + 1);
                float negativeSin = -sin;
                qkv.set(at, a * cos + b * negativeSin);
                qkv.set(at + partner, a * sin + b * cos);
            }
            for (int p = lane; p < kvHeads * pairs; p += LANES) {
                int i = p % pairs;
                int within = (p / pairs) * headDim + (halves == 1 ? i : 2 * i);
                float a = qkv.get(row + qDim + within);
                float b = qkv.get(row + qDim + within + partner);
                float cos = rope.get(t * ropeDims + 2 * i);
                float sin = rope.get(t * ropeDims + 2 * i + 1);
                float negativeSin = -sin;
                keys.set(slot * kvDim + within, a * cos + b * negativeSin);
                keys.set(slot * kvDim + within + partner, a * sin + b * cos);
            }
            int plain = headDim - ropeDims;
            for (int p = lane; p < kvHeads * plain; p += LANES) {
                int within = (p / plain) * headDim + ropeDims + p % plain;
                keys.set(slot * kvDim + within, qkv.get(row + qDim + within));
            }
            for (int c = lane; c < kvDim; c += LANES) {
                values.set(slot * kvDim + c, qkv.get(row + qDim + kvDim + c));
            }
        }
    }

    /**
     * Causal grouped-query attention, one work-group per (token, head): softmax(q·Kᵀ·scale)·V over
     * the positions the token sees (all before it, or the last {@code window} when set), with
     * ggml's arithmetic for an F32 cache, as the CPU backend's {@code GgmlAttention} spells it:
     * <ul>
     * <li>q·k as ggml's {@code vec_dot_f32} ({@link #ggmlDot});
     * <li>the scores' maximum; {@code e = ggmlExp(score − max)}; the sum of each eight consecutive
     *     positions' {@code e} in float ({@link #sumOf8}) and of those sums in double (here a pair
     *     of floats), whose reciprocal, rounded to float, scales every {@code e};
     * <li>the weighted sum of values per element in 32 chains (position {@code i} of the window
     *     into chain {@code i mod 32}, fused multiply-adds in position order) reduced as
     *     the reduction of {@link #ggmlDot}, for a decoded token; in 8 chains summed as {@link #sumOf8} for a token
     *     evaluated with others ({@code meta[BATCH] = 1}: a prompt, as ggml's batched kernel sums).
     * </ul>
     * Positions count from the start of the window. No score buffer grows with the context: the
     * scores are computed three times (for the maximum, for the sum, for the weighted values), the
     * last pass {@link #LANES} positions at a time, and the chains' partial sums stay in local
     * memory ({@code 32 × headDim} floats). The head's output is written in the form the output
     * projection takes ({@code out}, or Q8_0 blocks in {@code xq}/{@code xs} when the head size is
     * a multiple of 32, as the plan ensures for that form).
     */
    static void attention(KernelContext context, IntArray meta, IntArray pages, FloatArray qkv, FloatArray keys,
                          FloatArray values, FloatArray out, IntArray xq, FloatArray xs, int heads, int kvHeads,
                          int headDim, int window, float scale, int tablePages, int form) {
        int t = context.groupIdx / heads;
        int head = context.groupIdx % heads;
        int lane = context.localIdx;
        int count = meta.get(COUNT);
        if (t < count) {
            int qDim = heads * headDim;
            int kvDim = kvHeads * headDim;
            int kvOffset = (head / (heads / kvHeads)) * headDim;
            int qAt = t * (qDim + 2 * kvDim) + head * headDim;
            int pos = meta.get(START) + t;
            int first = window > 0 ? TornadoMath.max(0, pos - window + 1) : 0;
            int length = pos - first + 1;
            int chains = meta.get(BATCH) == 1 && headDim % 4 == 0 ? 8 : 32;

            float[] chainSums = context.allocateFloatLocalArray(32 * MAX_HEAD_DIM);
            float[] result = context.allocateFloatLocalArray(MAX_HEAD_DIM);
            float[] weights = context.allocateFloatLocalArray(LANES);
            int[] slots = context.allocateIntLocalArray(LANES);
            float[] high = context.allocateFloatLocalArray(LANES);
            float[] low = context.allocateFloatLocalArray(LANES);
            for (int u = lane; u < chains * headDim; u += LANES) {
                chainSums[u] = 0.0f;
            }

            // The maximum score.
            float max = LOWEST;
            for (int i = lane; i < length; i += LANES) {
                max = TornadoMath.max(max, score(qkv, qAt, pages, keys, first + i, kvDim, kvOffset, headDim, scale,
                        tablePages));
            }
            high[lane] = max;
            context.localBarrier();
            max = LOWEST;
            for (int l = 0; l < LANES; l++) {
                max = TornadoMath.max(max, high[l]);
            }
            context.localBarrier();

            // Σ e: groups of eight in float, their sum as a pair of floats.
            float hi = 0.0f;
            float lo = 0.0f;
            for (int g = lane; 8 * g < length; g += LANES) {
                // sumOf8 of the group's eight: r_m = e_(m+4) + e_m, then (r0 + r2) + (r1 + r3).
                float r0 = 0.0f;
                float r1 = 0.0f;
                float r2 = 0.0f;
                float r3 = 0.0f;
                for (int m = 0; m < 4; m++) {
                    float r = exponential(qkv, qAt, pages, keys, first, 8 * g + m + 4, length, kvDim, kvOffset,
                            headDim, scale, tablePages, max)
                            + exponential(qkv, qAt, pages, keys, first, 8 * g + m, length, kvDim, kvOffset, headDim,
                            scale, tablePages, max);
                    if (m == 0) {
                        r0 = r;
                    } else if (m == 1) {
                        r1 = r;
                    } else if (m == 2) {
                        r2 = r;
                    } else {
                        r3 = r;
                    }
                }
                float v = (r0 + r2) + (r1 + r3);
                float s = hi + v;
                float part = s - hi;
                lo += (hi - (s - part)) + (v - part);
                hi = s;
            }
            high[lane] = hi;
            low[lane] = lo;
            context.localBarrier();
            float sumHi = 0.0f;
            float sumLo = 0.0f;
            for (int l = 0; l < LANES; l++) {
                float v = high[l];
                float s = sumHi + v;
                float part = s - sumHi;
                sumLo += (sumHi - (s - part)) + (v - part) + low[l];
                sumHi = s;
            }
            float inverse = pairReciprocal(sumHi, sumLo);

            // Σ weight · v, a tile of LANES positions at a time (a multiple of 32: chains keep their positions).
            for (int tile = 0; tile < length; tile += LANES) {
                int n = TornadoMath.min(LANES, length - tile);
                if (lane < n) {
                    int p = first + tile + lane;
                    slots[lane] = pages.get((p / PAGE) % tablePages) * PAGE + p % PAGE;
                    weights[lane] = exponential(qkv, qAt, pages, keys, first, tile + lane, length, kvDim, kvOffset,
                            headDim, scale, tablePages, max) * inverse;
                }
                context.localBarrier();
                for (int u = lane; u < chains * headDim; u += LANES) {
                    int d = u / chains;
                    float acc = chainSums[u];
                    for (int j = u % chains; j < n; j += chains) {
                        // v·w + acc: contracted by TornadoVM into ggml's fma(v, w, acc).
                        acc = values.get(slots[j] * kvDim + kvOffset + d) * weights[j] + acc;
                    }
                    chainSums[u] = acc;
                }
                context.localBarrier();
            }
            for (int d = lane; d < headDim; d += LANES) {
                int at = d * chains;
                float v;
                if (chains == 8) {
                    v = sumOf8(chainSums[at], chainSums[at + 1], chainSums[at + 2], chainSums[at + 3],
                            chainSums[at + 4], chainSums[at + 5], chainSums[at + 6], chainSums[at + 7]);
                } else {
                    // ggml's vec_dot_f32 reduction (as ggmlDot's): per lane (a0 + a2) + (a1 + a3), t_m = lane m + lane m+4, (t0 + t1) + (t2 + t3).
                    float t0 = ((chainSums[at] + chainSums[at + 16]) + (chainSums[at + 8] + chainSums[at + 24]))
                            + ((chainSums[at + 4] + chainSums[at + 20]) + (chainSums[at + 12] + chainSums[at + 28]));
                    float t1 = ((chainSums[at + 1] + chainSums[at + 17]) + (chainSums[at + 9] + chainSums[at + 25]))
                            + ((chainSums[at + 5] + chainSums[at + 21]) + (chainSums[at + 13] + chainSums[at + 29]));
                    float t2 = ((chainSums[at + 2] + chainSums[at + 18]) + (chainSums[at + 10] + chainSums[at + 26]))
                            + ((chainSums[at + 6] + chainSums[at + 22]) + (chainSums[at + 14] + chainSums[at + 30]));
                    float t3 = ((chainSums[at + 3] + chainSums[at + 19]) + (chainSums[at + 11] + chainSums[at + 27]))
                            + ((chainSums[at + 7] + chainSums[at + 23]) + (chainSums[at + 15] + chainSums[at + 31]));
                    v = (t0 + t1) + (t2 + t3);
                }
                result[d] = v;
            }
            context.localBarrier();
            int o = t * qDim + head * headDim;
            if (form == AS_Q8) {
                for (int b = lane; b < headDim >> 5; b += LANES) {
                    float amax = 0.0f;
                    for (int j = 0; j < 32; j++) {
                        amax = TornadoMath.max(amax, TornadoMath.abs(result[32 * b + j]));
                    }
                    float id = amax != 0.0f ? 127.0f / amax : 0.0f;
                    int block = (o >> 5) + b;
                    xs.set(block, roundToHalf(amax / 127.0f));
                    for (int j = 0; j < 32; j += 4) {
                        xq.set(block * 8 + (j >> 2), pack(quant(result[32 * b + j], id),
                                quant(result[32 * b + j + 1], id), quant(result[32 * b + j + 2], id),
                                quant(result[32 * b + j + 3], id)));
                    }
                }
            } else {
                for (int d = lane; d < headDim; d += LANES) {
                    float v = result[d];
                    out.set(o + d, form == AS_F16 ? roundToHalf(v) : v);
                }
            }
        }
    }

    /** ggml's {@code hsum_float_8} of eight lanes: the high half added to the low half, then pairs, then the last two. */
    static float sumOf8(float l0, float l1, float l2, float l3, float l4, float l5, float l6, float l7) {
        float r0 = l4 + l0;
        float r1 = l5 + l1;
        float r2 = l6 + l2;
        float r3 = l7 + l3;
        return (r0 + r2) + (r1 + r3);
    }

    /**
     * {@code e^(score − max)} by {@link #ggmlExp} for position {@code i} of the window (from
     * {@code first}), 0 past its {@code length} (a group of eight's missing lanes).
     */
    static float exponential(FloatArray qkv, int qAt, IntArray pages, FloatArray keys, int first, int i, int length,
                             int kvDim, int kvOffset, int headDim, float scale, int tablePages, float max) {
        float e = 0.0f;
        if (i < length) {
            e = ggmlExp(score(qkv, qAt, pages, keys, first + i, kvDim, kvOffset, headDim, scale, tablePages) - max);
        }
        return e;
    }

    /** {@code (q · k) · scale} for the key at position {@code p}, q·k by {@link #ggmlDot}. */
    static float score(FloatArray qkv, int qAt, IntArray pages, FloatArray keys, int p, int kvDim, int kvOffset,
                       int headDim, float scale, int tablePages) {
        int slot = pages.get((p / PAGE) % tablePages) * PAGE + p % PAGE;
        return ggmlDot(qkv, qAt, keys, slot * kvDim + kvOffset, headDim) * scale;
    }

    /**
     * ggml's {@code vec_dot_f32}: four accumulators of eight lanes over each 32 elements (element
     * {@code 32i + 8j + l} into accumulator j, lane l, by fused multiply-adds), each lane's four
     * added as {@code (a0 + a2) + (a1 + a3)}, then lanes {@code m} and {@code m + 4} added
     * ({@code t_m}), then {@code (t0 + t1) + (t2 + t3)}; then the elements past the last whole 32 added one by one.
     */
    static float ggmlDot(FloatArray a, int aAt, FloatArray b, int bAt, int n) {
        int whole = n & ~31;
        // t_m = lane(m) + lane(m + 4); lane(l) = (a_l + a_(l+16)) + (a_(l+8) + a_(l+24)), a_c the accumulators.
        float r0 = 0.0f;
        float r1 = 0.0f;
        float r2 = 0.0f;
        float r3 = 0.0f;
        for (int m = 0; m < 4; m++) {
            float laneLow = 0.0f;
            float laneHigh = 0.0f;
            for (int h = 0; h < 2; h++) {
                float a0 = 0.0f;
                float a1 = 0.0f;
                float a2 = 0.0f;
                float a3 = 0.0f;
                for (int j = 0; j < 4; j++) {
                    float acc = chain(a, aAt, b, bAt, whole, m + 4 * h + 8 * j);
                    if (j == 0) {
                        a0 = acc;
                    } else if (j == 1) {
                        a1 = acc;
                    } else if (j == 2) {
                        a2 = acc;
                    } else {
                        a3 = acc;
                    }
                }
                float l = (a0 + a2) + (a1 + a3);
                if (h == 0) {
                    laneLow = l;
                } else {
                    laneHigh = l;
                }
            }
            float r = laneHigh + laneLow;
            if (m == 0) {
                r0 = r;
            } else if (m == 1) {
                r1 = r;
            } else if (m == 2) {
                r2 = r;
            } else {
                r3 = r;
            }
        }
        float s = (r0 + r1) + (r2 + r3);
        for (int d = whole; d < n; d++) {
            // s + a·b rounded twice, as the CPU backend adds them: a subtraction, which TornadoVM does not fuse.
            float negativeProduct = 0.0f - a.get(aAt + d) * b.get(bAt + d);
            s = s - negativeProduct;
        }
        return s;
    }

    /** One of {@link #ggmlDot}'s 32 accumulators: the elements {@code c, c + 32, …} below {@code whole}, by fused multiply-adds. */
    static float chain(FloatArray a, int aAt, FloatArray b, int bAt, int whole, int c) {
        float acc = 0.0f;
        for (int d = c; d < whole; d += 32) {
            acc = a.get(aAt + d) * b.get(bAt + d) + acc;
        }
        return acc;
    }
}

package org.replique.engine.tornadovm;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * The transformer's kernels, written in Java and compiled by TornadoVM for the device. Every kernel
 * takes a chunk of up to {@link #CHUNK} tokens whose count (and first position) it reads from the
 * {@code meta} array, so the same compiled kernels serve a prompt chunk and a single decoded token.
 *
 * <p>They are {@link KernelContext} kernels with explicit work-groups of {@link #LANES} work-items:
 * reductions go through local memory and a barrier, never through TornadoVM's {@code @Reduce},
 * which is wrong on CPU OpenCL devices beyond two work-groups. No kernel touches the {@code half}
 * type (devices without {@code cl_khr_fp16} cannot compile it): F16 weights are decoded from their
 * bits, and activations rounded to F16, with exact integer and power-of-two arithmetic.
 *
 * <p>Layouts: activations are row-major, one row per token ({@code t · width}); a weight matrix is
 * row-major in one of the {@link DeviceMatrix} formats; the KV cache of a layer is a pool of
 * {@code slots × kvDim} floats handed out in pages of {@link #PAGE} positions: position {@code p}
 * of a sequence is in slot {@code pages[(p / PAGE) mod tablePages] · PAGE + p mod PAGE}.
 */
final class DeviceKernels {
    /** Work-items per work-group in every kernel (a warp on NVIDIA, half a wavefront on AMD). */
    static final int LANES = 32;
    /** Most tokens one pass evaluates; a longer prompt runs in chunks. */
    static final int CHUNK = 32;
    /** Largest head size the attention kernel's local buffers hold. */
    static final int MAX_HEAD_DIM = 256;
    /** Positions per page of the KV cache pool. */
    static final int PAGE = 32;

    /** {@code meta[COUNT]}: tokens in this pass; {@code meta[START]}: position of the first. */
    static final int COUNT = 0;
    static final int START = 1;

    /** A score no real one goes below; finite because fast-math builds may assume no infinities. */
    private static final float LOWEST = -3.0e38f;

    private DeviceKernels() {}

    // ---- Weights and activations ------------------------------------------------------------------

    /**
     * This lane's share of {@code W[row] · x[t]}. The activations come in the form the weights'
     * format multiplies with, as in ggml: F32 weights take the F32 activations {@code x}; F16
     * weights take them rounded to F16 (also in {@code x}); Q8_0 and Q4_0 weights take them
     * quantized to Q8_0 blocks ({@code xq}, {@code xs}), and each block's product is an exact integer
     * sum times the two scales. F32 and F16 rows are split among the lanes column by column, quantized
     * rows block by block. The format branch is the same for every work-item of a launch.
     */
    static float partialDot(int format, FloatArray f, ByteArray b, ShortArray h, int row, int cols,
                            FloatArray x, ByteArray xq, FloatArray xs, int t, int lane) {
        float sum = 0.0f;
        int base = row * cols;
        int xBase = t * cols;
        if (format == DeviceMatrix.F32) {
            for (int c = lane; c < cols; c += LANES) {
                sum += f.get(base + c) * x.get(xBase + c);
            }
        } else if (format == DeviceMatrix.F16) {
            for (int c = lane; c < cols; c += LANES) {
                sum += half(h.get(base + c)) * x.get(xBase + c);
            }
        } else if (format == DeviceMatrix.Q8_0) {
            // f: one scale per block of 32, b: the int8 quants.
            for (int k = lane; k < cols / 32; k += LANES) {
                int w = base + 32 * k;
                int a = xBase + 32 * k;
                int dot = 0;
                for (int j = 0; j < 32; j++) {
                    dot += b.get(w + j) * xq.get(a + j);
                }
                sum += dot * (f.get(w >> 5) * xs.get(a >> 5));
            }
        } else {
            // Q4_0, b: 16 bytes per block of 32; weight j is the low nibble of byte j for j < 16 and the
            // high nibble of byte j − 16 otherwise, offset by 8.
            for (int k = lane; k < cols / 32; k += LANES) {
                int block = (base >> 5) + k;
                int a = xBase + 32 * k;
                int dot = 0;
                for (int j = 0; j < 16; j++) {
                    int packed = b.get(block * 16 + j) & 0xff;
                    dot += ((packed & 15) - 8) * xq.get(a + j) + ((packed >> 4) - 8) * xq.get(a + j + 16);
                }
                sum += dot * (f.get(block) * xs.get(a >> 5));
            }
        }
        return sum;
    }

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

    /** The chunk's activations rounded to F16, one work-group per token: what F16 weights multiply. */
    static void roundActivations(KernelContext context, IntArray meta, FloatArray x, FloatArray out, int cols) {
        int t = context.groupIdx;
        if (t < meta.get(COUNT)) {
            for (int c = context.localIdx; c < cols; c += LANES) {
                out.set(t * cols + c, roundToHalf(x.get(t * cols + c)));
            }
        }
    }

    /**
     * The chunk's activations quantized to Q8_0 blocks, one work-group per token and one block per
     * lane, as ggml quantizes the input of Q8_0/Q4_0 weights: scale {@code amax/127} rounded to F16,
     * quants {@code rint(x · 127/amax)}.
     */
    static void quantizeActivations(KernelContext context, IntArray meta, FloatArray x, ByteArray quants,
                                    FloatArray scales, int cols) {
        int t = context.groupIdx;
        if (t < meta.get(COUNT)) {
            for (int k = context.localIdx; k < cols / 32; k += LANES) {
                int at = t * cols + 32 * k;
                float amax = 0.0f;
                for (int j = 0; j < 32; j++) {
                    amax = TornadoMath.max(amax, TornadoMath.abs(x.get(at + j)));
                }
                float d = amax / 127.0f;
                float id = amax != 0.0f ? 127.0f / amax : 0.0f;
                scales.set(at >> 5, roundToHalf(d));
                for (int j = 0; j < 32; j++) {
                    float v = x.get(at + j) * id;
                    float q = roundHalfEven(TornadoMath.abs(v));
                    quants.set(at + j, (byte) (v < 0.0f ? -q : q));
                }
            }
        }
    }

    // ---- Matrix products: one work-group per output row, every token of the chunk ----------------

    /** What {@link #product} does with {@code W · x}. */
    static final int STORE = 0;
    static final int ADD = 1;
    static final int SWIGLU = 2;

    /**
     * {@code W[row] · x[t]} for every token of the chunk, one work-group per output row:
     * {@link #STORE} writes it to {@code out[t][row]}, {@link #ADD} adds it there (a projection into
     * the residual stream), and {@link #SWIGLU} computes SwiGLU's first half,
     * {@code out[t][row] = silu(G[row] · x[t]) · (U[row] · x[t])}, from gate and up matrices stacked
     * in one ({@code rows} gate rows, then as many up rows).
     *
     * <p>One launch multiplies the chunk's whole activation matrix: a work-group streams its weight
     * row from device memory once and meets it again in cache for the chunk's other tokens. Each
     * lane's share is a register sum ({@link #partialDot}); the lane sums meet in local memory and
     * are added in a fixed order, so a token's result does not depend on what else the chunk holds.
     * (Decoding each weight once per chunk into local memory instead was slower on a CPU OpenCL
     * device, in prefill and decode both.)
     */
    static void product(KernelContext context, IntArray meta, FloatArray x, ByteArray xq, FloatArray xs,
                        FloatArray out, FloatArray f, ByteArray b, ShortArray h, int format, int rows, int cols,
                        int epilogue) {
        int row = context.groupIdx;
        int lane = context.localIdx;
        int count = meta.get(COUNT);
        float[] partial = context.allocateFloatLocalArray(2 * CHUNK * LANES);
        int parts = epilogue == SWIGLU ? 2 : 1;
        for (int part = 0; part < parts; part++) {
            for (int t = 0; t < count; t++) {
                partial[part * CHUNK * LANES + t * LANES + lane] =
                        partialDot(format, f, b, h, row + part * rows, cols, x, xq, xs, t, lane);
            }
        }
        context.localBarrier();
        for (int t = lane; t < count; t += LANES) {
            float sum = 0.0f;
            for (int l = 0; l < LANES; l++) {
                sum += partial[t * LANES + l];
            }
            int o = t * rows + row;
            if (epilogue == STORE) {
                out.set(o, sum);
            } else if (epilogue == ADD) {
                out.set(o, out.get(o) + sum);
            } else {
                float up = 0.0f;
                for (int l = 0; l < LANES; l++) {
                    up += partial[CHUNK * LANES + t * LANES + l];
                }
                out.set(o, sum / (1.0f + TornadoMath.exp(-sum)) * up);
            }
        }
    }

    // ---- Normalisation, rotation, attention -------------------------------------------------------

    /**
     * RMSNorm, one work-group per token: {@code out[t] = x[t] / sqrt(mean(x[t]²) + eps) · weight}.
     * With {@code lastOnly = 1} only the chunk's last token is normalised, into row 0 of
     * {@code out} (what the logits need).
     */
    static void rmsNorm(KernelContext context, IntArray meta, FloatArray x, FloatArray out, FloatArray weight,
                        int dim, float eps, int lastOnly) {
        int lane = context.localIdx;
        int count = meta.get(COUNT);
        int t = lastOnly == 1 ? count - 1 : context.groupIdx;
        if (t >= 0 && t < count) {
            float[] partial = context.allocateFloatLocalArray(LANES);
            float squares = 0.0f;
            for (int c = lane; c < dim; c += LANES) {
                float v = x.get(t * dim + c);
                squares += v * v;
            }
            partial[lane] = squares;
            context.localBarrier();
            float sum = 0.0f;
            for (int l = 0; l < LANES; l++) {
                sum += partial[l];
            }
            float scale = 1.0f / TornadoMath.sqrt(sum / dim + eps);
            int o = lastOnly == 1 ? 0 : t;
            for (int c = lane; c < dim; c += LANES) {
                out.set(o * dim + c, x.get(t * dim + c) * scale * weight.get(c));
            }
        }
    }

    /**
     * Rotary embedding of the chunk's queries and keys (in place in {@code qkv}, one work-group per
     * token) and the write of its keys and values into the cache. {@code rope} holds, per token,
     * the cosine and sine of each rotated pair's angle, computed on the host from the model's θ.
     */
    static void ropeAndStore(KernelContext context, IntArray meta, IntArray pages, FloatArray qkv, FloatArray rope,
                             FloatArray keys, FloatArray values, int heads, int kvHeads, int headDim, int ropeDims,
                             int tablePages) {
        int t = context.groupIdx;
        int lane = context.localIdx;
        int count = meta.get(COUNT);
        if (t < count) {
            int qDim = heads * headDim;
            int kvDim = kvHeads * headDim;
            int row = t * (qDim + 2 * kvDim);
            int pos = meta.get(START) + t;
            int slot = pages.get((pos / PAGE) % tablePages) * PAGE + pos % PAGE;
            int pairs = headDim / 2;
            for (int p = lane; p < heads * pairs; p += LANES) {
                int i = 2 * (p % pairs);
                if (i < ropeDims) {
                    int at = row + (p / pairs) * headDim + i;
                    float a = qkv.get(at);
                    float b = qkv.get(at + 1);
                    float cos = rope.get(t * ropeDims + i);
                    float sin = rope.get(t * ropeDims + i + 1);
                    qkv.set(at, a * cos - b * sin);
                    qkv.set(at + 1, a * sin + b * cos);
                }
            }
            for (int p = lane; p < kvHeads * pairs; p += LANES) {
                int i = 2 * (p % pairs);
                int within = (p / pairs) * headDim + i;
                float a = qkv.get(row + qDim + within);
                float b = qkv.get(row + qDim + within + 1);
                if (i < ropeDims) {
                    float cos = rope.get(t * ropeDims + i);
                    float sin = rope.get(t * ropeDims + i + 1);
                    float ra = a * cos - b * sin;
                    float rb = a * sin + b * cos;
                    a = ra;
                    b = rb;
                }
                keys.set(slot * kvDim + within, a);
                keys.set(slot * kvDim + within + 1, b);
            }
            for (int c = lane; c < kvDim; c += LANES) {
                values.set(slot * kvDim + c, qkv.get(row + qDim + kvDim + c));
            }
        }
    }

    /**
     * Causal grouped-query attention, one work-group per (token, head): softmax(q·Kᵀ·scale)·V over
     * the positions the token sees (all before it, or the last {@code window} when set), read
     * from the paged cache {@link #LANES} positions at a time with an online softmax, so no score
     * buffer grows with the context.
     */
    static void attention(KernelContext context, IntArray meta, IntArray pages, FloatArray qkv, FloatArray keys,
                          FloatArray values, FloatArray out, int heads, int kvHeads, int headDim, int window,
                          float scale, int tablePages) {
        int t = context.groupIdx / heads;
        int head = context.groupIdx % heads;
        int lane = context.localIdx;
        int count = meta.get(COUNT);
        if (t < count) {
            int qDim = heads * headDim;
            int kvDim = kvHeads * headDim;
            int kvOffset = (head / (heads / kvHeads)) * headDim;
            int pos = meta.get(START) + t;
            int first = window > 0 ? TornadoMath.max(0, pos - window + 1) : 0;

            float[] q = context.allocateFloatLocalArray(MAX_HEAD_DIM);
            float[] acc = context.allocateFloatLocalArray(MAX_HEAD_DIM);
            float[] weights = context.allocateFloatLocalArray(LANES);
            int[] slots = context.allocateIntLocalArray(LANES);
            for (int d = lane; d < headDim; d += LANES) {
                q[d] = qkv.get(t * (qDim + 2 * kvDim) + head * headDim + d);
                acc[d] = 0.0f;
            }
            context.localBarrier();

            float max = LOWEST;
            float sum = 0.0f;
            for (int tile = first; tile <= pos; tile += LANES) {
                int n = TornadoMath.min(LANES, pos - tile + 1);
                float score = LOWEST;
                if (lane < n) {
                    int p = tile + lane;
                    int slot = pages.get((p / PAGE) % tablePages) * PAGE + p % PAGE;
                    slots[lane] = slot;
                    float dot = 0.0f;
                    for (int d = 0; d < headDim; d++) {
                        dot += q[d] * keys.get(slot * kvDim + kvOffset + d);
                    }
                    score = dot * scale;
                }
                weights[lane] = score;
                context.localBarrier();

                float tileMax = LOWEST;
                for (int j = 0; j < n; j++) {
                    tileMax = TornadoMath.max(tileMax, weights[j]);
                }
                float newMax = TornadoMath.max(max, tileMax);
                float correction = TornadoMath.exp(max - newMax);
                context.localBarrier();
                weights[lane] = lane < n ? TornadoMath.exp(score - newMax) : 0.0f;
                context.localBarrier();

                float tileSum = 0.0f;
                for (int j = 0; j < n; j++) {
                    tileSum += weights[j];
                }
                sum = sum * correction + tileSum;
                max = newMax;
                for (int d = lane; d < headDim; d += LANES) {
                    float a = acc[d] * correction;
                    for (int j = 0; j < n; j++) {
                        a += weights[j] * values.get(slots[j] * kvDim + kvOffset + d);
                    }
                    acc[d] = a;
                }
                context.localBarrier();
            }
            for (int d = lane; d < headDim; d += LANES) {
                out.set(t * qDim + head * headDim + d, acc[d] / sum);
            }
        }
    }
}

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

    /** Forms of a product's input: F32 values (F32 weights), F16-rounded values (F16 weights), Q8_0 blocks (Q8_0 and Q4_0 weights). */
    static final int AS_F32 = 0;
    static final int AS_F16 = 1;
    static final int AS_Q8 = 2;

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

    /**
     * Quantizes 32 values into Q8_0 block {@code block}, as ggml quantizes the input of Q8_0/Q4_0
     * weights: scale {@code amax/127} rounded to F16, quants {@code rint(v · 127/amax)}. The values
     * are {@code x[at + j] · scale · weight[w + j]} with {@code useWeight = 1} (RMSNorm's output),
     * or {@code x[at + j]} itself with {@code useWeight = 0} ({@code scale} and {@code weight} are
     * then unused; a kernel passes any array, as TornadoVM has no null arguments). They are computed
     * again for each pass over them by the same float operations, so they round as stored F32 values
     * would.
     */
    static void quantizeBlock(FloatArray x, int at, float scale, FloatArray weight, int w, int useWeight,
                              IntArray xq, FloatArray xs, int block) {
        float amax = 0.0f;
        for (int j = 0; j < 32; j++) {
            float v = useWeight == 1 ? x.get(at + j) * scale * weight.get(w + j) : x.get(at + j);
            amax = TornadoMath.max(amax, TornadoMath.abs(v));
        }
        float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        xs.set(block, roundToHalf(amax / 127.0f));
        for (int j = 0; j < 32; j += 4) {
            float v0 = useWeight == 1 ? x.get(at + j) * scale * weight.get(w + j) : x.get(at + j);
            float v1 = useWeight == 1 ? x.get(at + j + 1) * scale * weight.get(w + j + 1) : x.get(at + j + 1);
            float v2 = useWeight == 1 ? x.get(at + j + 2) * scale * weight.get(w + j + 2) : x.get(at + j + 2);
            float v3 = useWeight == 1 ? x.get(at + j + 3) * scale * weight.get(w + j + 3) : x.get(at + j + 3);
            xq.set(block * 8 + (j >> 2), pack(quant(v0, id), quant(v1, id), quant(v2, id), quant(v3, id)));
        }
    }

    /**
     * The chunk's activations {@code x} ({@code cols} per token) in the form {@code form}, one
     * work-group per token: F16-rounded into {@code out}, or Q8_0 blocks into {@code xq}/{@code xs}
     * (one block per work-item). What the down projection multiplies, after SwiGLU.
     */
    static void convert(KernelContext context, IntArray meta, FloatArray x, FloatArray out, IntArray xq, FloatArray xs,
                        int cols, int form) {
        int t = context.groupIdx;
        if (t < meta.get(COUNT)) {
            if (form == AS_Q8) {
                int blocks = cols >> 5;
                for (int k = context.localIdx; k < blocks; k += LANES) {
                    quantizeBlock(x, t * cols + 32 * k, 1.0f, x, 0, 0, xq, xs, t * blocks + k);
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
     * RMSNorm, one work-group per token, written in the form the next product takes:
     * {@code x[t] / sqrt(mean(x[t]²) + eps) · weight} into {@code out} (F32, or rounded to F16), or
     * quantized to Q8_0 blocks into {@code xq}/{@code xs}. With {@code lastOnly = 1} only the
     * chunk's last token is normalised, into row 0 (what the logits need).
     */
    static void rmsNorm(KernelContext context, IntArray meta, FloatArray x, FloatArray weight, FloatArray out,
                          IntArray xq, FloatArray xs, int dim, float eps, int lastOnly, int form) {
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
            if (form == AS_Q8) {
                int blocks = dim >> 5;
                for (int k = lane; k < blocks; k += LANES) {
                    quantizeBlock(x, t * dim + 32 * k, scale, weight, 32 * k, 1, xq, xs, o * blocks + k);
                }
            } else {
                for (int c = lane; c < dim; c += LANES) {
                    float v = x.get(t * dim + c) * scale * weight.get(c);
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
     * in one ({@code rows} gate rows, then as many up rows).
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
                        int epilogue) {
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
                if (epilogue == STORE) {
                    out.set(o, sum);
                } else if (epilogue == ADD) {
                    out.set(o, out.get(o) + sum);
                } else if (part == 0) {
                    gate[t] = sum;
                } else {
                    float g = gate[t];
                    out.set(o, g / (1.0f + TornadoMath.exp(-g)) * sum);
                }
            }
            // The up rows reuse the partial sums' memory once the gate's are read.
            context.localBarrier();
        }
    }

    // ---- Rotation, attention ----------------------------------------------------------------------

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
     * buffer grows with the context. The head's output is written in the form the output
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
            int o = t * qDim + head * headDim;
            if (form == AS_Q8) {
                // Every acc[d] is final after the last tile's barrier: a work-item quantizes a block of 32.
                for (int b = lane; b < headDim >> 5; b += LANES) {
                    float amax = 0.0f;
                    for (int j = 0; j < 32; j++) {
                        amax = TornadoMath.max(amax, TornadoMath.abs(acc[32 * b + j] / sum));
                    }
                    float id = amax != 0.0f ? 127.0f / amax : 0.0f;
                    int block = (o >> 5) + b;
                    xs.set(block, roundToHalf(amax / 127.0f));
                    for (int j = 0; j < 32; j += 4) {
                        xq.set(block * 8 + (j >> 2), pack(quant(acc[32 * b + j] / sum, id),
                                quant(acc[32 * b + j + 1] / sum, id), quant(acc[32 * b + j + 2] / sum, id),
                                quant(acc[32 * b + j + 3] / sum, id)));
                    }
                }
            } else {
                for (int d = lane; d < headDim; d += LANES) {
                    float v = acc[d] / sum;
                    out.set(o + d, form == AS_F16 ? roundToHalf(v) : v);
                }
            }
        }
    }
}

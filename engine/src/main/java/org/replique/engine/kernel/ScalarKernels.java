package org.replique.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.InterleavedQ4_0;
import org.replique.engine.tensor.WeightLayout;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The reference kernels: plain loops that follow ggml's arithmetic (float accumulation, integer
 * dot products per Q8_0 block, softmax sum in double). Q8_0 follows ggml's x86 kernels operation
 * for operation, so that Q8_0 products round exactly as llama.cpp's do (quantized activations
 * turn the smallest rounding difference into a different quant now and then, which then shows in
 * the logits). Every faster implementation is tested against this one.
 */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public PreparedInput prepare(WeightMatrix w, float[] x, int rows, PreparedInput reuse) {
        return PreparedInput.of(PreparedInput.Format.forWeights(w.type()), x, rows, w.cols(), reuse);
    }

    @Override
    public void matmul(WeightMatrix w, PreparedInput x, float[] out) {
        matmul(w, x, out, 0, w.rows());
    }

    @Override
    public void matmul(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        int rows = w.rows();
        for (int t = 0; t < x.rows(); t++) {
            for (int r = rowStart; r < rowEnd; r++) {
                out[t * rows + r] = dot(w, r, x, t);
            }
        }
    }

    /** Row {@code r} of {@code w} times activation row {@code t} of {@code x}. */
    public static float dot(WeightMatrix w, int r, PreparedInput x, int t) {
        MemorySegment data = w.data();
        long base = r * w.rowBytes();
        int cols = w.cols();
        int xo = t * cols;
        switch (w.type()) {
            case F32 -> {
                float sum = 0;
                for (int c = 0; c < cols; c++) sum += data.get(Blocks.F32_LAYOUT, base + 4L * c) * x.values[xo + c];
                return sum;
            }
            case F16 -> {
                float sum = 0;
                for (int c = 0; c < cols; c++) sum += Blocks.f16(data, base + 2L * c) * x.values[xo + c];
                return sum;
            }
            case BF16 -> {
                float sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += Blocks.bf16ToFloat(data.get(Blocks.F16_LAYOUT, base + 2L * c)) * x.values[xo + c];
                }
                return sum;
            }
            case Q8_0 -> {
                // ggml's x86 Q8_0 dot product, operation for operation: eight lanes each hold the
                // exact integer sum of four neighbouring products of a block, scaled by
                // d_w·d_x and accumulated with a fused multiply-add, then summed pairwise.
                float[] lanes = new float[8];
                int so = xo / 32;
                for (int b = 0; b < cols / 32; b++) {
                    long block = base + 34L * b;
                    float d = Blocks.f16(data, block) * x.scales[so + b];
                    for (int lane = 0; lane < 8; lane++) {
                        int sumi = 0;
                        for (int j = 4 * lane; j < 4 * lane + 4; j++) {
                            sumi += data.get(ValueLayout.JAVA_BYTE, block + 2 + j) * x.quants[xo + 32 * b + j];
                        }
                        lanes[lane] = Math.fma(d, (float) sumi, lanes[lane]);
                    }
                }
                return sumOf8(lanes);
            }
            case Q4_0 -> {
                float sum = 0;
                int so = xo / 32;
                int blocks = cols / 32;
                boolean interleaved = w.layout() == WeightLayout.Q4_0_X8;
                for (int b = 0; b < blocks; b++) {
                    long block = base + 18L * b;
                    int q0 = xo + 32 * b;
                    int sumi = 0;
                    for (int j = 0; j < 16; j++) {
                        int low;
                        int high;
                        if (interleaved) {
                            low = InterleavedQ4_0.quant(data, blocks, r, b, j);
                            high = InterleavedQ4_0.quant(data, blocks, r, b, j + 16);
                        } else {
                            int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + j) & 0xff;
                            low = packed & 0x0f;
                            high = packed >>> 4;
                        }
                        sumi += (low - 8) * x.quants[q0 + j] + (high - 8) * x.quants[q0 + j + 16];
                    }
                    float d = interleaved ? InterleavedQ4_0.scale(data, blocks, r, b) : Blocks.f16(data, block);
                    sum += sumi * (d * x.scales[so + b]);
                }
                return sum;
            }
            default -> throw new AssertionError(w.type());
        }
    }

    /** ggml's {@code hsum_float_8}: the high half added to the low half, then pairs, then the last two. */
    static float sumOf8(float[] lanes) {
        float r0 = lanes[4] + lanes[0];
        float r1 = lanes[5] + lanes[1];
        float r2 = lanes[6] + lanes[2];
        float r3 = lanes[7] + lanes[3];
        return (r0 + r2) + (r1 + r3);
    }

    @Override
    public void attention(float[] q, int qOffset, float[] keys, float[] values, int headOffset, int stride, int slots,
                          int firstSlot, int length, int headDim, float scale, float[] scores, float[] out, int outOffset) {
        for (int i = 0; i < length; i++) {
            int k = ((firstSlot + i) % slots) * stride + headOffset;
            float s = 0;
            for (int d = 0; d < headDim; d++) s += q[qOffset + d] * keys[k + d];
            scores[i] = s * scale;
        }
        softmax(scores, length);
        java.util.Arrays.fill(out, outOffset, outOffset + headDim, 0f);
        for (int i = 0; i < length; i++) {
            float p = scores[i];
            int v = ((firstSlot + i) % slots) * stride + headOffset;
            for (int d = 0; d < headDim; d++) out[outOffset + d] += p * values[v + d];
        }
    }

    @Override
    public void attention(float[] q, int qOffset, short[] keys, short[] values, int headOffset, int stride, int slots,
                          int firstSlot, int length, int headDim, float scale, float[] scores, float[] out, int outOffset) {
        attentionF16(q, qOffset, keys, values, headOffset, stride, slots, firstSlot, length, headDim, scale, scores, out,
                outOffset);
    }

    static void attentionF16(float[] q, int qOffset, short[] keys, short[] values, int headOffset, int stride,
                             int slots, int firstSlot, int length, int headDim, float scale, float[] scores,
                             float[] out, int outOffset) {
        for (int i = 0; i < length; i++) {
            int k = ((firstSlot + i) % slots) * stride + headOffset;
            float s = 0;
            for (int d = 0; d < headDim; d++) {
                s += roundToF16(q[qOffset + d]) * Float.float16ToFloat(keys[k + d]);
            }
            scores[i] = s * scale;
        }
        softmax(scores, length);
        java.util.Arrays.fill(out, outOffset, outOffset + headDim, 0f);
        for (int i = 0; i < length; i++) {
            float p = roundToF16(scores[i]);
            int v = ((firstSlot + i) % slots) * stride + headOffset;
            for (int d = 0; d < headDim; d++) out[outOffset + d] += p * Float.float16ToFloat(values[v + d]);
        }
    }

    /**
     * In place: {@code scores[i] = e^(scores[i] − max) / Σ e^(…)}, the exponentials in float and
     * their sum in double, as ggml's soft_max does.
     */
    static void softmax(float[] scores, int length) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) max = Math.max(max, scores[i]);
        double sum = 0;
        for (int i = 0; i < length; i++) {
            float e = (float) Math.exp(scores[i] - max);
            scores[i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < length; i++) scores[i] *= inv;
    }

    static float roundToF16(float value) {
        return Float.float16ToFloat(Float.floatToFloat16(value));
    }

    @Override
    public void rope(float[] v, int offset, int heads, int headDim, int ropeDims, float[] cos, float[] sin) {
        ropeHeads(v, offset, heads, headDim, ropeDims, cos, sin);
    }

    static void ropeHeads(float[] v, int offset, int heads, int headDim, int ropeDims, float[] cos, float[] sin) {
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < ropeDims; i += 2) {
                float a = v[base + i];
                float b = v[base + i + 1];
                v[base + i] = a * cos[i] - b * sin[i];
                v[base + i + 1] = a * sin[i] + b * cos[i];
            }
        }
    }
}

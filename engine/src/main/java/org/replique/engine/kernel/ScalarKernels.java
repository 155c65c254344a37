package org.replique.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.InterleavedQ4_0;
import org.replique.engine.tensor.WeightLayout;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The reference kernels: plain loops that follow ggml's arithmetic (float accumulation, integer
 * dot products per quantized block, softmax sum in double). The quantized types follow ggml's x86
 * kernels operation for operation ({@link GgmlX86} says which kernel; {@link ScalarKQuants} has
 * the K-quants), so that their products round exactly as llama.cpp's do (quantized activations
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
            case Q8_0, Q4_0 -> {
                if (GgmlX86.interleaved(w)) return interleavedQ4_0(w, r, x, t);
                // ggml's x86 Q8_0 and Q4_0 dot products, operation for operation: eight lanes each
                // hold the exact integer sum of four neighbouring products of a block, scaled by
                // d_w·d_x and accumulated with a fused multiply-add, then summed pairwise.
                float[] lanes = new float[8];
                int so = xo / 32;
                for (int b = 0; b < cols / 32; b++) {
                    long block = base + w.type().blockBytes() * (long) b;
                    float d = Blocks.f16(data, block) * x.scales[so + b];
                    for (int lane = 0; lane < 8; lane++) {
                        int sumi = 0;
                        for (int j = 4 * lane; j < 4 * lane + 4; j++) {
                            sumi += quant(w.type(), data, block, j) * x.quants[xo + 32 * b + j];
                        }
                        lanes[lane] = Math.fma(d, (float) sumi, lanes[lane]);
                    }
                }
                return sumOf8(lanes);
            }
            case Q4_K, Q5_K, Q6_K -> {
                return ScalarKQuants.dot(w, r, x, t);
            }
            default -> throw new AssertionError(w.type());
        }
    }

    /**
     * ggml's interleaved Q4_0 kernel ({@code gemv_q4_0_8x8_q8_0}, and its {@code gemm}, which
     * rounds alike): one accumulator per row, adding each block's exact integer sum times
     * {@code d_w·d_x} with a fused multiply-add. Reads the file's layout or the backend's
     * interleaved copy ({@link WeightLayout#Q4_0_X8}), which is ggml's repacking in other words.
     */
    private static float interleavedQ4_0(WeightMatrix w, int r, PreparedInput x, int t) {
        MemorySegment data = w.data();
        int blocks = w.cols() / 32;
        boolean x8 = w.layout() == WeightLayout.Q4_0_X8;
        float acc = 0;
        for (int b = 0; b < blocks; b++) {
            long block = r * w.rowBytes() + 18L * b;
            int q0 = t * w.cols() + 32 * b;
            int sumi = 0;
            for (int j = 0; j < 32; j++) {
                int q = x8 ? InterleavedQ4_0.quant(data, blocks, r, b, j) - 8 : quant(GgmlType.Q4_0, data, block, j);
                sumi += q * x.quants[q0 + j];
            }
            float d = x8 ? InterleavedQ4_0.scale(data, blocks, r, b) : Blocks.f16(data, block);
            acc = Math.fma((float) sumi, d * x.scales[t * blocks + b], acc);
        }
        return acc;
    }

    /** Weight {@code j} of a Q8_0 block (−128..127) or of a Q4_0 block (−8..7). */
    private static int quant(GgmlType type, MemorySegment data, long block, int j) {
        if (type == GgmlType.Q8_0) return data.get(ValueLayout.JAVA_BYTE, block + 2 + j);
        int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + j % 16) & 0xff;
        return (j < 16 ? packed & 0x0f : packed >>> 4) - 8;
    }

    /** ggml's {@code hsum_float_8}: the high half added to the low half, then pairs, then the last two. */
    static float sumOf8(float[] lanes) {
        return sumOf8(lanes, 0);
    }

    /** {@link #sumOf8(float[])} of {@code lanes[from …from+8)}. */
    static float sumOf8(float[] lanes, int from) {
        float r0 = lanes[from + 4] + lanes[from];
        float r1 = lanes[from + 5] + lanes[from + 1];
        float r2 = lanes[from + 6] + lanes[from + 2];
        float r3 = lanes[from + 7] + lanes[from + 3];
        return (r0 + r2) + (r1 + r3);
    }

    /** ggml's attention arithmetic with an F32 cache ({@link GgmlAttention}). */
    @Override
    public void attention(float[] q, int qOffset, float[] keys, float[] values, int headOffset, int stride, int slots,
                          int firstSlot, int length, int headDim, float scale, boolean inBatch, float[] scores,
                          float[] out, int outOffset) {
        int whole = headDim & ~31;
        float[] acc = new float[32];
        for (int i = 0; i < length; i++) {
            int k = ((firstSlot + i) % slots) * stride + headOffset;
            java.util.Arrays.fill(acc, 0f);
            for (int d = 0; d < whole; d++) {
                acc[d % 32] = Math.fma(q[qOffset + d], keys[k + d], acc[d % 32]);
            }
            float s = GgmlAttention.reduce32(acc);
            for (int d = whole; d < headDim; d++) s += q[qOffset + d] * keys[k + d];
            scores[i] = s * scale;
        }
        GgmlAttention.softmax(scores, length);
        boolean batched = GgmlAttention.batchedValues(inBatch, headDim);
        float[] lanes = new float[8];
        for (int d = 0; d < headDim; d++) {
            float[] sums = batched ? lanes : acc;
            java.util.Arrays.fill(sums, 0f);
            for (int i = 0; i < length; i++) {
                float v = values[((firstSlot + i) % slots) * stride + headOffset + d];
                int lane = i % sums.length;
                sums[lane] = Math.fma(v, scores[i], sums[lane]);
            }
            out[outOffset + d] = batched ? sumOf8(lanes) : GgmlAttention.reduce32(acc);
        }
    }

    @Override
    public void attention(float[] q, int qOffset, short[] keys, short[] values, int headOffset, int stride, int slots,
                          int firstSlot, int length, int headDim, float scale, boolean inBatch, float[] scores,
                          float[] out, int outOffset) {
        attentionF16(q, qOffset, keys, values, headOffset, stride, slots, firstSlot, length, headDim, scale, scores, out,
                outOffset);
    }

    /**
     * Attention over an F16 cache: as ggml does, the query rounded to F16 for the q·k products and
     * the softmax weights rounded to F16 for the weighted sum of values, which are summed in
     * order (not ggml's order: with an F16 cache the engine agrees with llama.cpp to F16 rounding).
     */
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
        GgmlAttention.softmax(scores, length);
        java.util.Arrays.fill(out, outOffset, outOffset + headDim, 0f);
        for (int i = 0; i < length; i++) {
            float p = roundToF16(scores[i]);
            int v = ((firstSlot + i) % slots) * stride + headOffset;
            for (int d = 0; d < headDim; d++) out[outOffset + d] += p * Float.float16ToFloat(values[v + d]);
        }
    }

    static float roundToF16(float value) {
        return Float.float16ToFloat(Float.floatToFloat16(value));
    }

    @Override
    public void rope(float[] v, int offset, int heads, int headDim, int ropeDims, float[] cos, float[] sin) {
        ropeHeads(v, offset, heads, headDim, ropeDims, cos, sin);
    }

    /**
     * ggml's rotation of each pair {@code (a, b)}, as its x86 build compiles it (contracted to fused
     * multiply-adds): {@code (fma(a, cos, −(b·sin)), fma(a, sin, b·cos))}.
     */
    static void ropeHeads(float[] v, int offset, int heads, int headDim, int ropeDims, float[] cos, float[] sin) {
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < ropeDims; i += 2) {
                float a = v[base + i];
                float b = v[base + i + 1];
                v[base + i] = Math.fma(a, cos[i], -(b * sin[i]));
                v[base + i + 1] = Math.fma(a, sin[i], b * cos[i]);
            }
        }
    }
}

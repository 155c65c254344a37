package org.replique.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The reference kernels: plain loops that follow ggml's arithmetic (float accumulation, integer
 * dot products per Q8_0 block, softmax sum in double). Every faster implementation is tested
 * against this one.
 */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void matmul(WeightMatrix w, PreparedInput x, float[] out) {
        int rows = w.rows();
        for (int t = 0; t < x.rows(); t++) {
            for (int r = 0; r < rows; r++) {
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
                float sum = 0;
                int so = xo / 32;
                for (int b = 0; b < cols / 32; b++) {
                    long block = base + 34L * b;
                    int sumi = 0;
                    for (int j = 0; j < 32; j++) {
                        sumi += data.get(ValueLayout.JAVA_BYTE, block + 2 + j) * x.quants[xo + 32 * b + j];
                    }
                    sum += sumi * (Blocks.f16(data, block) * x.scales[so + b]);
                }
                return sum;
            }
            case Q4_0 -> {
                float sum = 0;
                int so = xo / 32;
                for (int b = 0; b < cols / 32; b++) {
                    long block = base + 18L * b;
                    int q0 = xo + 32 * b;
                    int sumi = 0;
                    for (int j = 0; j < 16; j++) {
                        int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + j) & 0xff;
                        sumi += ((packed & 0x0f) - 8) * x.quants[q0 + j] + ((packed >>> 4) - 8) * x.quants[q0 + j + 16];
                    }
                    sum += sumi * (Blocks.f16(data, block) * x.scales[so + b]);
                }
                return sum;
            }
            default -> throw new AssertionError(w.type());
        }
    }

    @Override
    public void attention(float[] q, int qOffset, float[] keys, float[] values, int headOffset, int stride, int slots,
                          int firstSlot, int length, int headDim, float scale, float[] scores, float[] out, int outOffset) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            int k = ((firstSlot + i) % slots) * stride + headOffset;
            float s = 0;
            for (int d = 0; d < headDim; d++) s += q[qOffset + d] * keys[k + d];
            s *= scale;
            scores[i] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int i = 0; i < length; i++) {
            float e = (float) Math.exp(scores[i] - max);
            scores[i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        java.util.Arrays.fill(out, outOffset, outOffset + headDim, 0f);
        for (int i = 0; i < length; i++) {
            float p = scores[i] * inv;
            int v = ((firstSlot + i) % slots) * stride + headOffset;
            for (int d = 0; d < headDim; d++) out[outOffset + d] += p * values[v + d];
        }
    }
}

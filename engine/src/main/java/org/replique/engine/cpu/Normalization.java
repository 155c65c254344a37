package org.replique.engine.cpu;

/**
 * The norms before attention, before the feed-forward and before the logits, each with ggml's
 * arithmetic so that results match llama.cpp's to the last bit where ggml's are deterministic.
 */
final class Normalization {
    private Normalization() {}

    /**
     * RMSNorm: {@code out = x / sqrt(mean(x²) + eps) · weight}; the sum of squares in double, as
     * ggml does.
     */
    static void rms(float[] out, int outOffset, float[] x, int xOffset, float[] weight, int dim, float eps) {
        double sum = 0;
        for (int i = 0; i < dim; i++) {
            float v = x[xOffset + i];
            sum += v * v;
        }
        float mean = (float) (sum / dim);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < dim; i++) {
            out[outOffset + i] = (x[xOffset + i] * scale) * weight[i];
        }
    }

    /**
     * LayerNorm: {@code out = (x − mean) / sqrt(var + eps) · weight + bias}, as ggml's
     * {@code ggml_norm} followed by {@code ggml_mul} and {@code ggml_add}: the sum of {@code x} in
     * double, rounded to float before dividing; the variance summed in double over groups of eight
     * squares that are first added in float the way ggml's AVX2 code reduces a vector
     * ({@code (s0+s4 + s2+s6) + (s1+s5 + s3+s7)}), then over the remaining squares one by one.
     */
    static void layer(float[] out, int outOffset, float[] x, int xOffset, float[] weight, float[] bias, int dim,
                      float eps) {
        double sum = 0;
        for (int i = 0; i < dim; i++) sum += x[xOffset + i];
        float mean = (float) sum / dim;
        double squares = 0;
        int i = 0;
        for (; i + 7 < dim; i += 8) {
            int o = outOffset + i;
            for (int k = 0; k < 8; k++) out[o + k] = x[xOffset + i + k] - mean;
            float s0 = out[o] * out[o] + out[o + 4] * out[o + 4];
            float s1 = out[o + 1] * out[o + 1] + out[o + 5] * out[o + 5];
            float s2 = out[o + 2] * out[o + 2] + out[o + 6] * out[o + 6];
            float s3 = out[o + 3] * out[o + 3] + out[o + 7] * out[o + 7];
            squares += (s0 + s2) + (s1 + s3);
        }
        for (; i < dim; i++) {
            float d = x[xOffset + i] - mean;
            out[outOffset + i] = d;
            squares += d * d;
        }
        float variance = (float) (squares / dim);
        float scale = 1.0f / (float) Math.sqrt(variance + eps);
        for (int j = 0; j < dim; j++) {
            out[outOffset + j] = out[outOffset + j] * scale * weight[j] + bias[j];
        }
    }
}

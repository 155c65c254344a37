package org.replique.engine.cpu;

/**
 * Rotary position embedding in the adjacent-pair form of GGUF {@code llama} files (llama.cpp's
 * "NORM" mode): within each head, the pair {@code (2i, 2i+1)} for {@code 2i < ropeDims} turns by
 * {@code pos · θ^(−2i/ropeDims)}. θ comes from the model file. The angles are built the way ggml
 * builds them (repeated float multiplication) so that they round identically.
 */
final class RotaryEmbedding {
    private final int ropeDims;
    private final int headDim;
    private final float thetaScale;

    RotaryEmbedding(int ropeDims, int headDim, float theta) {
        this.ropeDims = ropeDims;
        this.headDim = headDim;
        this.thetaScale = (float) Math.pow(theta, -2.0f / ropeDims);
    }

    /** Rotates {@code heads} consecutive heads starting at {@code offset} for position {@code pos}. */
    void apply(float[] v, int offset, int heads, int pos) {
        float[] cos = new float[ropeDims / 2];
        float[] sin = new float[ropeDims / 2];
        float angle = pos;
        for (int i = 0; i < ropeDims / 2; i++) {
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
            angle *= thetaScale;
        }
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < ropeDims / 2; i++) {
                float a = v[base + 2 * i];
                float b = v[base + 2 * i + 1];
                v[base + 2 * i] = a * cos[i] - b * sin[i];
                v[base + 2 * i + 1] = a * sin[i] + b * cos[i];
            }
        }
    }
}

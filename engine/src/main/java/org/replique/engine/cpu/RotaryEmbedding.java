package org.replique.engine.cpu;

import org.replique.engine.kernel.CMath;
import org.replique.engine.kernel.Kernels;

/**
 * Rotary position embedding in the adjacent-pair form of GGUF {@code llama} files (llama.cpp's
 * "NORM" mode): within each head, the pair {@code (2i, 2i+1)} for {@code 2i < ropeDims} turns by
 * {@code pos · θ^(−2i/ropeDims)}. θ comes from the model file. The angles are built the way ggml
 * builds them (repeated float multiplication, the C library's {@code powf}, {@code sinf} and
 * {@code cosf}: {@link CMath}) so that they round identically; the rotation itself is
 * {@link Kernels#rope}.
 */
final class RotaryEmbedding {
    private final int ropeDims;
    private final int headDim;
    private final float thetaScale;

    /** The cosines and sines of one position, each value twice (for both elements of its pair). */
    record Angles(float[] cos, float[] sin) {}

    RotaryEmbedding(int ropeDims, int headDim, float theta) {
        this.ropeDims = ropeDims;
        this.headDim = headDim;
        this.thetaScale = CMath.pow(theta, -2.0f / ropeDims);
    }

    /** The angles of position {@code pos}: computed once per token, used by every layer and head. */
    Angles angles(int pos) {
        float[] cos = new float[ropeDims];
        float[] sin = new float[ropeDims];
        float angle = pos;
        for (int i = 0; i < ropeDims; i += 2) {
            cos[i] = cos[i + 1] = CMath.cos(angle);
            sin[i] = sin[i + 1] = CMath.sin(angle);
            angle *= thetaScale;
        }
        return new Angles(cos, sin);
    }

    /** Rotates {@code heads} consecutive heads starting at {@code offset} by {@code angles}. */
    void apply(Kernels kernels, float[] v, int offset, int heads, Angles angles) {
        kernels.rope(v, offset, heads, headDim, ropeDims, angles.cos(), angles.sin());
    }
}

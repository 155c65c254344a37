package org.replique.engine.cpu;

import org.replique.engine.kernel.CMath;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.model.BlockLayout;

/**
 * Rotary position embedding: within each head, pair {@code i} for {@code 2i < ropeDims} turns by
 * {@code pos · θ^(−2i/ropeDims)}. Which two elements form pair {@code i} is the layout's
 * {@link BlockLayout.Rope}: {@code (2i, 2i+1)} in GGUF {@code llama} files (llama.cpp's "normal"
 * mode, rotated by {@link Kernels#rope}), {@code (i, i + ropeDims/2)} in Falcon's (llama.cpp's
 * "NeoX" mode). θ comes from the model file. The angles are built the way ggml builds them
 * (repeated float multiplication, the C library's {@code powf}, {@code sinf} and {@code cosf}:
 * {@link CMath}) so that they round identically.
 */
final class RotaryEmbedding {
    private final int ropeDims;
    private final int headDim;
    private final float thetaScale;
    private final BlockLayout.Rope pairs;

    /** The cosines and sines of one position, each value twice (for both elements of its pair). */
    record Angles(float[] cos, float[] sin) {}

    RotaryEmbedding(int ropeDims, int headDim, float theta, BlockLayout.Rope pairs) {
        this.ropeDims = ropeDims;
        this.headDim = headDim;
        this.thetaScale = CMath.pow(theta, -2.0f / ropeDims);
        this.pairs = pairs;
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
        if (pairs == BlockLayout.Rope.ADJACENT_PAIRS) {
            kernels.rope(v, offset, heads, headDim, ropeDims, angles.cos(), angles.sin());
        } else {
            rotateHalves(v, offset, heads, angles);
        }
    }

    /** NeoX's pairs: element {@code i} of the first half of the rotated part with element {@code i} of the second. */
    private void rotateHalves(float[] v, int offset, int heads, Angles angles) {
        int half = ropeDims / 2;
        float[] cos = angles.cos();
        float[] sin = angles.sin();
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < half; i++) {
                float a = v[base + i];
                float b = v[base + i + half];
                // ggml rotates both kinds of pairs with one expression, which its x86 build contracts
                // into the same fused multiply-adds as the adjacent pairs' (Kernels.rope).
                v[base + i] = Math.fma(a, cos[2 * i], -(b * sin[2 * i]));
                v[base + i + half] = Math.fma(a, sin[2 * i], b * cos[2 * i]);
            }
        }
    }
}

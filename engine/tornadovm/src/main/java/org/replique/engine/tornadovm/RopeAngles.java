package org.replique.engine.tornadovm;

import org.replique.engine.kernel.CMath;

/**
 * The rotation angles of rotary position embedding, computed on the host for each position of a
 * pass and uploaded with it: pair {@code i} of position {@code p} turns by {@code p · θ^(−2i/ropeDims)},
 * θ from the model file. They are built the way ggml (and the CPU backend) builds them, by repeated
 * float multiplication from the C library's {@code powf}, and their cosines and sines are the C
 * library's {@code sinf}/{@code cosf} ({@link CMath}, as ggml calls them), taken here rather than
 * by the device's {@code cos}/{@code sin}, whose error grows with the angle on fast-math GPU builds:
 * every device then rotates by exactly the CPU's (and llama.cpp's) angles.
 */
final class RopeAngles {
    private final int ropeDims;
    private final float thetaScale;

    RopeAngles(int ropeDims, float theta) {
        this.ropeDims = ropeDims;
        this.thetaScale = CMath.pow(theta, -2.0f / ropeDims);
    }

    /**
     * Fills {@code out} with, for each of {@code count} positions from {@code start}, the cosine
     * and sine of each pair: {@code out[t·ropeDims + 2i] = cos}, {@code out[t·ropeDims + 2i + 1] = sin}.
     */
    void fill(int start, int count, float[] out) {
        for (int t = 0; t < count; t++) {
            float angle = start + t;
            int base = t * ropeDims;
            for (int i = 0; i < ropeDims; i += 2) {
                out[base + i] = CMath.cos(angle);
                out[base + i + 1] = CMath.sin(angle);
                angle *= thetaScale;
            }
        }
    }
}

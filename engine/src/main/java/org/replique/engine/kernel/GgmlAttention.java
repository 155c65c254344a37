package org.replique.engine.kernel;

/**
 * The float arithmetic of ggml's attention with an F32 cache (no flash attention), which
 * {@link ScalarKernels} spells out and {@link VectorAttention} reproduces, so that attention
 * rounds as llama.cpp's x86 build does:
 * <ul>
 * <li>q·k is ggml's {@code vec_dot_f32}: four accumulators of eight lanes over each 32 elements
 *     (element {@code 32i + 8j + l} into accumulator j, lane l, with fused multiply-adds), reduced
 *     as {@link #reduce32}, then the elements past the last whole 32 added one by one;
 * <li>the softmax scales the scores, takes ggml's own {@link GgmlMath#exp} of each score minus the
 *     maximum, and sums each eight consecutive positions in float ({@link ScalarKernels#sumOf8})
 *     and those sums in double;
 * <li>the weighted sum of values runs over positions, like q·k for one token (decode), or, for a
 *     token among several (a prompt), as ggml's batched kernel (tinyBLAS) does: eight lanes,
 *     position p into lane {@code p mod 8}, summed as {@link ScalarKernels#sumOf8}.
 * </ul>
 * Positions count from the start of the attended window, as the cache cells do in llama.cpp.
 */
final class GgmlAttention {
    private GgmlAttention() {}

    /**
     * ggml's {@code vec_dot_f32} reduction of its four accumulators, given as 32 partial sums
     * {@code acc[8j + l]}: per lane {@code (a0 + a2) + (a1 + a3)}, then the two halves of the
     * eight lanes added, then pairs: {@code (t0 + t1) + (t2 + t3)}.
     */
    static float reduce32(float[] acc) {
        float[] s = new float[8];
        for (int l = 0; l < 8; l++) s[l] = (acc[l] + acc[16 + l]) + (acc[8 + l] + acc[24 + l]);
        float t0 = s[0] + s[4];
        float t1 = s[1] + s[5];
        float t2 = s[2] + s[6];
        float t3 = s[3] + s[7];
        return (t0 + t1) + (t2 + t3);
    }

    /**
     * In place: {@code scores[i] = e^(scores[i] − max) / Σ e^(…)} over the first {@code length}
     * scores, with ggml's {@link GgmlMath#exp}, its sums of eight in float and their sum in double, and the
     * reciprocal of the sum rounded to float.
     */
    static void softmax(float[] scores, int length) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) max = Math.max(max, scores[i]);
        double sum = 0;
        float[] group = new float[8];
        for (int i = 0; i < length; i += 8) {
            for (int l = 0; l < 8; l++) {
                float e = i + l < length ? GgmlMath.exp(scores[i + l] - max) : 0f;
                if (i + l < length) scores[i + l] = e;
                group[l] = e;
            }
            sum += ScalarKernels.sumOf8(group);
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < length; i++) scores[i] *= inv;
    }

    /** Whether ggml sums the values of a token among several with its batched kernel: head sizes of whole fours. */
    static boolean batchedValues(boolean inBatch, int headDim) {
        return inBatch && headDim % 4 == 0;
    }
}

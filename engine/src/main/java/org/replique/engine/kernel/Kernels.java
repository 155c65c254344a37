package org.replique.engine.kernel;

import org.replique.engine.tensor.WeightMatrix;

/**
 * The arithmetic the forward pass needs from a CPU implementation. Implementations must agree
 * with {@link ScalarKernels}, the plain reference, to float rounding: the forward pass and its
 * exactness tests do not depend on which one runs.
 */
public interface Kernels {

    /** A short name for logs and benchmarks. */
    String name();

    /**
     * {@code out[t·w.rows() + r] = W[r] · x[t]} for every row {@code r} and every activation row
     * {@code t < x.rows()}; {@code x} must be prepared in {@link PreparedInput.Format#forWeights}.
     */
    void matmul(WeightMatrix w, PreparedInput x, float[] out);

    /** Converts activations for multiplication with {@code w}. */
    default PreparedInput prepare(WeightMatrix w, float[] x, int rows) {
        return PreparedInput.of(PreparedInput.Format.forWeights(w.type()), x, rows, w.cols());
    }

    /**
     * Attention of one query head over {@code length} cached positions:
     * {@code out = Σ_p softmax(scale · q·k_p)_p · v_p}. The cache is a ring of {@code slots}
     * positions of {@code stride} floats; position {@code i} of the window is in slot
     * {@code (firstSlot + i) % slots}, and this head's {@code headDim} floats start at
     * {@code headOffset} within a slot. {@code scores} is scratch of at least {@code length} floats.
     */
    void attention(float[] q, int qOffset, float[] keys, float[] values, int headOffset, int stride, int slots,
                   int firstSlot, int length, int headDim, float scale, float[] scores, float[] out, int outOffset);
}

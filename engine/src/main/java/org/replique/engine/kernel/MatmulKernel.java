package org.replique.engine.kernel;

import org.replique.engine.tensor.WeightMatrix;

/**
 * One way of multiplying a weight matrix by a batch of prepared activations, as chosen by
 * {@link MatmulPlan}. Kernels may read forms of the activations they derive themselves
 * ({@link PreparedInput.View}); {@link #derive} computes them ahead, on the thread that prepares
 * the input, so that the threads sharing it find them ready.
 */
interface MatmulKernel {

    /** {@code out[t·w.rows() + r] = W[r] · x[t]} for {@code rowStart ≤ r < rowEnd} and every row t of x. */
    void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd);

    /** Derives the views of {@code x} that {@link #multiply} reads. */
    default void derive(PreparedInput x) {}
}

package org.replique.engine.kernel;

import org.replique.engine.tensor.InterleavedQ4_0;
import org.replique.engine.tensor.InterleavedQ4_K;
import org.replique.engine.tensor.WeightLayout;
import org.replique.engine.tensor.WeightMatrix;

/**
 * How the vector kernels multiply one weight matrix by a batch of activation rows: the form the
 * activations are prepared in (ggml's, so that products round as llama.cpp's do) and the kernel
 * that runs. {@link #of} is the one place where that choice is made, from the weight type, the
 * batch size, the weights' layout and this JVM's vector width ({@link VectorShapes}); preparing
 * the input and multiplying both follow it.
 *
 * <p>One to {@value #TILE_FROM}−1 activation rows (decoding) read the weights straight from the
 * mapping, each weight once per token; larger batches (prompts) go through tiled kernels that
 * decode each weight once per batch. Q4_0 and Q4_K weights that the backend copied interleaved
 * ({@link #layoutFor}, ggml's repacking) have their own decode kernels; the interleaved prompt
 * kernel reads either layout, and Q4_0 copies on sixteen-float vectors take
 * {@link Int16Q4_0Matmul}. Q6_K prompts put the tokens in the vector lanes ({@link Q6_KPromptMatmul}).
 */
record MatmulPlan(PreparedInput.Format format, MatmulKernel kernel) {
    /** Batch size from which the tiled kernels are used. */
    static final int TILE_FROM = 4;
    /**
     * Batch size from which Q6_K takes its prompt kernel where {@link Q6_KMatVec} runs: both round
     * as ggml's vec_dot does (every batch size takes it), and below eight tokens decoding the panel
     * costs more than it saves.
     */
    static final int Q6_K_TILE_FROM = 8;

    static MatmulPlan of(WeightMatrix w, int batch) {
        PreparedInput.Format format = PreparedInput.Format.forWeights(w.type());
        boolean tiled = batch >= TILE_FROM;
        MatmulKernel kernel = switch (w.type()) {
            case F32, F16, BF16 -> tiled ? TiledMatmul.KERNEL : FloatMatVec.KERNEL;
            case Q8_0 -> !tiled ? (Int16Q8MatVec.applies() ? Int16Q8MatVec.KERNEL : QuantizedMatVec.Q8_0)
                    : PairedQ8Matmul.applies() ? PairedQ8Matmul.KERNEL
                    : Int16Q8Matmul.applies() ? Int16Q8Matmul.KERNEL : TiledQ8Matmul.KERNEL;
            case Q4_0 -> !GgmlX86.interleaved(w) ? TiledQ8Matmul.KERNEL
                    : tiled ? (Int16Q4_0Matmul.applies(w) ? Int16Q4_0Matmul.KERNEL : InterleavedMatmul.KERNEL)
                    : w.layout() == WeightLayout.Q4_0_X8 ? InterleavedQ4_0Matmul.KERNEL : QuantizedMatVec.INTERLEAVED_Q4_0;
            case Q4_K -> !tiled ? (w.layout() == WeightLayout.Q4_K_X8 ? InterleavedQ4_KMatmul.KERNEL : KQuantMatVec.KERNEL)
                    : GgmlX86.interleaved(w) ? InterleavedMatmul.KERNEL : TiledKQuantMatmul.KERNEL;
            case Q5_K -> tiled ? TiledKQuantMatmul.KERNEL : KQuantMatVec.KERNEL;
            case Q6_K -> VectorShapes.L < 8 ? (tiled ? TiledKQuantMatmul.KERNEL : KQuantMatVec.KERNEL)
                    : batch >= Q6_K_TILE_FROM ? Q6_KPromptMatmul.KERNEL : Q6_KMatVec.KERNEL;
        };
        return new MatmulPlan(format, kernel);
    }

    /**
     * The layout these kernels multiply {@code w} fastest in: Q4_0 and Q4_K rows interleaved by
     * eight ({@link InterleavedQ4_0Matmul}, {@link InterleavedQ4_KMatmul}) where vectors hold eight
     * floats or more, else the file's (the other K-quants included).
     */
    static WeightLayout layoutFor(WeightMatrix w) {
        if (VectorShapes.L < 8) return WeightLayout.ROWS;
        if (InterleavedQ4_0.applies(w)) return WeightLayout.Q4_0_X8;
        if (InterleavedQ4_K.applies(w)) return WeightLayout.Q4_K_X8;
        return WeightLayout.ROWS;
    }
}

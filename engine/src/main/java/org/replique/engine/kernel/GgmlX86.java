package org.replique.engine.kernel;

import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Which of ggml's x86 (AVX2) kernels llama.cpp runs for a product, where that changes how its
 * float sums round. ggml repacks Q4_0 and Q4_K matrices whose row count is a multiple of eight
 * into interleaved groups of eight rows (its {@code CPU_REPACK} buffers) and multiplies them with
 * kernels that keep one float accumulator per row; every other matrix goes through its
 * {@code vec_dot}, with eight lanes of four neighbouring products. The interleaved Q4_K kernel
 * takes the tokens of a batch four at a time ({@code gemm}), adding to the accumulator every 64
 * weights, and the last {@code batch mod 4} tokens one at a time ({@code gemv}), every 256.
 * {@link ScalarKernels} spells each arithmetic out; the vector kernels reproduce it.
 */
final class GgmlX86 {
    private GgmlX86() {}

    /** Whether ggml multiplies {@code w} with its interleaved (repacked) kernels. */
    static boolean interleaved(WeightMatrix w) {
        return (w.type() == GgmlType.Q4_0 || w.type() == GgmlType.Q4_K) && w.rows() % 8 == 0;
    }

    /** Whether token {@code t} of a batch of {@code batch} is multiplied in a group of four. */
    static boolean inGroupOfFour(int t, int batch) {
        return t < batch - batch % 4;
    }
}

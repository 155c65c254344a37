package org.replique.engine.tensor;

/** How a {@link WeightMatrix}'s blocks are arranged in memory. */
public enum WeightLayout {
    /** As in GGUF files: row after row, each row's blocks in order. */
    ROWS,
    /**
     * Q4_0 rows interleaved in groups of eight ({@link InterleavedQ4_0}), so that one vector load
     * gives the same columns of eight rows: made at load for the vector kernels, never in a file.
     */
    Q4_0_X8,
    /**
     * Q4_K rows interleaved in groups of eight ({@link InterleavedQ4_K}), the sub-block scales and
     * mins repacked for vector unpacking: made at load for the vector kernels, never in a file.
     */
    Q4_K_X8
}

package org.replique.engine.tensor;

/**
 * Where each row of a matrix is stored: the rows the forward pass means (logical rows) are not
 * always in that order in the file. Hugging Face checkpoints keep the Q and K projections of
 * Llama/Mistral in "rotate-half" order — within each head, the first half of the rows pairs with
 * the second half for RoPE — while the engine (like ggml's {@code LLAMA_ROPE_TYPE_NORM}) rotates
 * adjacent pairs. Reordering rows moves whole dot products, so results stay bit-exact.
 */
public sealed interface RowOrder {

    /** Rows stored as they are used. */
    RowOrder IDENTITY = new Identity();

    /** The stored row holding logical row {@code row}. */
    int storedRow(int row);

    default boolean isIdentity() {
        return this instanceof Identity;
    }

    /**
     * Hugging Face's rotate-half layout with heads of {@code headDim} rows: logical row
     * {@code h·headDim + 2i + j} (pair {@code i}, element {@code j} ∈ {0, 1}) is stored at
     * {@code h·headDim + j·headDim/2 + i}. This is the order llama.cpp's converter undoes when it
     * writes a GGUF.
     */
    static RowOrder rotateHalf(int headDim) {
        return new RotateHalf(headDim);
    }

    record Identity() implements RowOrder {
        @Override
        public int storedRow(int row) {
            return row;
        }
    }

    record RotateHalf(int headDim) implements RowOrder {
        public RotateHalf {
            if (headDim <= 0 || headDim % 2 != 0) {
                throw new IllegalArgumentException("rotate-half order needs an even head size, not " + headDim);
            }
        }

        @Override
        public int storedRow(int row) {
            int head = row / headDim;
            int within = row % headDim;
            return head * headDim + (within % 2) * (headDim / 2) + within / 2;
        }
    }
}

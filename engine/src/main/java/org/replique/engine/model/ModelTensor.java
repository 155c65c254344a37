package org.replique.engine.model;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.RowOrder;

/**
 * One tensor of a model under the engine's (GGUF) name: its element type, its shape in ggml order
 * ({@code shape[0]} is the contiguous dimension: a matrix of {@code rows × cols} is
 * {@code [cols, rows]}), its bytes inside the mapped file, and the order its rows are stored in.
 */
public record ModelTensor(String name, GgmlType type, long[] shape, MemorySegment data, RowOrder order) {

    public long elementCount() {
        long n = 1;
        for (long dim : shape) n *= dim;
        return n;
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }
}

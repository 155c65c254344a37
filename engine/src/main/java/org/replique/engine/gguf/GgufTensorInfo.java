package org.replique.engine.gguf;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One tensor of a GGUF file: its name, shape in ggml order ({@code shape[0]} is the contiguous
 * dimension), element type, and the slice of the mapped file that holds its bytes.
 */
public record GgufTensorInfo(String name, long[] shape, GgmlType type, long offset, MemorySegment data) {

    public long elementCount() {
        long n = 1;
        for (long dim : shape) {
            n *= dim;
        }
        return n;
    }

    public long byteSize() {
        return type.bytesFor(elementCount());
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }
}

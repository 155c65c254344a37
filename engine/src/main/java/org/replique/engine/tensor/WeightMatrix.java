package org.replique.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.replique.engine.gguf.GgmlType;

/**
 * A weight matrix of {@code rows × cols} kept in its file encoding inside the mapped model: row
 * {@code r} is {@code cols} weights, quantized along the row in blocks of {@link GgmlType#blockSize()}.
 * A GGUF tensor of shape {@code [cols, rows]} (ggml order) maps to this directly.
 *
 * <p>{@code data} holds the rows in {@code order}: kernels read and compute stored rows as they
 * lie (a row's dot product does not depend on where the row is), and whoever hands their results
 * to the forward pass puts them in logical order ({@code cpu.ParallelMatmul}); consumers that
 * copy the weights elsewhere take {@link #inLogicalOrder()}.
 */
public record WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data, RowOrder order) {

    /** A matrix whose rows are stored in logical order. */
    public WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        this(name, type, rows, cols, data, RowOrder.IDENTITY);
    }

    public WeightMatrix {
        java.util.Objects.requireNonNull(order, "order");
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": " + cols + " columns is not a multiple of the " + type + " block");
        }
        if (data.byteSize() != type.bytesFor((long) rows * cols)) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for " + rows + "×" + cols + " " + type);
        }
        if (order instanceof RowOrder.RotateHalf(int headDim) && rows % headDim != 0) {
            throw new IllegalArgumentException(name + ": " + rows + " rows are not whole heads of " + headDim);
        }
    }

    /** Bytes of one row. */
    public long rowBytes() {
        return type.bytesFor(cols);
    }

    /** Decodes logical row {@code row} to floats, as ggml's {@code get_rows} does (embedding lookup). */
    public void dequantizeRow(int row, float[] out, int offset) {
        Blocks.dequantize(type, data, order.storedRow(row) * rowBytes(), cols, out, offset);
    }

    /**
     * This matrix with its rows stored in logical order: itself when they already are, else a copy
     * (in memory that lives as long as the copy is reachable).
     */
    public WeightMatrix inLogicalOrder() {
        if (order.isIdentity()) return this;
        long rowBytes = rowBytes();
        MemorySegment copy = Arena.ofAuto().allocate(data.byteSize(), 64);
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(data, order.storedRow(r) * rowBytes, copy, r * rowBytes, rowBytes);
        }
        return new WeightMatrix(name, type, rows, cols, copy);
    }
}

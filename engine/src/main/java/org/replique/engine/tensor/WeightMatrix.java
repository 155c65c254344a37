package org.replique.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.replique.engine.gguf.GgmlType;

/**
 * A weight matrix of {@code rows × cols} kept in its file encoding inside the mapped model: row
 * {@code r} is {@code cols} weights, quantized along the row in blocks of {@link GgmlType#blockSize()}.
 * A GGUF tensor of shape {@code [cols, rows]} (ggml order) maps to this directly. A copy made for
 * the kernels may arrange the same blocks otherwise ({@link WeightLayout}).
 *
 * <p>{@code data} holds the rows in {@code order}: kernels read and compute stored rows as they
 * lie (a row's dot product does not depend on where the row is), and whoever hands their results
 * to the forward pass puts them in logical order ({@code cpu.ParallelMatmul}); consumers that
 * copy the weights elsewhere take {@link #inLogicalOrder()}.
 */
public record WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data, RowOrder order,
                           WeightLayout layout) {

    /** A matrix whose rows are stored in logical order, in the file's layout. */
    public WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        this(name, type, rows, cols, data, RowOrder.IDENTITY, WeightLayout.ROWS);
    }

    /** A matrix in the file's layout whose rows are stored in {@code order}. */
    public WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data, RowOrder order) {
        this(name, type, rows, cols, data, order, WeightLayout.ROWS);
    }

    public WeightMatrix {
        java.util.Objects.requireNonNull(order, "order");
        java.util.Objects.requireNonNull(layout, "layout");
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": " + cols + " columns is not a multiple of the " + type + " block");
        }
        if (data.byteSize() != type.bytesFor((long) rows * cols)) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for " + rows + "×" + cols + " " + type);
        }
        if (order instanceof RowOrder.RotateHalf(int headDim) && rows % headDim != 0) {
            throw new IllegalArgumentException(name + ": " + rows + " rows are not whole heads of " + headDim);
        }
        if (layout == WeightLayout.Q4_0_X8 && (type != GgmlType.Q4_0 || rows % InterleavedQ4_0.ROWS != 0)) {
            throw new IllegalArgumentException(name + ": " + layout + " needs Q4_0 rows in groups of "
                    + InterleavedQ4_0.ROWS + ", not " + rows + " " + type + " rows");
        }
        if (layout == WeightLayout.Q4_K_X8 && (type != GgmlType.Q4_K || rows % InterleavedQ4_K.ROWS != 0)) {
            throw new IllegalArgumentException(name + ": " + layout + " needs Q4_K rows in groups of "
                    + InterleavedQ4_K.ROWS + ", not " + rows + " " + type + " rows");
        }
    }

    /** Bytes of one row. */
    public long rowBytes() {
        return type.bytesFor(cols);
    }

    /** Decodes logical row {@code row} to floats, as ggml's {@code get_rows} does (embedding lookup). */
    public void dequantizeRow(int row, float[] out, int offset) {
        int stored = order.storedRow(row);
        if (layout == WeightLayout.Q4_0_X8) {
            InterleavedQ4_0.dequantizeRow(data, cols, stored, out, offset);
        } else if (layout == WeightLayout.Q4_K_X8) {
            InterleavedQ4_K.dequantizeRow(data, cols, stored, out, offset);
        } else {
            Blocks.dequantize(type, data, stored * rowBytes(), cols, out, offset);
        }
    }

    /**
     * This matrix with its rows stored in logical order, in the file's layout: itself when they
     * already are, else a copy (in memory that lives as long as the copy is reachable).
     */
    public WeightMatrix inLogicalOrder() {
        if (order.isIdentity() && layout == WeightLayout.ROWS) return this;
        if (layout != WeightLayout.ROWS) {
            throw new UnsupportedOperationException(name + ": rows of a " + layout + " copy cannot be reordered");
        }
        long rowBytes = rowBytes();
        MemorySegment copy = Arena.ofAuto().allocate(data.byteSize(), 64);
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(data, order.storedRow(r) * rowBytes, copy, r * rowBytes, rowBytes);
        }
        return new WeightMatrix(name, type, rows, cols, copy);
    }
}

package org.replique.engine.tensor;

import java.lang.foreign.MemorySegment;
import org.replique.engine.gguf.GgmlType;

/**
 * A weight matrix of {@code rows × cols} kept in its file encoding inside the mapped model: row
 * {@code r} is {@code cols} weights, quantized along the row in blocks of {@link GgmlType#blockSize()}.
 * A GGUF tensor of shape {@code [cols, rows]} (ggml order) maps to this directly. A copy made for
 * the kernels may arrange the same blocks otherwise ({@link WeightLayout}).
 */
public record WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data, WeightLayout layout) {

    public WeightMatrix {
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": " + cols + " columns is not a multiple of the " + type + " block");
        }
        if (data.byteSize() != type.bytesFor((long) rows * cols)) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for " + rows + "×" + cols + " " + type);
        }
        if (layout == WeightLayout.Q4_0_X8 && (type != GgmlType.Q4_0 || rows % InterleavedQ4_0.ROWS != 0)) {
            throw new IllegalArgumentException(name + ": " + layout + " needs Q4_0 rows in groups of "
                    + InterleavedQ4_0.ROWS + ", not " + rows + " " + type + " rows");
        }
    }

    /** A matrix in the file's layout, row after row. */
    public WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        this(name, type, rows, cols, data, WeightLayout.ROWS);
    }

    /** Bytes of one row. */
    public long rowBytes() {
        return type.bytesFor(cols);
    }

    /** Decodes row {@code row} to floats, as ggml's {@code get_rows} does (embedding lookup). */
    public void dequantizeRow(int row, float[] out, int offset) {
        if (layout == WeightLayout.Q4_0_X8) {
            InterleavedQ4_0.dequantizeRow(data, cols, row, out, offset);
        } else {
            Blocks.dequantize(type, data, row * rowBytes(), cols, out, offset);
        }
    }
}

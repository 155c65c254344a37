package org.replique.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.replique.engine.gguf.GgmlType;

/**
 * The {@link WeightLayout#Q4_0_X8} arrangement of a Q4_0 matrix: rows in groups of eight, the
 * group's blocks interleaved so that kernels can hold eight rows in the lanes of one vector.
 *
 * <p>Group {@code g} (rows {@code 8g … 8g+7}) takes the bytes that its eight rows take in the
 * file, {@code 8 × 18 × cols/32}, one 144-byte record per block column {@code b}:
 * <pre>
 *   bytes 0..15     the eight rows' f16 scales d, row 0 first
 *   bytes 16..143   four chunks c = 0..3 of eight little-endian ints, row 0 first; bits 4k..4k+3
 *                   of row i's int hold the unsigned quant q (w = d·(q − 8)) of column 8c + k
 * </pre>
 * The matrix keeps its size, and each weight its f16 scale and 4-bit quant: only their places
 * change. A 32-byte load of chunk {@code c} gives the quants of columns {@code 8c…8c+7} of all
 * eight rows, and the low nibbles of its ints are column {@code 8c}, and so on.
 */
public final class InterleavedQ4_0 {
    /** Rows per group. */
    public static final int ROWS = 8;
    /** Bytes of one block column of a group: eight scales and eight rows × 16 bytes of quants. */
    public static final int RECORD = ROWS * 18;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_IN_ARRAY = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_IN_ARRAY = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_IN_ARRAY = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private InterleavedQ4_0() {}

    /** Whether {@code w} has the shape this layout takes: Q4_0 in the file's layout, whole groups of rows. */
    public static boolean applies(WeightMatrix w) {
        return w.type() == GgmlType.Q4_0 && w.layout() == WeightLayout.ROWS && w.rows() % ROWS == 0;
    }

    /**
     * Writes {@code w} ({@link #applies}) interleaved into {@code target} and returns the new
     * matrix, or null when a block scale is infinite or NaN: kernels widen scales with integer
     * arithmetic that leaves those out, so such a matrix keeps the file's layout.
     */
    public static WeightMatrix interleave(WeightMatrix w, MemorySegment target) {
        if (!applies(w)) throw new IllegalArgumentException(w.name() + " cannot be interleaved");
        MemorySegment source = w.data();
        MemorySegment out = target.asSlice(0, source.byteSize());
        int blocks = w.cols() / 32;
        int groupBytes = (int) (ROWS * w.rowBytes());
        // A group at a time through heap arrays: bulk copies in and out, plain array arithmetic between.
        byte[] rows = new byte[groupBytes];
        byte[] records = new byte[groupBytes];
        for (int g = 0; g < w.rows() / ROWS; g++) {
            MemorySegment.copy(source, ValueLayout.JAVA_BYTE, (long) g * groupBytes, rows, 0, groupBytes);
            for (int i = 0; i < ROWS; i++) {
                int row = i * groupBytes / ROWS;
                for (int b = 0; b < blocks; b++) {
                    int block = row + 18 * b;
                    int record = RECORD * b;
                    short scale = (short) SHORT_IN_ARRAY.get(rows, block);
                    if ((scale & 0x7c00) == 0x7c00) return null;
                    SHORT_IN_ARRAY.set(records, record + 2 * i, scale);
                    // Bytes 0..7 and 8..15 of the block: low nibbles are weights 0..15, high ones 16..31.
                    long first = (long) LONG_IN_ARRAY.get(rows, block + 2);
                    long second = (long) LONG_IN_ARRAY.get(rows, block + 10);
                    int chunk = record + 16 + 4 * i;
                    INT_IN_ARRAY.set(records, chunk, packNibbles(first));
                    INT_IN_ARRAY.set(records, chunk + 32, packNibbles(second));
                    INT_IN_ARRAY.set(records, chunk + 64, packNibbles(first >>> 4));
                    INT_IN_ARRAY.set(records, chunk + 96, packNibbles(second >>> 4));
                }
            }
            MemorySegment.copy(records, 0, out, ValueLayout.JAVA_BYTE, (long) g * groupBytes, groupBytes);
        }
        return new WeightMatrix(w.name(), w.type(), w.rows(), w.cols(), out, w.order(), WeightLayout.Q4_0_X8);
    }

    /** The low nibble of each byte of {@code bytes}, byte k's in bits 4k..4k+3 of the result. */
    static int packNibbles(long bytes) {
        long x = bytes & 0x0f0f0f0f0f0f0f0fL;
        x = (x | (x >>> 4)) & 0x00ff00ff00ff00ffL;
        x = (x | (x >>> 8)) & 0x0000ffff0000ffffL;
        return (int) (x | (x >>> 16));
    }

    /** Byte offset of group {@code g}'s record for block column {@code b}, in a matrix of {@code blocks} per row. */
    public static long recordOffset(int blocks, int g, int b) {
        return ((long) g * blocks + b) * RECORD;
    }

    /** The f16 scale of {@code row}'s block {@code b}. */
    public static float scale(MemorySegment data, int blocks, int row, int b) {
        return Blocks.f16(data, recordOffset(blocks, row / ROWS, b) + 2L * (row % ROWS));
    }

    /** The unsigned quant (0..15) of {@code row}'s weight {@code j} (0..31) in block {@code b}. */
    public static int quant(MemorySegment data, int blocks, int row, int b, int j) {
        long at = recordOffset(blocks, row / ROWS, b) + 16 + 32L * (j / 8) + 4L * (row % ROWS);
        return (data.get(INT, at) >>> (4 * (j % 8))) & 0xf;
    }

    /** Decodes {@code row} (all its columns) into {@code out}, as {@link Blocks#dequantize} does the file's rows. */
    static void dequantizeRow(MemorySegment data, int cols, int row, float[] out, int offset) {
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            float d = scale(data, blocks, row, b);
            for (int j = 0; j < 32; j++) out[offset + 32 * b + j] = d * (quant(data, blocks, row, b, j) - 8);
        }
    }
}

package org.replique.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.replique.engine.gguf.GgmlType;

/**
 * The {@link WeightLayout#Q4_K_X8} arrangement of a Q4_K matrix: rows in groups of eight, the
 * group's blocks interleaved so that kernels can hold eight rows in the lanes of one vector, and
 * the 6-bit sub-block scales and mins repacked so that a few vector operations unpack all of them.
 *
 * <p>Group {@code g} (rows {@code 8g … 8g+7}) takes the bytes that its eight rows take in the
 * file, {@code 8 × 144 × cols/256}, one 1152-byte record per block column {@code b}:
 * <pre>
 *   bytes 0..15       the eight rows' f16 scales d, row 0 first
 *   bytes 16..31      the eight rows' f16 min scales dmin
 *   bytes 32..127     the eight rows' 12 bytes of packed 6-bit scales and mins, as in the file,
 *                     read as three little-endian ints u0, u1, u2: u0 of row i at 32 + 4i, u1 at
 *                     64 + 4i, u2 at 96 + 4i
 *   bytes 128..1151   32 chunks c = 0..31 of eight little-endian ints, row 0 first; bits 4k..4k+3
 *                     of row i's int hold the quant q (w = d·sc·q − dmin·m) of column 8c + k
 * </pre>
 * Each weight keeps its quant and each block its scales: only their places change. A 32-byte
 * load of chunk {@code c} gives columns {@code 8c…8c+7} of all eight rows, within sub-block
 * {@code c/4}; read as sixteen shorts, short {@code 2i} holds row i's columns {@code 8c…8c+3}, short
 * {@code 2i+1} its columns {@code 8c+4…8c+7}. Three 32-byte loads give the packed scales and mins
 * of eight rows, one row per int lane, which shifts and masks unpack in the lanes.
 */
public final class InterleavedQ4_K {
    /** Rows per group. */
    public static final int ROWS = 8;
    /** Bytes of one block column of a group: eight rows' 144-byte blocks. */
    public static final int RECORD = ROWS * 144;
    /** Where a record's packed scales and mins start. */
    public static final int SCALES = 32;
    /** Where a record's quants start. */
    public static final int QUANTS = 128;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_IN_ARRAY = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_IN_ARRAY = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_IN_ARRAY = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private InterleavedQ4_K() {}

    /** Whether {@code w} has the shape this layout takes: Q4_K in the file's layout, whole groups of rows. */
    public static boolean applies(WeightMatrix w) {
        return w.type() == GgmlType.Q4_K && w.layout() == WeightLayout.ROWS && w.rows() % ROWS == 0;
    }

    /**
     * Writes {@code w} ({@link #applies}) interleaved into {@code target} and returns the new
     * matrix, or null when a block's d or dmin is infinite or NaN: kernels widen them with integer
     * arithmetic that leaves those out, so such a matrix keeps the file's layout.
     */
    public static WeightMatrix interleave(WeightMatrix w, MemorySegment target) {
        if (!applies(w)) throw new IllegalArgumentException(w.name() + " cannot be interleaved");
        MemorySegment source = w.data();
        MemorySegment out = target.asSlice(0, source.byteSize());
        int blocks = w.cols() / 256;
        int groupBytes = (int) (ROWS * w.rowBytes());
        byte[] rows = new byte[groupBytes];
        byte[] records = new byte[groupBytes];
        for (int g = 0; g < w.rows() / ROWS; g++) {
            MemorySegment.copy(source, ValueLayout.JAVA_BYTE, (long) g * groupBytes, rows, 0, groupBytes);
            for (int i = 0; i < ROWS; i++) {
                int row = i * groupBytes / ROWS;
                for (int b = 0; b < blocks; b++) {
                    int block = row + 144 * b;
                    int record = RECORD * b;
                    short d = (short) SHORT_IN_ARRAY.get(rows, block);
                    short dmin = (short) SHORT_IN_ARRAY.get(rows, block + 2);
                    if ((d & 0x7c00) == 0x7c00 || (dmin & 0x7c00) == 0x7c00) return null;
                    SHORT_IN_ARRAY.set(records, record + 2 * i, d);
                    SHORT_IN_ARRAY.set(records, record + 16 + 2 * i, dmin);
                    for (int u = 0; u < 3; u++) {
                        INT_IN_ARRAY.set(records, record + SCALES + 32 * u + 4 * i, (int) INT_IN_ARRAY.get(rows, block + 4 + 4 * u));
                    }
                    for (int j = 0; j < 8; j++) {
                        // Sub-block j: the low (j even) or high nibbles of bytes 32·(j/2) … +31.
                        for (int part = 0; part < 4; part++) {
                            long bytes = (long) LONG_IN_ARRAY.get(rows, block + 16 + 32 * (j / 2) + 8 * part);
                            int c = 4 * j + part;
                            INT_IN_ARRAY.set(records, record + QUANTS + 32 * c + 4 * i,
                                    InterleavedQ4_0.packNibbles(j % 2 == 0 ? bytes : bytes >>> 4));
                        }
                    }
                }
            }
            MemorySegment.copy(records, 0, out, ValueLayout.JAVA_BYTE, (long) g * groupBytes, groupBytes);
        }
        return new WeightMatrix(w.name(), w.type(), w.rows(), w.cols(), out, w.order(), WeightLayout.Q4_K_X8);
    }

    /** Byte offset of group {@code g}'s record for block column {@code b}, in a matrix of {@code blocks} per row. */
    public static long recordOffset(int blocks, int g, int b) {
        return ((long) g * blocks + b) * RECORD;
    }

    private static long record(int blocks, int row, int b) {
        return recordOffset(blocks, row / ROWS, b);
    }

    /** The f16 scale d of {@code row}'s block {@code b}. */
    public static float d(MemorySegment data, int blocks, int row, int b) {
        return Blocks.f16(data, record(blocks, row, b) + 2L * (row % ROWS));
    }

    /** The f16 min scale dmin of {@code row}'s block {@code b}. */
    public static float dmin(MemorySegment data, int blocks, int row, int b) {
        return Blocks.f16(data, record(blocks, row, b) + 16 + 2L * (row % ROWS));
    }

    /** The 6-bit scale of sub-block {@code j} of {@code row}'s block {@code b}. */
    public static int scale(MemorySegment data, int blocks, int row, int b, int j) {
        return scale(packed(data, blocks, row, b, 0), packed(data, blocks, row, b, 2), j);
    }

    /** The 6-bit min of sub-block {@code j} of {@code row}'s block {@code b}. */
    public static int min(MemorySegment data, int blocks, int row, int b, int j) {
        return min(packed(data, blocks, row, b, 1), packed(data, blocks, row, b, 2), j);
    }

    /**
     * Int {@code u} (0..2) of the 12 packed bytes of {@code row}'s block {@code b}: bytes
     * {@code 4u…4u+3} of the file's block scales, little-endian.
     */
    public static int packed(MemorySegment data, int blocks, int row, int b, int u) {
        return data.get(INT, record(blocks, row, b) + SCALES + 32L * u + 4L * (row % ROWS));
    }

    /** The 6-bit scale of sub-block {@code j} from the packed ints u0 and u2 ({@link Blocks#kScale}). */
    public static int scale(int u0, int u2, int j) {
        if (j < 4) return (u0 >>> (8 * j)) & 63;
        return ((u2 >>> (8 * (j - 4))) & 0xf) | ((u0 >>> (8 * (j - 4) + 2)) & 0x30);
    }

    /** The 6-bit min of sub-block {@code j} from the packed ints u1 and u2 ({@link Blocks#kMin}). */
    public static int min(int u1, int u2, int j) {
        if (j < 4) return (u1 >>> (8 * j)) & 63;
        return ((u2 >>> (8 * (j - 4) + 4)) & 0xf) | ((u1 >>> (8 * (j - 4) + 2)) & 0x30);
    }

    /** The quant (0..15) of {@code row}'s weight {@code e} (0..255) in block {@code b}. */
    public static int quant(MemorySegment data, int blocks, int row, int b, int e) {
        long at = record(blocks, row, b) + QUANTS + 32L * (e / 8) + 4L * (row % ROWS);
        return (data.get(INT, at) >>> (4 * (e % 8))) & 0xf;
    }

    /** Decodes {@code row} (all its columns) into {@code out}, as {@link Blocks#dequantize} does the file's rows. */
    static void dequantizeRow(MemorySegment data, int cols, int row, float[] out, int offset) {
        int blocks = cols / 256;
        for (int b = 0; b < blocks; b++) {
            float d = d(data, blocks, row, b);
            float min = dmin(data, blocks, row, b);
            for (int j = 0; j < 8; j++) {
                float dj = d * scale(data, blocks, row, b, j);
                float mj = min * min(data, blocks, row, b, j);
                for (int l = 0; l < 32; l++) {
                    int e = 32 * j + l;
                    out[offset + 256 * b + e] = dj * quant(data, blocks, row, b, e) - mj;
                }
            }
        }
    }
}

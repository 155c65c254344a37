package org.replique.engine.tornadovm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Set;
import java.util.TreeSet;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * A weight matrix repacked for the device, in one of four formats the kernels read:
 * <ul>
 *   <li>{@link #F32}: the values in {@link #floats};</li>
 *   <li>{@link #Q8_0}: the int8 quants in {@link #quants}, packed four to an int in their order in
 *       the file (8 ints per block of 32), one F32 scale per block in {@link #floats};</li>
 *   <li>{@link #Q4_0}: the 16 bytes of nibbles per block in {@link #quants} (4 ints per block),
 *       the scales in {@link #floats};</li>
 *   <li>{@link #F16}: the half-precision bits in {@link #halves}.</li>
 *   <li>{@link #K8}: the K-quants (Q4_K, Q5_K, Q6_K), block by block of 256 weights, as the
 *       integers ggml multiplies: {@value #K_INTS} ints per block in {@link #quants} — the 256
 *       quants as bytes (0..15, 0..31, or Q6_K's 0..63 before its offset of 32), then 16 scales
 *       (Q4_K/Q5_K: the 8 sub-block scales, then the 8 mins; Q6_K: its 16 signed scales), then the
 *       block's kind ({@code 4}, {@code 5}, {@code 6}, plus 8 when ggml multiplies the matrix as
 *       interleaved Q4_K×8, {@code rows % 8 == 0}); and {@code d}, {@code dmin} per block in
 *       {@link #floats}. About 1.3 bytes a weight: a 7B Q4_K_M file takes about 9 GB on the
 *       device, not the 28 GB of F32.</li>
 * </ul>
 * The block scales, f16 in the file, become F32 here so that no kernel needs the device's fp16
 * support. BF16 matrices are widened to F32. The arrays a format does not use hold one element, so
 * that every matrix passes the same arguments to a kernel. Quants are read as ints, four weights
 * per load; the bytes are copied as they are, which makes byte {@code i} of an int its
 * {@code i}-th weight on the little-endian hosts and devices this runs on.
 *
 * <p>Several matrices that multiply the same input (Q, K and V; gate and up) are stacked into one,
 * so that one kernel launch computes them all. When their types differ, the stack is F32.
 */
final class DeviceMatrix {
    static final int F32 = 0;
    static final int Q8_0 = 1;
    static final int Q4_0 = 2;
    static final int F16 = 3;
    static final int K8 = 4;
    /** Ints per K-quant block of 256 in {@link #K8}: 64 of quants, 16 of scales, 1 of kind. */
    static final int K_INTS = 81;

    private static final ValueLayout.OfFloat NATIVE_FLOAT = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfShort NATIVE_SHORT = ValueLayout.JAVA_SHORT;

    final int format;
    final int rows;
    final int cols;
    final FloatArray floats;
    final IntArray quants;
    final ShortArray halves;
    /** The file's types that were widened to F32 here for want of a device kernel (K-quants), for the description. */
    final Set<String> widenedFrom = new TreeSet<>();

    private DeviceMatrix(int format, int rows, int cols, FloatArray floats, IntArray quants, ShortArray halves) {
        this.format = format;
        this.rows = rows;
        this.cols = cols;
        this.floats = floats;
        this.quants = quants;
        this.halves = halves;
    }

    /** The rows of {@code parts}, one after the other, as one device matrix in memory from {@code host}. */
    static DeviceMatrix stack(HostArrays host, WeightMatrix... parts) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("the tornadovm backend packs quants for little-endian hosts");
        }
        int cols = parts[0].cols();
        int rows = 0;
        GgmlType type = parts[0].type();
        for (WeightMatrix p : parts) {
            if (p.cols() != cols) {
                throw new IllegalArgumentException(p.name() + " has " + p.cols() + " columns, not " + cols);
            }
            rows += p.rows();
            if (p.type() != type) type = null;
        }
        long elements = (long) rows * cols;
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(parts[0].name() + ": " + elements + " weights exceed one device array");
        }
        boolean allK = true;
        for (WeightMatrix p : parts) {
            allK &= p.type() == GgmlType.Q4_K || p.type() == GgmlType.Q5_K || p.type() == GgmlType.Q6_K;
        }
        // The K-quant kernel's local buffers hold rows of up to MAX_K_BLOCKS blocks; wider ones are widened.
        allK &= cols / 256 <= DeviceKernels.MAX_K_BLOCKS;
        int format = allK ? K8 : type == null ? F32 : switch (type) {
            // K-quants stacked with other types are widened to F32.
            case F32, BF16, Q4_K, Q5_K, Q6_K -> F32;
            case Q8_0 -> Q8_0;
            case Q4_0 -> Q4_0;
            case F16 -> F16;
        };
        DeviceMatrix m = switch (format) {
            case Q8_0 -> q8(host, parts, rows, cols);
            case Q4_0 -> q4(host, parts, rows, cols);
            case F16 -> f16(host, parts, rows, cols);
            case K8 -> k8(host, parts, rows, cols);
            default -> f32(host, parts, rows, cols);
        };
        if (format == F32) {
            for (WeightMatrix p : parts) {
                if (p.type() == GgmlType.Q4_K || p.type() == GgmlType.Q5_K || p.type() == GgmlType.Q6_K) {
                    m.widenedFrom.add(p.type().name());
                }
            }
        }
        return m;
    }

    /**
     * The form {@link DeviceKernels} gives the input of a product with this matrix: as in
     * llama.cpp, Q8_0 blocks for Q8_0/Q4_0, F16-rounded values for F16, Q8_K-rounded values for
     * the K-quants.
     */
    int inputForm() {
        return switch (format) {
            case K8 -> DeviceKernels.AS_Q8K;
            case Q8_0, Q4_0 -> DeviceKernels.AS_Q8;
            case F16 -> DeviceKernels.AS_F16;
            default -> DeviceKernels.AS_F32;
        };
    }

    private static DeviceMatrix f32(HostArrays host, WeightMatrix[] parts, int rows, int cols) {
        FloatArray values = host.floats(rows * cols);
        MemorySegment out = values.getSegment();
        long at = 0;
        float[] row = new float[cols];
        for (WeightMatrix p : parts) {
            if (p.type() == GgmlType.F32) {
                MemorySegment.copy(p.data(), Blocks.F32_LAYOUT, 0, out, NATIVE_FLOAT, at * 4, (long) p.rows() * cols);
                at += (long) p.rows() * cols;
            } else {
                for (int r = 0; r < p.rows(); r++) {
                    p.dequantizeRow(r, row, 0);
                    MemorySegment.copy(row, 0, out, NATIVE_FLOAT, at * 4, cols);
                    at += cols;
                }
            }
        }
        return new DeviceMatrix(F32, rows, cols, values, new IntArray(1), new ShortArray(1));
    }

    private static DeviceMatrix f16(HostArrays host, WeightMatrix[] parts, int rows, int cols) {
        ShortArray bits = host.shorts(rows * cols);
        MemorySegment out = bits.getSegment();
        long at = 0;
        for (WeightMatrix p : parts) {
            long n = (long) p.rows() * cols;
            MemorySegment.copy(p.data(), Blocks.F16_LAYOUT, 0, out, NATIVE_SHORT, at * 2, n);
            at += n;
        }
        return new DeviceMatrix(F16, rows, cols, new FloatArray(1), new IntArray(1), bits);
    }

    /** Q8_0 blocks are {@code f16 d | int8 q[32]}: the quants are copied, the scales widened. */
    private static DeviceMatrix q8(HostArrays host, WeightMatrix[] parts, int rows, int cols) {
        int blocks = rows * cols / 32;
        FloatArray scales = host.floats(blocks);
        IntArray quants = host.ints(blocks * 8);
        MemorySegment q = quants.getSegment();
        int block = 0;
        for (WeightMatrix p : parts) {
            MemorySegment data = p.data();
            int n = p.rows() * cols / 32;
            for (int i = 0; i < n; i++, block++) {
                long at = 34L * i;
                scales.set(block, Blocks.f16(data, at));
                MemorySegment.copy(data, at + 2, q, 32L * block, 32);
            }
        }
        return new DeviceMatrix(Q8_0, rows, cols, scales, quants, new ShortArray(1));
    }

    /** Q4_0 blocks are {@code f16 d | u8 qs[16]}: the nibbles are copied as they are, the scales widened. */
    private static DeviceMatrix q4(HostArrays host, WeightMatrix[] parts, int rows, int cols) {
        int blocks = rows * cols / 32;
        FloatArray scales = host.floats(blocks);
        IntArray nibbles = host.ints(blocks * 4);
        MemorySegment q = nibbles.getSegment();
        int block = 0;
        for (WeightMatrix p : parts) {
            MemorySegment data = p.data();
            int n = p.rows() * cols / 32;
            for (int i = 0; i < n; i++, block++) {
                long at = 18L * i;
                scales.set(block, Blocks.f16(data, at));
                MemorySegment.copy(data, at + 2, q, 16L * block, 16);
            }
        }
        return new DeviceMatrix(Q4_0, rows, cols, scales, nibbles, new ShortArray(1));
    }

    /** K-quant blocks as their integers ({@link #K8}). */
    private static DeviceMatrix k8(HostArrays host, WeightMatrix[] parts, int rows, int cols) {
        int blocks = rows * (cols / 256);
        FloatArray dd = host.floats(2 * blocks);
        IntArray ints = host.ints(blocks * K_INTS);
        int[] block = new int[K_INTS];
        float[] scales = new float[2];
        int at = 0;
        for (WeightMatrix p : parts) {
            MemorySegment data = p.data();
            long n = (long) p.rows() * cols / 256;
            int kind = (p.type() == GgmlType.Q4_K ? 4 : p.type() == GgmlType.Q5_K ? 5 : 6)
                    + (p.type() == GgmlType.Q4_K && p.rows() % 8 == 0 ? 8 : 0);
            for (long b = 0; b < n; b++, at++) {
                integersOf(p.type(), data, b * p.type().blockBytes(), block, scales);
                block[80] = kind;
                MemorySegment.copy(block, 0, ints.getSegment(), ValueLayout.JAVA_INT, 4L * K_INTS * at, K_INTS);
                dd.set(2 * at, scales[0]);
                dd.set(2 * at + 1, scales[1]);
            }
        }
        return new DeviceMatrix(K8, rows, cols, dd, ints, new ShortArray(1));
    }

    /**
     * One K-quant block at {@code at} as {@link #K8} holds it: {@code ints[0..63]} the quants four
     * to an int (weight {@code e} in byte {@code e % 4} of int {@code e / 4}), {@code ints[64..79]}
     * the scales (and mins), {@code dd} = {d, dmin}; ints[80] is left to the caller.
     */
    static void integersOf(GgmlType type, MemorySegment data, long at, int[] ints, float[] dd) {
        int[] q = new int[256];
        if (type == GgmlType.Q6_K) {
            for (int half = 0; half < 2; half++) {
                for (int l = 0; l < 32; l++) {
                    int h = Blocks.u8(data, at + 128 + 32L * half + l);
                    int low = Blocks.u8(data, at + 64L * half + l);
                    int high = Blocks.u8(data, at + 64L * half + l + 32);
                    int o = 128 * half + l;
                    q[o] = (low & 0xF) | ((h & 3) << 4);
                    q[o + 32] = (high & 0xF) | (((h >>> 2) & 3) << 4);
                    q[o + 64] = (low >>> 4) | (((h >>> 4) & 3) << 4);
                    q[o + 96] = (high >>> 4) | (((h >>> 6) & 3) << 4);
                }
            }
            for (int j = 0; j < 16; j++) ints[64 + j] = data.get(ValueLayout.JAVA_BYTE, at + 192 + j);
            dd[0] = Blocks.f16(data, at + 208);
            dd[1] = 0.0f;
        } else {
            boolean five = type == GgmlType.Q5_K;
            long qs = five ? at + 48 : at + 16;
            for (int e = 0; e < 256; e++) {
                int packed = Blocks.u8(data, qs + 32L * (e / 64) + e % 32);
                int v = e % 64 < 32 ? packed & 0xF : packed >>> 4;
                if (five) v |= ((Blocks.u8(data, at + 16 + e % 32) >>> (e / 32)) & 1) << 4;
                q[e] = v;
            }
            for (int j = 0; j < 8; j++) {
                ints[64 + j] = Blocks.kScale(data, at + 4, j);
                ints[72 + j] = Blocks.kMin(data, at + 4, j);
            }
            dd[0] = Blocks.f16(data, at);
            dd[1] = Blocks.f16(data, at + 2);
        }
        for (int i = 0; i < 64; i++) {
            ints[i] = q[4 * i] | q[4 * i + 1] << 8 | q[4 * i + 2] << 16 | q[4 * i + 3] << 24;
        }
    }

    /** Bytes this matrix takes on the device. */
    long deviceBytes() {
        return floats.getNumBytesOfSegment() + quants.getNumBytesOfSegment() + halves.getNumBytesOfSegment();
    }

    static String formatName(int format) {
        return switch (format) {
            case F32 -> "F32";
            case Q8_0 -> "Q8_0";
            case Q4_0 -> "Q4_0";
            case F16 -> "F16";
            case K8 -> "Q4_K/Q5_K/Q6_K as integers";
            default -> "format " + format;
        };
    }
}

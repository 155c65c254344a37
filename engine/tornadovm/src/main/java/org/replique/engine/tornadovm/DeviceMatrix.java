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
 *   <li>{@link #K8}: the K-quants (Q4_K, Q5_K, Q6_K) decoded to groups of 16 weights
 *       {@code s·q − m}: the int8 quants {@code q} in {@link #quants} (4 ints per group), each
 *       group's scale {@code s} and min {@code m} in {@link #floats} ({@code 2g}, {@code 2g+1}),
 *       the floats the CPU's decoding multiplies ({@code d·sc}, {@code dmin·m}; Q6_K has no min),
 *       so that every weight is the CPU's to the bit. 1.5 bytes a weight: a 7B Q4_K_M file takes
 *       about 11 GB on the device, not the 28 GB of F32 (the K-quants' own 4.5 to 6.6 bits need
 *       kernels of their own).</li>
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

    /** K-quant blocks of 256 decoded into groups of 16: scale and min, and the int8 quants. */
    private static DeviceMatrix k8(HostArrays host, WeightMatrix[] parts, int rows, int cols) {
        int groups = rows * (cols / 16);
        FloatArray scaleMin = host.floats(2 * groups);
        IntArray quants = host.ints(groups * 4);
        MemorySegment q = quants.getSegment();
        float[] s = new float[16];
        float[] m = new float[16];
        byte[] bytes = new byte[256];
        int group = 0;
        for (WeightMatrix p : parts) {
            MemorySegment data = p.data();
            long blocks = (long) p.rows() * cols / 256;
            for (long b = 0; b < blocks; b++, group += 16) {
                decodeK(p.type(), data, b * p.type().blockBytes(), s, m, bytes);
                for (int g = 0; g < 16; g++) {
                    scaleMin.set(2 * (group + g), s[g]);
                    scaleMin.set(2 * (group + g) + 1, m[g]);
                }
                MemorySegment.copy(bytes, 0, q, ValueLayout.JAVA_BYTE, 16L * group, 256);
            }
        }
        return new DeviceMatrix(K8, rows, cols, scaleMin, quants, new ShortArray(1));
    }

    /**
     * One K-quant block at {@code at} as 16 groups of 16 weights {@code s[g]·q − m[g]}, with the
     * floats and the operation order of the engine's decoding ({@code Blocks.dequantize}).
     */
    static void decodeK(GgmlType type, MemorySegment data, long at, float[] s, float[] m, byte[] q) {
        if (type == GgmlType.Q6_K) {
            float d = Blocks.f16(data, at + 208);
            for (int half = 0; half < 2; half++) {
                long ql = at + 64L * half;
                long qh = at + 128 + 32L * half;
                long sc = at + 192 + 8L * half;
                for (int l = 0; l < 32; l++) {
                    int h = Blocks.u8(data, qh + l);
                    int low = Blocks.u8(data, ql + l);
                    int high = Blocks.u8(data, ql + l + 32);
                    int o = 128 * half + l;
                    q[o] = (byte) (((low & 0xF) | ((h & 3) << 4)) - 32);
                    q[o + 32] = (byte) (((high & 0xF) | (((h >>> 2) & 3) << 4)) - 32);
                    q[o + 64] = (byte) (((low >>> 4) | (((h >>> 4) & 3) << 4)) - 32);
                    q[o + 96] = (byte) (((high >>> 4) | (((h >>> 6) & 3) << 4)) - 32);
                }
                // Group of 16 at 128·half + 16·k has scale sc[k]: the CPU's (d · sc) · q.
                for (int k = 0; k < 8; k++) {
                    s[8 * half + k] = d * data.get(ValueLayout.JAVA_BYTE, sc + k);
                    m[8 * half + k] = 0.0f;
                }
            }
            return;
        }
        boolean five = type == GgmlType.Q5_K;
        float d = Blocks.f16(data, at);
        float min = Blocks.f16(data, at + 2);
        long qh = at + 16;
        long qs = five ? at + 48 : at + 16;
        for (int j = 0; j < 8; j++) {
            float dj = d * Blocks.kScale(data, at + 4, j);
            float mj = min * Blocks.kMin(data, at + 4, j);
            s[2 * j] = dj;
            s[2 * j + 1] = dj;
            m[2 * j] = mj;
            m[2 * j + 1] = mj;
            for (int l = 0; l < 32; l++) {
                int byteValue = Blocks.u8(data, qs + 16L * (j & ~1) + l);
                int v = (j & 1) == 0 ? byteValue & 0xF : byteValue >>> 4;
                if (five) v += ((Blocks.u8(data, qh + l) >>> j) & 1) << 4;
                q[32 * j + l] = (byte) v;
            }
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
            case K8 -> "K-quants as int8 groups";
            default -> "format " + format;
        };
    }
}

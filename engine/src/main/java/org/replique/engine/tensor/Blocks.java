package org.replique.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.replique.engine.gguf.GgmlType;

/**
 * Element decoding for every supported ggml type, bit-exact with ggml's reference layouts and
 * its {@code dequantize_row_*} (float products and differences, no fused multiply-add):
 * <ul>
 * <li>Q8_0 = {@code f16 d | int8 q[32]}, w = d·q;
 * <li>Q4_0 = {@code f16 d | u8 qs[16]}, low nibbles are weights 0..15 and high nibbles 16..31,
 *     w = d·(q − 8);
 * <li>Q4_K = {@code f16 d | f16 dmin | u8 scales[12] | u8 qs[128]}, 256 weights in eight
 *     sub-blocks of 32, each with a 6-bit scale sc and a 6-bit min m packed in {@code scales}
 *     ({@link #kScale}, {@link #kMin}); each 32 bytes of {@code qs} hold two sub-blocks, the low
 *     nibbles the first, the high nibbles the second; w = (d·sc)·q − dmin·m;
 * <li>Q5_K = Q4_K's header and packing with a fifth bit per weight in {@code u8 qh[32]} before
 *     {@code qs}: bit {@code 2i} of {@code qh[l]} for weight l of the (2i)-th sub-block, bit
 *     {@code 2i+1} for the (2i+1)-th; {@code f16 d | f16 dmin | scales[12] | qh[32] | qs[128]};
 * <li>Q6_K = {@code u8 ql[128] | u8 qh[64] | int8 scales[16] | f16 d}, sixteen sub-blocks of 16
 *     each with an int8 scale; in each half of 128 weights, {@code ql[l]}'s low nibble is weight
 *     l, {@code ql[l+32]}'s low nibble weight l+32, their high nibbles weights l+64 and l+96, and
 *     {@code qh[l]} holds the two high bits of those four weights (bits 0-1, 2-3, 4-5, 6-7);
 *     w = (d·sc)·(q − 32).
 * </ul>
 */
public final class Blocks {
    public static final ValueLayout.OfShort F16_LAYOUT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat F32_LAYOUT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Blocks() {}

    public static float f16(MemorySegment segment, long offset) {
        return Float.float16ToFloat(segment.get(F16_LAYOUT, offset));
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** ggml's f32 → bf16 conversion: round to nearest even, quiet NaNs kept NaN. */
    public static short floatToBf16(float value) {
        int u = Float.floatToRawIntBits(value);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /**
     * The 6-bit scale of sub-block {@code j} (0..7) of a Q4_K/Q5_K block whose 12 packed bytes start
     * at {@code at}: ggml's {@code get_scale_min_k4}. Sub-blocks 0..3 keep theirs in the low six
     * bits of bytes 0..3; sub-blocks 4..7 in the low nibble of bytes 8..11 and the top two bits of
     * bytes 0..3.
     */
    public static int kScale(MemorySegment data, long at, int j) {
        if (j < 4) return u8(data, at + j) & 63;
        return (u8(data, at + j + 4) & 0xF) | ((u8(data, at + j - 4) >>> 6) << 4);
    }

    /** The 6-bit min of sub-block {@code j}: bytes 4..7 for 0..3, else high nibbles of 8..11 and top bits of 4..7. */
    public static int kMin(MemorySegment data, long at, int j) {
        if (j < 4) return u8(data, at + j + 4) & 63;
        return (u8(data, at + j + 4) >>> 4) | ((u8(data, at + j) >>> 6) << 4);
    }

    public static int u8(MemorySegment data, long at) {
        return data.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }

    /** Decodes {@code count} weights starting at byte {@code offset} (a block boundary) into {@code out}. */
    public static void dequantize(GgmlType type, MemorySegment data, long offset, int count, float[] out, int outOffset) {
        switch (type) {
            case F32 -> MemorySegment.copy(data, F32_LAYOUT, offset, out, outOffset, count);
            case F16 -> {
                for (int i = 0; i < count; i++) out[outOffset + i] = f16(data, offset + 2L * i);
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) out[outOffset + i] = bf16ToFloat(data.get(F16_LAYOUT, offset + 2L * i));
            }
            case Q8_0 -> {
                for (int b = 0; b < count / 32; b++) {
                    long block = offset + 34L * b;
                    float d = f16(data, block);
                    for (int j = 0; j < 32; j++) {
                        out[outOffset + 32 * b + j] = d * data.get(ValueLayout.JAVA_BYTE, block + 2 + j);
                    }
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < count / 32; b++) {
                    long block = offset + 18L * b;
                    float d = f16(data, block);
                    for (int j = 0; j < 16; j++) {
                        int q = data.get(ValueLayout.JAVA_BYTE, block + 2 + j) & 0xff;
                        out[outOffset + 32 * b + j] = d * ((q & 0x0f) - 8);
                        out[outOffset + 32 * b + j + 16] = d * ((q >>> 4) - 8);
                    }
                }
            }
            case Q4_K, Q5_K -> {
                boolean five = type == GgmlType.Q5_K;
                for (int b = 0; b < count / 256; b++) {
                    long block = offset + (long) type.blockBytes() * b;
                    float d = f16(data, block);
                    float min = f16(data, block + 2);
                    long qh = block + 16;
                    long qs = five ? block + 48 : block + 16;
                    int o = outOffset + 256 * b;
                    for (int j = 0; j < 8; j += 2) {
                        float d1 = d * kScale(data, block + 4, j);
                        float m1 = min * kMin(data, block + 4, j);
                        float d2 = d * kScale(data, block + 4, j + 1);
                        float m2 = min * kMin(data, block + 4, j + 1);
                        for (int l = 0; l < 32; l++) {
                            int q = u8(data, qs + 16L * j + l);
                            int low = q & 0xF;
                            int high = q >>> 4;
                            if (five) {
                                int h = u8(data, qh + l);
                                low += ((h >>> j) & 1) << 4;
                                high += ((h >>> (j + 1)) & 1) << 4;
                            }
                            out[o + 32 * j + l] = d1 * low - m1;
                            out[o + 32 * j + 32 + l] = d2 * high - m2;
                        }
                    }
                }
            }
            case Q6_K -> {
                for (int b = 0; b < count / 256; b++) {
                    long block = offset + 210L * b;
                    float d = f16(data, block + 208);
                    int o = outOffset + 256 * b;
                    for (int half = 0; half < 2; half++) {
                        long ql = block + 64L * half;
                        long qh = block + 128 + 32L * half;
                        long sc = block + 192 + 8L * half;
                        for (int l = 0; l < 32; l++) {
                            int h = u8(data, qh + l);
                            int low = u8(data, ql + l);
                            int high = u8(data, ql + l + 32);
                            int q1 = ((low & 0xF) | ((h & 3) << 4)) - 32;
                            int q2 = ((high & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                            int q3 = ((low >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                            int q4 = ((high >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                            int is = l / 16;
                            int at = o + 128 * half + l;
                            out[at] = d * data.get(ValueLayout.JAVA_BYTE, sc + is) * q1;
                            out[at + 32] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 2) * q2;
                            out[at + 64] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 4) * q3;
                            out[at + 96] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 6) * q4;
                        }
                    }
                }
            }
        }
    }
}

package org.replique.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.replique.engine.gguf.GgmlType;

/**
 * Element decoding for every supported ggml type, bit-exact with ggml's reference layouts:
 * Q8_0 = {@code f16 d | int8 q[32]}, w = d·q; Q4_0 = {@code f16 d | u8 qs[16]}, low nibbles are
 * weights 0..15 and high nibbles 16..31, w = d·(q − 8).
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
        }
    }
}

package org.replique.engine.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;

/**
 * ggml's reference quantizers ({@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref}, and
 * for the K-quants Q4_K, Q5_K and Q6_K those of {@link KQuantizers}), bit for bit, so that a model
 * quantized here holds the bytes {@code llama-quantize} would write for the same floats:
 * <ul>
 *   <li>Q8_0: {@code d = amax / 127}, {@code q = roundf(x · (1/d))} (ties away from zero);</li>
 *   <li>Q4_0: {@code d = max / −8} where {@code max} is the signed value of largest magnitude
 *       (the first on ties), {@code q = min(15, trunc(x · (1/d) + 8.5))}; byte {@code j} holds
 *       weight {@code j} in its low nibble and weight {@code j + 16} in its high nibble.</li>
 * </ul>
 * Scales are stored as F16, rounded to nearest even. A zero block gets {@code d = 0} and
 * {@code 1/d} taken as 0. F32, F16 and BF16 are written as ggml converts floats (nearest even).
 */
public final class ReferenceQuantizers {
    public static final int BLOCK = 32;

    private ReferenceQuantizers() {}

    /** Quantizes {@code count} floats (whole blocks) from {@code x[offset]} into {@code out} at byte {@code outOffset}. */
    public static void quantize(GgmlType type, float[] x, int offset, int count, MemorySegment out, long outOffset) {
        if (count % type.blockSize() != 0) {
            throw new IllegalArgumentException(count + " values are not whole blocks of " + type.blockSize());
        }
        int blocks = count / type.blockSize();
        switch (type) {
            case Q8_0 -> {
                for (int b = 0; b < count / BLOCK; b++) q8_0(x, offset + BLOCK * b, out, outOffset + 34L * b);
            }
            case Q4_0 -> {
                for (int b = 0; b < count / BLOCK; b++) q4_0(x, offset + BLOCK * b, out, outOffset + 18L * b);
            }
            case F32 -> MemorySegment.copy(x, offset, out, Blocks.F32_LAYOUT, outOffset, count);
            case F16 -> {
                for (int i = 0; i < count; i++) out.set(Blocks.F16_LAYOUT, outOffset + 2L * i, Float.floatToFloat16(x[offset + i]));
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) out.set(Blocks.F16_LAYOUT, outOffset + 2L * i, Blocks.floatToBf16(x[offset + i]));
            }
            case Q4_K -> {
                for (int b = 0; b < blocks; b++) KQuantizers.q4K(x, offset + 256 * b, out, outOffset + 144L * b);
            }
            case Q5_K -> {
                for (int b = 0; b < blocks; b++) KQuantizers.q5K(x, offset + 256 * b, out, outOffset + 176L * b);
            }
            case Q6_K -> {
                for (int b = 0; b < blocks; b++) KQuantizers.q6K(x, offset + 256 * b, out, outOffset + 210L * b);
            }
        }
    }

    private static void q8_0(float[] x, int at, MemorySegment out, long block) {
        float amax = 0;
        for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(x[at + j]));
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        out.set(Blocks.F16_LAYOUT, block, Float.floatToFloat16(d));
        for (int j = 0; j < BLOCK; j++) {
            out.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) roundHalfAway(x[at + j] * id));
        }
    }

    private static void q4_0(float[] x, int at, MemorySegment out, long block) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < BLOCK; j++) {
            float v = x[at + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        out.set(Blocks.F16_LAYOUT, block, Float.floatToFloat16(d));
        for (int j = 0; j < BLOCK / 2; j++) {
            int low = Math.min(15, (int) (x[at + j] * id + 8.5f));
            int high = Math.min(15, (int) (x[at + BLOCK / 2 + j] * id + 8.5f));
            out.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) (low | high << 4));
        }
    }

    /** C's {@code roundf}: to nearest, ties away from zero (exact: a float plus 0.5 fits a double). */
    static float roundHalfAway(float v) {
        return (float) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }
}

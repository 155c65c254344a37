package org.replique.engine.cpu;

/**
 * GELU in its tanh form, {@code 0.5·x·(1 + tanh(√(2/π)·x·(1 + 0.044715·x²)))}, computed as ggml's
 * CPU backend computes it for F32 activations: inputs at or below −10 give 0, at or above 10 give
 * {@code x}, and the others are rounded to F16 and looked up in a table of 65536 F16 results. The
 * table is built with ggml's operations (float arithmetic, the inner {@code 1 + a·x·x} fused into
 * one multiply-add as its compiled code does), so that every entry equals ggml's.
 */
final class Gelu {
    private static final float COEF_A = 0.044715f;
    private static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;
    /** F16 bits of the result for each F16 input. */
    private static final short[] HALF_TABLE = new short[1 << 16];
    /** The same results as floats, for the lookup. */
    private static final float[] TABLE = new float[1 << 16];

    static {
        for (int bits = 0; bits < HALF_TABLE.length; bits++) {
            float x = Float.float16ToFloat((short) bits);
            float inner = SQRT_2_OVER_PI * x * Math.fma(COEF_A * x, x, 1.0f);
            float y = 0.5f * x * (1.0f + (float) Math.tanh(inner));
            HALF_TABLE[bits] = Float.floatToFloat16(y);
            TABLE[bits] = Float.float16ToFloat(HALF_TABLE[bits]);
        }
    }

    private Gelu() {}

    static float apply(float x) {
        if (x <= -10.0f) return 0.0f;
        if (x >= 10.0f) return x;
        return TABLE[Float.floatToFloat16(x) & 0xffff];
    }

    /** {@code v[i] = gelu(v[i])} for {@code from ≤ i < to}. */
    static void apply(float[] v, int from, int to) {
        for (int i = from; i < to; i++) v[i] = apply(v[i]);
    }

    /** The table entry for an F16 input (its bits), as ggml's {@code ggml_table_gelu_f16} holds it. */
    static short tableEntry(int halfBits) {
        return HALF_TABLE[halfBits & 0xffff];
    }
}

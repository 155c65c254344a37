package org.replique.engine.kernel;

/**
 * ggml's own single-precision functions, reproduced to the bit: its vectorized exponential and
 * the SwiGLU activation built on it. ggml applies them to each whole group of eight elements of a
 * row (its AVX2 vectors) and the C library's {@code expf} ({@link CMath#exp}) to the elements left
 * over.
 */
public final class GgmlMath {
    private GgmlMath() {}

    /**
     * ggml's vectorized {@code expf} ({@code ggml_v_expf}), lane by lane: a reduction to
     * {@code 2^n · e^b} with a degree-5 polynomial, its own rounding (within about 1.5 ulp of
     * e^x), 0 for −∞.
     */
    public static float exp(float x) {
        final float r = 0x1.8p23f;
        float z = Math.fma(x, 0x1.715476p+0f, r);
        float n = z - r;
        float b = Math.fma(-n, 0x1.7f7d1cp-20f, Math.fma(-n, 0x1.62e4p-1f, x));
        int e = Float.floatToRawIntBits(z) << 23;
        float k = Float.intBitsToFloat(e + Float.floatToRawIntBits(1f));
        float u = b * b;
        float j = Math.fma(Math.fma(Math.fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u,
                Math.fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)), u, 0x1.ffffecp-1f * b);
        float magnitude = Math.abs(n);
        if (!(magnitude > 126)) return Math.fma(k, j, k);
        int g = n <= 0 ? 0x82000000 : 0;
        float s1 = Float.intBitsToFloat(g + 0x7f000000);
        if (magnitude > 192) return s1 * s1;
        float s2 = Float.intBitsToFloat(e - g);
        return Math.fma(s2, j, s2) * s1;
    }

    /**
     * {@code gate[i] = silu(gate[i]) · up[i]} for {@code from ≤ i < to}, where element i is at
     * {@code i − rowStart} in a row of {@code rowLength}: {@code silu(x) = x / (1 + e^−x)} with
     * ggml's {@link #exp} in the row's whole groups of eight, the C library's past them, as
     * ggml's {@code swiglu} computes it.
     */
    public static void swiglu(float[] gate, float[] up, int from, int to, int rowStart, int rowLength) {
        int vectorEnd = rowStart + rowLength - rowLength % 8;
        for (int i = from; i < to; i++) {
            float g = gate[i];
            float e = i < vectorEnd ? exp(0f - g) : CMath.exp(-g);
            gate[i] = g / (1.0f + e) * up[i];
        }
    }
}

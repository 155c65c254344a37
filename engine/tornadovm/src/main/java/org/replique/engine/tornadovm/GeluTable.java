package org.replique.engine.tornadovm;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * GELU's results for every F16 input, as ggml's CPU backend tabulates them (and the CPU backend
 * after it): {@code 0.5·x·(1 + tanh(√(2/π)·x·(1 + 0.044715·x²)))} for each of the 65536 F16
 * values, with ggml's float operations (the inner {@code 1 + a·x·x} one fused multiply-add, as
 * its compiled code has it) and the result rounded to F16. Built on the host and uploaded once
 * (256 KiB): a device's {@code tanh} differs from the C library's in the last bits, which the F16
 * rounding would now and then turn into a whole F16 step; the lookup is {@link DeviceKernels#gelu}.
 */
final class GeluTable {
    static final int ENTRIES = 1 << 16;
    private static final float COEF_A = 0.044715f;
    private static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;

    private GeluTable() {}

    /** The F16 bits of GELU of the F16 value with bits {@code halfBits}. */
    static short entry(int halfBits) {
        float x = Float.float16ToFloat((short) halfBits);
        float inner = SQRT_2_OVER_PI * x * Math.fma(COEF_A * x, x, 1.0f);
        float y = 0.5f * x * (1.0f + (float) Math.tanh(inner));
        return Float.floatToFloat16(y);
    }

    /** The table as floats, in memory from {@code host}. */
    static FloatArray build(HostArrays host) {
        FloatArray table = host.floats(ENTRIES);
        for (int bits = 0; bits < ENTRIES; bits++) {
            table.set(bits, Float.float16ToFloat(entry(bits)));
        }
        return table;
    }
}

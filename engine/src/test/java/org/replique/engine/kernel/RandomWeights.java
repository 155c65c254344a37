package org.replique.engine.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Weight matrices of random, valid blocks in every supported encoding, in off-heap memory like a
 * mapping; and extreme ones, every quant and scale at its largest, that test the kernels' integer
 * sums at their bounds.
 */
final class RandomWeights {
    private RandomWeights() {}

    static WeightMatrix matrix(GgmlType type, int rows, int cols, long seed) {
        Random random = new Random(seed);
        long bytes = type.bytesFor((long) rows * cols);
        MemorySegment data = Arena.ofAuto().allocate(bytes, 1);
        long elements = (long) rows * cols;
        switch (type) {
            case F32 -> {
                for (long i = 0; i < elements; i++) data.set(Blocks.F32_LAYOUT, 4 * i, gaussian(random));
            }
            case F16 -> {
                for (long i = 0; i < elements; i++) data.set(Blocks.F16_LAYOUT, 2 * i, Float.floatToFloat16(gaussian(random)));
            }
            case BF16 -> {
                for (long i = 0; i < elements; i++) data.set(Blocks.F16_LAYOUT, 2 * i, Blocks.floatToBf16(gaussian(random)));
            }
            case Q8_0 -> {
                for (long b = 0; b < elements / 32; b++) {
                    long block = 34 * b;
                    data.set(Blocks.F16_LAYOUT, block, Float.floatToFloat16(scale(random)));
                    for (int j = 0; j < 32; j++) {
                        // The full int8 range, -128 included, as files may hold it.
                        data.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) (random.nextInt(256) - 128));
                    }
                }
            }
            case Q4_0 -> {
                for (long b = 0; b < elements / 32; b++) {
                    long block = 18 * b;
                    data.set(Blocks.F16_LAYOUT, block, Float.floatToFloat16(scale(random)));
                    for (int j = 0; j < 16; j++) data.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) random.nextInt(256));
                }
            }
            case Q4_K, Q5_K, Q6_K -> {
                // Every byte random (scales and mins up to 63, Q6_K scales down to −128), then the
                // block's float scales: all bit patterns of the packed bytes are valid blocks.
                for (long i = 0; i < bytes; i++) data.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
                for (long b = 0; b < elements / 256; b++) {
                    long block = type.blockBytes() * b;
                    if (type == GgmlType.Q6_K) {
                        data.set(Blocks.F16_LAYOUT, block + 208, Float.floatToFloat16(scale(random) / 64));
                    } else {
                        data.set(Blocks.F16_LAYOUT, block, Float.floatToFloat16(Math.abs(scale(random)) / 32));
                        data.set(Blocks.F16_LAYOUT, block + 2, Float.floatToFloat16(Math.abs(scale(random)) / 32));
                    }
                }
            }
        }
        return new WeightMatrix("random-" + type, type, rows, cols, data);
    }

    /**
     * A matrix whose every weight has the largest quant and scale of its type (Q6_K: the scale
     * −128, and quants 0 and 63 alternating by block; Q4_0: quants 15 and 0, the largest
     * unsigned and the largest once offset by −8, alternating by block), so that products with {@link #extremeActivations}
     * reach the integer sums' bounds.
     */
    static WeightMatrix extreme(GgmlType type, int rows, int cols) {
        long bytes = type.bytesFor((long) rows * cols);
        MemorySegment data = Arena.ofAuto().allocate(bytes, 1);
        long blocks = (long) rows * cols / type.blockSize();
        for (long b = 0; b < blocks; b++) {
            long block = type.blockBytes() * b;
            for (int i = 0; i < type.blockBytes(); i++) data.set(ValueLayout.JAVA_BYTE, block + i, (byte) 0xff);
            switch (type) {
                case Q4_K, Q5_K -> {
                    data.set(Blocks.F16_LAYOUT, block, Float.floatToFloat16(0.001f));
                    data.set(Blocks.F16_LAYOUT, block + 2, Float.floatToFloat16(0.0005f));
                }
                case Q6_K -> {
                    for (int j = 0; j < 16; j++) data.set(ValueLayout.JAVA_BYTE, block + 192 + j, (byte) -128);
                    if (b % 2 == 1) for (int i = 0; i < 192; i++) data.set(ValueLayout.JAVA_BYTE, block + i, (byte) 0);
                    data.set(Blocks.F16_LAYOUT, block + 208, Float.floatToFloat16(0.0001f));
                }
                case Q8_0 -> {
                    for (int j = 0; j < 32; j++) data.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) -128);
                    data.set(Blocks.F16_LAYOUT, block, Float.floatToFloat16(0.01f));
                }
                case Q4_0 -> {
                    if (b % 2 == 1) for (int i = 2; i < 18; i++) data.set(ValueLayout.JAVA_BYTE, block + i, (byte) 0);
                    data.set(Blocks.F16_LAYOUT, block, Float.floatToFloat16(0.01f));
                }
                default -> throw new IllegalArgumentException(type + " has no quants");
            }
        }
        return new WeightMatrix("extreme-" + type, type, rows, cols, data);
    }

    /** Activations all equal and positive: every quant 127 (or −127). */
    static float[] extremeActivations(int count) {
        float[] x = new float[count];
        java.util.Arrays.fill(x, 3.5f);
        return x;
    }

    /** Activations like a transformer's: mostly small, a few large outliers. */
    static float[] activations(int count, long seed) {
        Random random = new Random(seed);
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) random.nextGaussian() * (random.nextInt(50) == 0 ? 20f : 1f);
        }
        return x;
    }

    private static float gaussian(Random random) {
        return (float) random.nextGaussian() * 0.05f;
    }

    /** Block scales from tiny to large, negative ones included (ggml's Q4_0 scales are often negative). */
    private static float scale(Random random) {
        float magnitude = (float) Math.pow(10, -4 + 3 * random.nextDouble());
        return random.nextBoolean() ? magnitude : -magnitude;
    }
}

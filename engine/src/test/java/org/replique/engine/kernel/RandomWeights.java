package org.replique.engine.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/** Weight matrices of random, valid blocks in every supported encoding, in off-heap memory like a mapping. */
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
        }
        return new WeightMatrix("random-" + type, type, rows, cols, data);
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

package org.replique.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/** Valid random weight matrices off the heap, like a mapped model's; the values do not matter for speed. */
final class RandomMatrices {
    private RandomMatrices() {}

    static WeightMatrix of(GgmlType type, int rows, int cols, Arena arena) {
        SplittableRandom random = new SplittableRandom(rows * 31L + cols);
        long bytes = type.bytesFor((long) rows * cols);
        MemorySegment data = arena.allocate(bytes, 64);
        for (long i = 0; i < bytes; i++) data.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
        // Give every block a sane scale (random bytes could make infinities or NaNs).
        int blockBytes = type.blockBytes();
        switch (type) {
            case Q8_0, Q4_0 -> {
                for (long b = 0; b < bytes / blockBytes; b++) {
                    data.set(Blocks.F16_LAYOUT, b * blockBytes, Float.floatToFloat16((float) random.nextDouble(1e-3, 2e-2)));
                }
            }
            case F16 -> {
                for (long i = 0; i < bytes / 2; i++) data.set(Blocks.F16_LAYOUT, 2 * i, Float.floatToFloat16((float) random.nextGaussian()));
            }
            case BF16 -> {
                for (long i = 0; i < bytes / 2; i++) data.set(Blocks.F16_LAYOUT, 2 * i, Blocks.floatToBf16((float) random.nextGaussian()));
            }
            case F32 -> {
                for (long i = 0; i < bytes / 4; i++) data.set(Blocks.F32_LAYOUT, 4 * i, (float) random.nextGaussian());
            }
            case Q4_K, Q5_K -> {
                for (long b = 0; b < bytes / blockBytes; b++) {
                    data.set(Blocks.F16_LAYOUT, b * blockBytes, Float.floatToFloat16((float) random.nextDouble(1e-5, 2e-4)));
                    data.set(Blocks.F16_LAYOUT, b * blockBytes + 2, Float.floatToFloat16((float) random.nextDouble(1e-4, 2e-3)));
                }
            }
            case Q6_K -> {
                for (long b = 0; b < bytes / blockBytes; b++) {
                    data.set(Blocks.F16_LAYOUT, b * blockBytes + 208, Float.floatToFloat16((float) random.nextDouble(1e-5, 2e-4)));
                }
            }
        }
        return new WeightMatrix(type + " " + rows + "×" + cols, type, rows, cols, data);
    }

    static float[] activations(int count) {
        SplittableRandom random = new SplittableRandom(count);
        float[] x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}

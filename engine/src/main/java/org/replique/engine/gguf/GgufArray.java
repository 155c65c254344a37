package org.replique.engine.gguf;

import java.util.Arrays;

/**
 * A metadata array: its element type and its values, kept as a primitive array where the
 * element type allows it ({@code int[]}, {@code long[]}, {@code float[]}, {@code double[]},
 * {@code boolean[]}, {@code String[]}) and as {@code GgufArray[]} for nested arrays.
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public int size() {
        return java.lang.reflect.Array.getLength(values);
    }

    @Override
    public String toString() {
        return switch (values) {
            case int[] a -> Arrays.toString(a);
            case long[] a -> Arrays.toString(a);
            case float[] a -> Arrays.toString(a);
            case double[] a -> Arrays.toString(a);
            case boolean[] a -> Arrays.toString(a);
            case Object[] a -> Arrays.toString(a);
            default -> String.valueOf(values);
        };
    }
}

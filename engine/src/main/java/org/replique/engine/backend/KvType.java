package org.replique.engine.backend;

import java.util.Locale;

/** How a backend stores the keys and values of its attention cache. */
public enum KvType {
    /** 4 bytes per value: the reference. */
    F32,
    /**
     * 2 bytes per value, half the memory; attention then rounds like llama.cpp's default F16
     * cache (queries and softmax weights rounded to F16 for their products with the cache).
     */
    F16;

    /** {@code f32} or {@code f16}, case-insensitive. */
    public static KvType parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "f32" -> F32;
            case "f16" -> F16;
            default -> throw new IllegalArgumentException("KV cache type must be f32 or f16, not '" + name + "'");
        };
    }

    /** Bytes per stored value. */
    public int bytes() {
        return this == F32 ? 4 : 2;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package org.replique.engine.model;

import java.util.Locale;
import org.replique.engine.gguf.GgmlType;

/**
 * How a model's float weights are held once loaded: as stored in the file (mapped, not copied),
 * or quantized at load to Q8_0 or Q4_0 in memory, for speed and memory when the file holds
 * F32/F16/BF16 weights (a Hugging Face checkpoint is BF16). Weights already quantized in the file
 * stay as they are.
 */
public enum WeightsFormat {
    AS_STORED(null),
    Q8_0(GgmlType.Q8_0),
    Q4_0(GgmlType.Q4_0);

    private final GgmlType type;

    WeightsFormat(GgmlType type) {
        this.type = type;
    }

    /** The type matrices are quantized to, or null for {@link #AS_STORED}. */
    public GgmlType type() {
        return type;
    }

    /** {@code q8_0} or {@code q4_0} (any case); null or empty is {@link #AS_STORED}. */
    public static WeightsFormat parse(String name) {
        if (name == null || name.isBlank()) return AS_STORED;
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "q8_0" -> Q8_0;
            case "q4_0" -> Q4_0;
            default -> throw new IllegalArgumentException("weights '" + name + "': expected q8_0 or q4_0");
        };
    }

    /** The name {@link #parse} reads, or null for {@link #AS_STORED}. */
    public String wireName() {
        return type == null ? null : name().toLowerCase(Locale.ROOT);
    }
}

package org.replique.engine.gguf;

/**
 * The ggml tensor element types this engine understands, with their exact block layouts.
 * The ids are ggml's {@code ggml_type} values as stored in GGUF tensor infos.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q8_0(8, 32, 34),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public int id() {
        return id;
    }

    /** Number of weights in one block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes of one block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Bytes taken by {@code elements} weights, which must be a whole number of blocks. */
    public long bytesFor(long elements) {
        return elements / blockSize * blockBytes;
    }

    /** The type with this ggml id, or null when the engine does not support it. */
    public static GgmlType byId(int id) {
        for (GgmlType type : values()) {
            if (type.id == id) {
                return type;
            }
        }
        return null;
    }

    /** ggml's name for an id, including types we do not support, for error messages. */
    public static String nameOf(int id) {
        GgmlType known = byId(id);
        if (known != null) {
            return known.name();
        }
        return switch (id) {
            case 3 -> "Q4_1";
            case 6 -> "Q5_0";
            case 7 -> "Q5_1";
            case 9 -> "Q8_1";
            case 10 -> "Q2_K";
            case 11 -> "Q3_K";
            case 12 -> "Q4_K";
            case 13 -> "Q5_K";
            case 14 -> "Q6_K";
            case 15 -> "Q8_K";
            default -> "type " + id;
        };
    }
}

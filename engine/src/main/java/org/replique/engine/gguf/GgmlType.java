package org.replique.engine.gguf;

/**
 * The ggml tensor element types this engine understands, with their exact block layouts.
 * The ids are ggml's {@code ggml_type} values as stored in GGUF tensor infos. The K-quants pack
 * 256 weights per block ({@link org.replique.engine.tensor.Blocks} has the layouts).
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q8_0(8, 32, 34),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
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

    /** The supported types, for error messages: "F32, F16, …, Q6_K and BF16". */
    public static String supportedList() {
        GgmlType[] all = values();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < all.length; i++) {
            if (i > 0) s.append(i == all.length - 1 ? " and " : ", ");
            s.append(all[i].name());
        }
        return s.toString();
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
            case 15 -> "Q8_K";
            case 16 -> "IQ2_XXS";
            case 17 -> "IQ2_XS";
            case 18 -> "IQ3_XXS";
            case 19 -> "IQ1_S";
            case 20 -> "IQ4_NL";
            case 21 -> "IQ3_S";
            case 22 -> "IQ2_S";
            case 23 -> "IQ4_XS";
            case 24 -> "I8";
            case 25 -> "I16";
            case 26 -> "I32";
            case 27 -> "I64";
            case 28 -> "F64";
            case 29 -> "IQ1_M";
            case 34 -> "TQ1_0";
            case 35 -> "TQ2_0";
            case 39 -> "MXFP4";
            case 40 -> "NVFP4";
            case 41 -> "Q1_0";
            case 42 -> "Q2_0";
            default -> "type " + id;
        };
    }
}

package org.replique.engine.backend;

/** Where a CPU backend reads the weights from while it computes. */
public enum WeightPlacement {
    /**
     * From the model file's memory mapping: nothing is copied, pages come in on first use and stay
     * shared with the page cache (and with other processes mapping the file), in 4 KiB pages.
     */
    MAP,
    /**
     * From a copy made when the backend starts: in memory backed by 2 MiB pages (Linux), each
     * matrix in the layout its kernel reads fastest (Q4_0 and Q4_K rows interleaved by eight), the file's
     * cached pages dropped so that memory holds the weights once.
     */
    COPY,
    /** {@link #COPY} where the copy can be made and memory holds it, else {@link #MAP}. */
    AUTO;

    /** The placement named {@code map}, {@code copy} or {@code auto}. */
    public static WeightPlacement parse(String name) {
        return switch (name) {
            case "map" -> MAP;
            case "copy" -> COPY;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("unknown weight placement '" + name + "' (auto, map or copy)");
        };
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

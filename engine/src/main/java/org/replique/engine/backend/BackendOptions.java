package org.replique.engine.backend;

/**
 * Settings a backend is created with.
 *
 * @param threads   compute threads (0 = one per physical core, as far as the JVM can tell)
 * @param kernels   CPU kernel family: {@code auto}, {@code vector} or {@code scalar}
 * @param kvType    how the attention cache stores keys and values
 * @param placement where the CPU backend reads the weights from
 */
public record BackendOptions(int threads, String kernels, KvType kvType, WeightPlacement placement) {
    public BackendOptions {
        if (threads < 0) throw new IllegalArgumentException("threads must not be negative, not " + threads);
        if (kvType == null) kvType = KvType.F32;
        if (placement == null) placement = WeightPlacement.AUTO;
    }

    /** Options with the weights placed automatically. */
    public BackendOptions(int threads, String kernels, KvType kvType) {
        this(threads, kernels, kvType, WeightPlacement.AUTO);
    }

    /** Options with an F32 cache. */
    public BackendOptions(int threads, String kernels) {
        this(threads, kernels, KvType.F32);
    }

    public static BackendOptions defaults() {
        return new BackendOptions(0, "auto", KvType.F32);
    }

    public BackendOptions withThreads(int threads) {
        return new BackendOptions(threads, kernels, kvType, placement);
    }

    public BackendOptions withKvType(KvType kvType) {
        return new BackendOptions(threads, kernels, kvType, placement);
    }

    public BackendOptions withPlacement(WeightPlacement placement) {
        return new BackendOptions(threads, kernels, kvType, placement);
    }
}

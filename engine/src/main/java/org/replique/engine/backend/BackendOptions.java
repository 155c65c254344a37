package org.replique.engine.backend;

/**
 * Settings a backend is created with.
 *
 * @param threads compute threads (0 = one per physical core, as far as the JVM can tell)
 * @param kernels CPU kernel family: {@code auto}, {@code vector} or {@code scalar}
 */
public record BackendOptions(int threads, String kernels) {
    public static BackendOptions defaults() {
        return new BackendOptions(0, "auto");
    }

    public BackendOptions withThreads(int threads) {
        return new BackendOptions(threads, kernels);
    }
}

package org.replique.engine.cpu;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.replique.engine.backend.WeightPlacement;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.model.LayerWeights;
import org.replique.engine.model.Model;
import org.replique.engine.model.ModelWeights;
import org.replique.engine.os.Linux;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The CPU backend's own copy of a model's weight matrices ({@link WeightPlacement#COPY}), made
 * when the backend starts, whatever their type: in one region of 2 MiB pages on Linux, each
 * matrix in the layout the kernels read fastest ({@link Kernels#copy}).
 *
 * <p>Decoding streams every weight once per token. From the file mapping that stream crosses a
 * 4 KiB page every few thousand weights, each new page a TLB miss (in a virtual machine a
 * two-dimensional page walk); 2 MiB pages take 512 times fewer. The copy replaces the file's pages
 * rather than doubling them: once a matrix is copied its pages are unmapped from this process
 * ({@code MADV_DONTNEED}) and, at the end, the file's pages that nothing maps any more leave the
 * page cache ({@code POSIX_FADV_DONTNEED}). Another user of the same model simply reads them from
 * the file again.
 */
final class CopiedWeights {
    /** Each matrix starts on a cache line (and on a whole vector of any width). */
    private static final long ALIGNMENT = 64;
    /** Memory left to everything else when {@link WeightPlacement#AUTO} decides to copy. */
    private static final long HEADROOM = 1L << 30;

    private CopiedWeights() {}

    /** What {@code placement} comes to here for {@code model}: {@link WeightPlacement#MAP} or {@link WeightPlacement#COPY}. */
    static WeightPlacement resolve(WeightPlacement placement, Model model) {
        return switch (placement) {
            case MAP -> WeightPlacement.MAP;
            case COPY -> WeightPlacement.COPY;
            case AUTO -> Linux.available() && availableMemory() > bytes(model.weights()) + HEADROOM
                    ? WeightPlacement.COPY : WeightPlacement.MAP;
        };
    }

    /**
     * {@code model}'s weights with every matrix copied into memory from {@code arena}, in
     * {@code kernels}' layouts, the matrices shared out over {@code pool}'s threads.
     */
    static ModelWeights copy(Model model, Kernels kernels, Arena arena, ComputePool pool) {
        ModelWeights weights = model.weights();
        List<WeightMatrix> distinct = new ArrayList<>();
        Map<WeightMatrix, Integer> index = new IdentityHashMap<>();
        for (WeightMatrix w : matrices(weights)) {
            if (index.putIfAbsent(w, distinct.size()) == null) distinct.add(w);
        }
        long[] offsets = new long[distinct.size()];
        long total = 0;
        for (int i = 0; i < distinct.size(); i++) {
            offsets[i] = total;
            total += align(distinct.get(i).data().byteSize());
        }
        MemorySegment memory = Linux.available() ? Linux.hugePageMemory(total, arena) : arena.allocate(total, ALIGNMENT);
        WeightMatrix[] copies = new WeightMatrix[distinct.size()];
        pool.run(distinct.size(), (i, worker) -> {
            WeightMatrix w = distinct.get(i);
            MemorySegment target = memory.asSlice(offsets[i], w.data().byteSize());
            // The embedding is read a row at a time by the forward pass itself: it keeps the file's layout.
            copies[i] = w == weights.tokenEmbedding() ? Kernels.copyAsIs(w, target) : kernels.copy(w, target);
            // Only a file mapping's pages can be given back: they are the file's, read again if
            // anything else needs them. Matrices quantized at load live in memory of their own.
            if (Linux.available() && w.data().isMapped()) Linux.madvise(w.data(), Linux.MADV_DONTNEED);
        });
        Path file = model.path();
        if (Linux.available() && Files.isRegularFile(file)) Linux.fadvise(file, 0, 0, Linux.POSIX_FADV_DONTNEED);
        UnaryOperator<WeightMatrix> copyOf = w -> copies[index.get(w)];
        List<LayerWeights> layers = new ArrayList<>(weights.layers().size());
        for (LayerWeights l : weights.layers()) layers.add(l.withMatrices(copyOf));
        return new ModelWeights(copyOf.apply(weights.tokenEmbedding()), List.copyOf(layers), weights.outputNorm(),
                weights.outputNormBias(), copyOf.apply(weights.output()), weights.tiedOutput());
    }

    /** Bytes the copy takes. */
    static long bytes(ModelWeights weights) {
        Map<WeightMatrix, Boolean> seen = new IdentityHashMap<>();
        long total = 0;
        for (WeightMatrix w : matrices(weights)) {
            if (seen.put(w, Boolean.TRUE) == null) total += align(w.data().byteSize());
        }
        return total;
    }

    private static List<WeightMatrix> matrices(ModelWeights weights) {
        List<WeightMatrix> all = new ArrayList<>();
        all.add(weights.tokenEmbedding());
        for (LayerWeights l : weights.layers()) all.addAll(l.matrices());
        all.add(weights.output());
        return all;
    }

    private static long align(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** {@code MemAvailable} from {@code /proc/meminfo}, or 0 when it cannot be read. */
    private static long availableMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // No figure: do not copy.
        }
        return 0;
    }
}

package org.replique.device;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.replique.fixtures.gguf.GgufWriter.TensorType;
import org.replique.fixtures.gguf.MistralShapedModel;

/**
 * The Mistral-7B-shaped files (random Q8_0 and Q4_0 blocks, every shape of Mistral-7B-v0.1), made
 * where they are used by the project's GGUF writer rather than carried: 7.7 and 4.1 GB for 32
 * layers. Both are written at once on background threads from the start of a run, while the small
 * models are checked; a file already there from an earlier run (same layers, same seed) is reused.
 */
final class ShapedModels {
    static final long SEED = 1234;

    private final Path dir;
    private final int layers;
    private final Map<TensorType, CompletableFuture<Path>> files = new EnumMap<>(TensorType.class);
    private final Map<TensorType, Double> seconds = new EnumMap<>(TensorType.class);

    ShapedModels(Path dir, int layers) {
        this.dir = dir;
        this.layers = layers;
    }

    /** Starts writing both files (each on its own thread). */
    ShapedModels start() {
        for (TensorType type : new TensorType[] {TensorType.Q8_0, TensorType.Q4_0}) {
            CompletableFuture<Path> f = new CompletableFuture<>();
            files.put(type, f);
            Thread t = new Thread(() -> {
                try {
                    f.complete(write(type));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "write-" + name(type));
            t.setDaemon(true);
            t.start();
        }
        return this;
    }

    Path file(TensorType type) {
        return dir.resolve("mistral7b-shape-" + layers + "L-" + name(type) + ".gguf");
    }

    private static String name(TensorType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private Path write(TensorType type) throws IOException {
        Path target = file(type);
        if (Files.isRegularFile(target)) {
            seconds.put(type, 0.0);
            return target;
        }
        Files.createDirectories(dir);
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long t0 = System.nanoTime();
        MistralShapedModel.write(part, type, layers, SEED);
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        seconds.put(type, (System.nanoTime() - t0) / 1e9);
        return target;
    }

    /** Seconds the file took to write (0 when reused), once written. */
    Double writeSeconds(TensorType type) {
        return seconds.get(type);
    }

    /** The file once written, waiting at most until {@code deadline}. */
    Path await(TensorType type, Deadline deadline) throws TimeoutException {
        CompletableFuture<Path> f = files.get(type);
        if (f == null) throw new IllegalStateException("not started");
        try {
            return f.get(Math.max(0, (long) (deadline.remaining() * 1000)), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + file(type), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw new UncheckedIOException(io);
            throw new IllegalStateException("writing " + file(type) + " failed", e.getCause());
        }
    }
}

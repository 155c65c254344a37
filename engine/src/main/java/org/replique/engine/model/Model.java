package org.replique.engine.model;

import java.nio.file.Path;
import org.replique.engine.gguf.GgufFile;
import org.replique.engine.tokenizer.Tokenizer;
import org.replique.engine.tokenizer.Vocabulary;

/**
 * A loaded model: configuration, weights (views into the mapping) and tokenizer. Immutable and
 * safe to share between threads; per-sequence state lives in the backend's state objects.
 * Closing it unmaps the file.
 */
public final class Model implements AutoCloseable {
    private final GgufFile file;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Tokenizer tokenizer;

    private Model(GgufFile file, ModelConfig config, ModelWeights weights, Tokenizer tokenizer) {
        this.file = file;
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
    }

    /** Loads a model with the window from its metadata. */
    public static Model load(Path path) {
        return load(path, -1);
    }

    /**
     * Loads a model; {@code slidingWindow} ≥ 0 overrides the file's attention window (0 = none).
     */
    public static Model load(Path path, int slidingWindow) {
        return load(path, slidingWindow, null);
    }

    /**
     * Loads a model and, when {@code progress} is given, reads every tensor's pages in ahead of
     * use (so that the first request does not stall on page faults), reporting bytes as it goes.
     */
    public static Model load(Path path, int slidingWindow, LoadProgress progress) {
        GgufFile file = GgufFile.open(path);
        try {
            Tokenizer tokenizer = new Tokenizer(Vocabulary.from(file.metadata(), path));
            ModelConfig config = ModelConfig.from(file.metadata(), path, tokenizer.vocabulary().size());
            if (slidingWindow >= 0) {
                config = config.withSlidingWindow(slidingWindow);
            }
            ModelWeights weights = ModelWeights.from(file, config);
            if (progress != null) {
                prefetch(file, progress);
            }
            return new Model(file, config, weights, tokenizer);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static void prefetch(GgufFile file, LoadProgress progress) {
        long total = 0;
        for (var t : file.tensors().values()) total += t.data().byteSize();
        long done = 0;
        progress.update(0, total);
        for (var t : file.tensors().values()) {
            t.data().load();
            done += t.data().byteSize();
            progress.update(done, total);
        }
    }

    /** Size of the model file in bytes. */
    public long fileSize() {
        return file.fileSize();
    }

    /** Loads only the tokenizer of a GGUF file (which may hold no tensors at all). */
    public static Tokenizer loadTokenizer(Path path) {
        try (GgufFile file = GgufFile.open(path)) {
            return new Tokenizer(Vocabulary.from(file.metadata(), path));
        }
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public GgufFile file() {
        return file;
    }

    /** A display name: {@code general.name} when present, else the file name. */
    public String name() {
        return file.metadata().optionalString("general.name").orElse(file.path().getFileName().toString());
    }

    @Override
    public void close() {
        file.close();
    }
}

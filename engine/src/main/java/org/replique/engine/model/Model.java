package org.replique.engine.model;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Optional;
import org.replique.engine.gguf.GgufFile;
import org.replique.engine.tokenizer.Tokenizer;
import org.replique.engine.tokenizer.Vocabulary;

/**
 * A loaded model: configuration, weights (views into the mapping, or quantized copies) and
 * tokenizer. Immutable and safe to share between threads; per-sequence state lives in the
 * backend's state objects. Closing it unmaps the files and frees quantized weights.
 */
public final class Model implements AutoCloseable {
    private final ModelFile file;
    private final Arena quantized;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Tokenizer tokenizer;
    private final WeightsFormat weightsFormat;
    private final long parameters;

    private Model(ModelFile file, Arena quantized, ModelConfig config, ModelWeights weights, Tokenizer tokenizer,
                  WeightsFormat weightsFormat, long parameters) {
        this.file = file;
        this.quantized = quantized;
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.weightsFormat = weightsFormat;
        this.parameters = parameters;
    }

    /** Loads a model (a GGUF file or a Hugging Face folder) with the window from its metadata. */
    public static Model load(Path path) {
        return load(path, LoadOptions.DEFAULT);
    }

    /**
     * Loads a model; {@code slidingWindow} ≥ 0 overrides the file's attention window (0 = none).
     */
    public static Model load(Path path, int slidingWindow) {
        return load(path, LoadOptions.DEFAULT.withSlidingWindow(slidingWindow));
    }

    /**
     * Loads a model and, when {@code progress} is given, reads every tensor's pages in ahead of
     * use (so that the first request does not stall on page faults), reporting bytes as it goes.
     */
    public static Model load(Path path, int slidingWindow, LoadProgress progress) {
        return load(path, new LoadOptions(slidingWindow, WeightsFormat.AS_STORED, progress));
    }

    /** Loads a model (a GGUF file, or any {@link ModelFormat} installed) as {@code options} say. */
    public static Model load(Path path, LoadOptions options) {
        return load(ModelFile.open(path), options);
    }

    /** Loads a model from an open {@link ModelFile}, which the model then owns (and closes). */
    public static Model load(ModelFile file, LoadOptions options) {
        Arena arena = null;
        try {
            Tokenizer tokenizer = new Tokenizer(file.vocabulary());
            ModelConfig config = file.config();
            if (options.slidingWindow() >= 0) {
                config = config.withSlidingWindow(options.slidingWindow());
            }
            ModelWeights weights = ModelWeights.from(file, config);
            long parameters = 0;
            for (ModelTensor t : file.tensors().values()) parameters += t.elementCount();
            if (options.weights() != WeightsFormat.AS_STORED) {
                arena = Arena.ofShared();
                QuantizedWeights.Result q = QuantizedWeights.quantize(weights, options.weights(), arena, options.progress());
                weights = q.weights();
                if (!q.usesFile()) {
                    file.close(); // nothing points into the mapping any more: give its pages back
                }
            } else if (options.progress() != null) {
                prefetch(file, options.progress());
            }
            return new Model(file, arena, config, weights, tokenizer, options.weights(), parameters);
        } catch (RuntimeException | Error e) {
            if (arena != null) arena.close();
            file.close();
            throw e;
        }
    }

    private static void prefetch(ModelFile file, LoadProgress progress) {
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

    /** Size of the model's weight files in bytes. */
    public long fileSize() {
        return file.sizeBytes();
    }

    /** The GGUF file (or Hugging Face folder) the model came from. */
    public Path path() {
        return file.path();
    }

    /** Weights in the files, counted once (a tied output is not counted twice). */
    public long parameterCount() {
        return parameters;
    }

    /** How the weights are held: as stored, or quantized at load. */
    public WeightsFormat weightsFormat() {
        return weightsFormat;
    }

    /**
     * Loads only the tokenizer of a GGUF file (which may hold no tensors at all) or of another
     * installed {@link ModelFormat} (a Hugging Face folder).
     */
    public static Tokenizer loadTokenizer(Path path) {
        Optional<ModelFormat> format = ModelFile.format(path);
        if (format.isPresent()) {
            return new Tokenizer(format.get().vocabulary(path));
        }
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

    /** A display name: the file's own ({@code general.name}) when it has one, else the file or folder name. */
    public String name() {
        return file.name();
    }

    @Override
    public void close() {
        file.close();
        if (quantized != null) quantized.close();
    }
}

package org.replique.engine.model;

import org.replique.engine.file.ModelFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.replique.engine.gguf.GgufMetadata;
import org.replique.engine.tokenizer.Vocabulary;

/**
 * A model as the engine reads it, whatever its form on disk: a GGUF file, or another
 * {@link ModelFormat} such as a Hugging Face folder ({@code config.json}, safetensors shards, a
 * tokenizer) mapped to the same configuration, the same vocabulary and the same tensor names
 * ({@code token_embd.weight}, {@code blk.N.attn_q.weight}, …). Tensors are views into
 * memory-mapped files, valid until {@link #close()}.
 *
 * <p>Configuration comes from the files' metadata only, never from the model's name.
 */
public interface ModelFile extends AutoCloseable {

    /** What went wrong with a tensor that the weights need; each format throws its own exception kind. */
    enum Problem { MISSING_TENSOR, SHAPE_MISMATCH, UNSUPPORTED_TYPE }

    /** Opens {@code path} with the first {@link ModelFormat} that reads it, else as a GGUF file. */
    static ModelFile open(Path path) {
        Optional<ModelFormat> format = format(path);
        return format.isPresent() ? format.get().open(path) : GgufModelFile.open(path);
    }

    /** The installed format that reads {@code path}, if any (GGUF needs none). */
    static Optional<ModelFormat> format(Path path) {
        for (ModelFormat f : ServiceLoader.load(ModelFormat.class)) {
            if (f.reads(path)) return Optional.of(f);
        }
        return Optional.empty();
    }

    /** The file or folder. */
    Path path();

    /** A display name: the file's own when it has one, else the file or folder name. */
    String name();

    /** Bytes of the weight files. */
    long sizeBytes();

    ModelConfig config();

    Vocabulary vocabulary();

    /** Every tensor the model has, under the engine's names. */
    Map<String, ModelTensor> tensors();

    /** The name a tensor has in the files, for messages (the engine's name when the format uses it). */
    default String sourceName(String engineName) {
        return engineName;
    }

    /**
     * The GGUF metadata the model came with, when it is a GGUF file (a writer of a derived GGUF
     * copies it); other formats have none and are described by {@link #config()} and
     * {@link #vocabulary()}.
     */
    default Optional<GgufMetadata> ggufMetadata() {
        return Optional.empty();
    }

    /** The typed error of this format for {@code problem} with {@code detail}. */
    ModelFileException error(Problem problem, String detail);

    /** Unmaps the files; views taken from the tensors must not be used afterwards. */
    @Override
    void close();
}

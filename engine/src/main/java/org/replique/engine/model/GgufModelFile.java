package org.replique.engine.model;

import org.replique.engine.file.ModelFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.replique.engine.gguf.GgufException;
import org.replique.engine.gguf.GgufFile;
import org.replique.engine.gguf.GgufMetadata;
import java.util.Optional;
import org.replique.engine.gguf.GgufTensorInfo;
import org.replique.engine.tensor.RowOrder;
import org.replique.engine.tokenizer.Vocabulary;

/** A GGUF file as a {@link ModelFile}: its names are already the engine's, its rows in the engine's order. */
final class GgufModelFile implements ModelFile {
    private final GgufFile file;
    private final ModelConfig config;
    private final Vocabulary vocabulary;
    private final Map<String, ModelTensor> tensors;
    private boolean closed;

    private GgufModelFile(GgufFile file, ModelConfig config, Vocabulary vocabulary, Map<String, ModelTensor> tensors) {
        this.file = file;
        this.config = config;
        this.vocabulary = vocabulary;
        this.tensors = tensors;
    }

    static GgufModelFile open(Path path) {
        GgufFile file = GgufFile.open(path);
        try {
            Vocabulary vocabulary = Vocabulary.from(file.metadata(), path);
            ModelConfig config = ModelConfig.from(file.metadata(), path, vocabulary.size());
            Map<String, ModelTensor> tensors = new LinkedHashMap<>();
            for (GgufTensorInfo t : file.tensors().values()) {
                tensors.put(t.name(), new ModelTensor(t.name(), t.type(), t.shape(), t.data(), RowOrder.IDENTITY));
            }
            return new GgufModelFile(file, config, vocabulary, Collections.unmodifiableMap(tensors));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    @Override
    public Path path() {
        return file.path();
    }

    @Override
    public String name() {
        return file.metadata().optionalString("general.name").orElse(file.path().getFileName().toString());
    }

    @Override
    public long sizeBytes() {
        return file.fileSize();
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public Map<String, ModelTensor> tensors() {
        return tensors;
    }

    @Override
    public Optional<GgufMetadata> ggufMetadata() {
        return Optional.of(file.metadata());
    }

    @Override
    public ModelFileException error(Problem problem, String detail) {
        GgufException.Kind kind = switch (problem) {
            case MISSING_TENSOR -> GgufException.Kind.MISSING_TENSOR;
            case SHAPE_MISMATCH -> GgufException.Kind.SHAPE_MISMATCH;
            case UNSUPPORTED_TYPE -> GgufException.Kind.UNSUPPORTED_TENSOR_TYPE;
        };
        return new GgufException(kind, file.path(), detail);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            file.close();
        }
    }
}

package org.replique.engine.model;

import org.replique.engine.file.ModelFileException;
import java.nio.file.Path;
import org.replique.engine.tokenizer.Vocabulary;

/**
 * A form of model other than a GGUF file, such as a Hugging Face folder, read by the application
 * (it speaks JSON and protobuf; the runtime does not) and found through {@link java.util.ServiceLoader}.
 * {@link ModelFile#open} asks each format whether it reads a path before trying GGUF.
 */
public interface ModelFormat {

    /** Whether this format reads {@code path} (a Hugging Face folder: a directory). */
    boolean reads(Path path);

    /** Opens the model; throws a {@link ModelFileException} of the format's own kind when it cannot be used. */
    ModelFile open(Path path);

    /** Only the vocabulary, for tokenizing without the weights. */
    Vocabulary vocabulary(Path path);
}

package org.replique.engine.file;

import java.nio.file.Path;

/**
 * A model that cannot be used, with what is wrong and where: the common type of
 * {@link org.replique.engine.gguf.GgufException} (a GGUF file) and
 * the application's Hugging Face folder errors, each with its own kinds. Never a raw index error: readers check lengths and offsets before they touch bytes.
 */
public abstract class ModelFileException extends RuntimeException {
    private final Path file;

    protected ModelFileException(Path file, String detail, Throwable cause) {
        super(file.getFileName() + ": " + detail, cause);
        this.file = file;
    }

    /** The file (or folder) at fault. */
    public Path file() {
        return file;
    }
}

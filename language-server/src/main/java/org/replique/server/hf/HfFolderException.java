package org.replique.server.hf;

import java.nio.file.Path;
import org.replique.engine.file.ModelFileException;

/** A Hugging Face model folder that cannot be used: what is wrong, and which file of the folder. */
public final class HfFolderException extends ModelFileException {

    /** What kind of problem, so that callers (and tests) can tell them apart without parsing text. */
    public enum Kind {
        /** The folder has no {@code config.json}. */
        MISSING_CONFIG,
        /** {@code config.json} is not valid JSON, or a value is missing, of the wrong type or out of range. */
        MALFORMED_CONFIG,
        /** The architecture (or one of its options) is not one this engine runs. */
        UNSUPPORTED_ARCHITECTURE,
        /** No {@code *.safetensors} file, or a shard that the index names is missing. */
        MISSING_SHARD,
        /** A safetensors header that cannot be read: bad length, bad JSON, offsets outside the file. */
        CORRUPT_HEADER,
        /** A tensor the model needs is in a type other than F32, F16 or BF16. */
        UNSUPPORTED_DTYPE,
        /** A tensor the model needs is in no shard. */
        MISSING_TENSOR,
        /** A tensor's shape disagrees with {@code config.json}. */
        SHAPE_MISMATCH,
        /** Neither {@code tokenizer.model} nor {@code tokenizer.json}. */
        MISSING_TOKENIZER,
        /** A tokenizer file that cannot be read, or of a kind this engine does not run. */
        BAD_TOKENIZER,
        /** The files cannot be read. */
        IO_ERROR
    }

    private final Kind kind;

    public HfFolderException(Kind kind, Path file, String detail) {
        this(kind, file, detail, null);
    }

    public HfFolderException(Kind kind, Path file, String detail, Throwable cause) {
        super(file, detail, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

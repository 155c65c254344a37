package org.replique.engine.gguf;

import java.nio.file.Path;
import org.replique.engine.file.ModelFileException;

/**
 * A model file that cannot be used, with what is wrong and where. Never a raw index error: the
 * reader checks every length and offset against the file before it touches the bytes.
 */
public final class GgufException extends ModelFileException {

    /** What kind of problem, so that callers (and tests) can tell them apart without parsing text. */
    public enum Kind {
        NOT_FOUND,
        IO_ERROR,
        BAD_MAGIC,
        UNSUPPORTED_VERSION,
        TRUNCATED,
        MALFORMED_METADATA,
        TENSOR_OUT_OF_BOUNDS,
        SHAPE_MISMATCH,
        UNSUPPORTED_TENSOR_TYPE,
        UNKNOWN_ARCHITECTURE,
        MISSING_TENSOR,
        MISSING_METADATA
    }

    private final Kind kind;

    public GgufException(Kind kind, Path file, String detail) {
        this(kind, file, detail, null);
    }

    public GgufException(Kind kind, Path file, String detail, Throwable cause) {
        super(file, detail, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

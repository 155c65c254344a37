package org.replique.engine.file;

import java.nio.file.Path;

/**
 * The model's file changed on disk while the engine read it through its memory mapping: it was
 * truncated or rewritten in place. Reading a mapped page that the file no longer has makes the
 * operating system fault the read (SIGBUS); the JVM turns that fault into an {@link InternalError}
 * where it can (see {@link #isMappingFault}), and the engine reports it as this exception. The
 * model must be loaded again from the file as it is now.
 */
public final class ModelFileChangedException extends ModelFileException {

    public ModelFileChangedException(Path file, Throwable cause) {
        super(file, "the file changed on disk while it was in use (truncated or rewritten in place); load it again",
                cause);
    }

    /**
     * Whether {@code t} is the JVM's report of a faulting read of mapped memory: the
     * {@link InternalError} "a fault occurred in an unsafe memory access operation".
     */
    public static boolean isMappingFault(Throwable t) {
        return t instanceof InternalError && t.getMessage() != null && t.getMessage().contains("unsafe memory access");
    }
}

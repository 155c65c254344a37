package org.replique.engine.model;

/** Told how far a model load has got: bytes of tensor data brought into memory so far. */
@FunctionalInterface
public interface LoadProgress {
    LoadProgress NONE = (done, total) -> {};

    void update(long bytesDone, long bytesTotal);
}

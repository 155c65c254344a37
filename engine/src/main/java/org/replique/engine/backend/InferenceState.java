package org.replique.engine.backend;

/** The per-sequence state of a backend: its KV cache and how many positions it holds. */
public interface InferenceState extends AutoCloseable {

    /** Number of positions evaluated and held (the next token goes to this position). */
    int length();

    /** The most positions this state can hold. */
    int capacity();

    /**
     * Forgets positions from {@code length} on and returns how many are kept. That is
     * {@code length}, unless the cache no longer has all the positions the next token would
     * attend to (a ring buffer that wrapped), in which case it is 0.
     */
    int truncate(int length);

    /** Bytes held for the cache and scratch buffers. */
    long memoryBytes();

    @Override
    default void close() {}
}

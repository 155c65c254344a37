package org.replique.engine.tornadovm;

import static org.replique.engine.tornadovm.DeviceKernels.CHUNK;
import static org.replique.engine.tornadovm.DeviceKernels.PAGE;

import org.replique.engine.backend.InferenceState;

/**
 * One sequence on the device: which pages of the backend's KV cache pool hold its positions, and
 * how many positions it has evaluated. The keys and values themselves never leave the device.
 *
 * <p>Logical page {@code k} (positions {@code k·PAGE …}) lives in pool page
 * {@code table[k mod table.length]}. The pages held are always a contiguous run of logical pages,
 * never more than the pool has, so the ring never overwrites one in use. Without a sliding window
 * the run starts at page 0. With a window W, pages that no future token can see (all positions
 * below {@code length − W + 1}, less a chunk's margin so that a small truncation stays warm, as
 * on the CPU) go back to the pool, and a long sequence keeps only about W positions.
 */
final class TornadoState implements InferenceState {
    final TornadoBackend owner;
    private final KvPages pool;
    private final int capacity;
    private final int window;
    private final long bytesPerPage;
    private final int[] table;
    /** The held logical pages are {@code [firstPage, endPage)}. */
    private int firstPage;
    private int endPage;
    /** Volatile: written by the thread evaluating, read by others (cache accounting, progress). */
    private volatile int length;
    private boolean closed;

    TornadoState(TornadoBackend owner, KvPages pool, int capacity, int window, long bytesPerPage) {
        this.owner = owner;
        this.pool = pool;
        this.capacity = capacity;
        this.window = window > 0 && window < capacity ? window : 0;
        this.bytesPerPage = bytesPerPage;
        this.table = new int[pool.pages()];
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    /** The page table as the kernels index it (ring of logical pages). */
    int[] table() {
        return table;
    }

    /**
     * Takes the pages that positions {@code [length, length + count)} need, after giving back those
     * no token of the chunk can attend to. Fails, keeping the state valid, when the pool is full.
     */
    void reserve(int count) {
        if (closed) throw new IllegalStateException("the sequence state is closed");
        if (window > 0) releaseBelow(length - window + 1 - CHUNK);
        int needEnd = (length + count + PAGE - 1) / PAGE;
        while (endPage < needEnd) {
            int page = pool.take();
            if (page < 0) {
                throw new IllegalStateException("the device KV cache pool is full: " + pool.pages() * PAGE
                        + " positions are shared by all open sequences and this one needs " + (length + count)
                        + " (close idle sequences, or raise -D" + TornadoBackendProvider.KV_POSITIONS_PROPERTY + ")");
            }
            table[endPage % table.length] = page;
            endPage++;
        }
    }

    void advance(int count) {
        length += count;
    }

    @Override
    public int truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate " + length + " positions to " + newLength);
        }
        // The next token, at newLength, attends back to newLength − window + 1: those positions
        // must still be held.
        int oldestNeeded = window > 0 ? Math.max(0, newLength - window + 1) : 0;
        if (oldestNeeded >= firstPage * PAGE) {
            length = newLength;
            releaseFrom((newLength + PAGE - 1) / PAGE);
        } else {
            length = 0;
            releaseFrom(firstPage);
            firstPage = 0;
            endPage = 0;
        }
        return length;
    }

    /** Gives back the held pages whose positions all lie below {@code position}. */
    private void releaseBelow(int position) {
        while (firstPage < endPage && (firstPage + 1) * PAGE <= position) {
            pool.give(table[firstPage % table.length]);
            firstPage++;
        }
    }

    /** Gives back the held pages from logical page {@code page} on. */
    private void releaseFrom(int page) {
        while (endPage > Math.max(page, firstPage)) {
            endPage--;
            pool.give(table[endPage % table.length]);
        }
    }

    @Override
    public long memoryBytes() {
        return (long) (endPage - firstPage) * bytesPerPage;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        releaseFrom(firstPage);
        firstPage = 0;
        endPage = 0;
    }
}

package org.replique.engine.tornadovm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * Host memory of the device arrays that the plan uploads once and never reads back: the repacked
 * weights and the KV cache pool. TornadoVM keeps a host copy of every array it moves; these come
 * from one arena of this class, so that once they are on the device the backend can
 * {@linkplain #release() release} the copies where the driver copied them into device buffers of
 * its own (OpenCL), instead of holding the model twice. The arrays must not be read on the host
 * after that; the backend never does.
 */
final class HostArrays implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private volatile boolean released;

    FloatArray floats(int count) {
        return FloatArray.fromSegmentShallow(segment((long) count * Float.BYTES));
    }

    IntArray ints(int count) {
        return IntArray.fromSegmentShallow(segment((long) count * Integer.BYTES));
    }

    ShortArray shorts(int count) {
        return ShortArray.fromSegmentShallow(segment((long) count * Short.BYTES));
    }

    /** A zeroed segment with room for TornadoVM's array header before the data. */
    private MemorySegment segment(long dataBytes) {
        if (released) throw new IllegalStateException("host arrays already released");
        return arena.allocate(TornadoNativeArray.ARRAY_HEADER + dataBytes, 64);
    }

    boolean released() {
        return released;
    }

    /** Frees every array allocated here; their device copies stay. */
    void release() {
        if (released) return;
        released = true;
        arena.close();
    }

    @Override
    public void close() {
        release();
    }
}

package org.replique.engine.cpu;

import org.replique.engine.backend.InferenceState;
import org.replique.engine.model.ModelConfig;

/**
 * One sequence on the CPU: the KV cache (F32, per layer) and the scratch buffers of a chunk.
 *
 * <p>The cache is a ring of {@code slots} positions: position {@code p} lives in slot
 * {@code p % slots}. Without a sliding window, {@code slots} is the capacity and the ring never
 * wraps. With a window W smaller than the capacity, {@code slots = W + chunk}: a chunk of up to
 * {@code chunk} new positions then never overwrites a position that one of its tokens attends to.
 */
final class CpuState implements InferenceState {
    final int capacity;
    final int slots;
    final int window;
    final float[][] keys;
    final float[][] values;
    final Scratch scratch;
    private int length;

    CpuState(ModelConfig c, int capacity, int chunk) {
        this.capacity = capacity;
        this.window = c.slidingWindow() > 0 && c.slidingWindow() < capacity ? c.slidingWindow() : 0;
        this.slots = window > 0 ? Math.min(capacity, window + chunk) : capacity;
        this.keys = new float[c.layers()][slots * c.kvDim()];
        this.values = new float[c.layers()][slots * c.kvDim()];
        this.scratch = new Scratch(c, chunk, window > 0 ? window : capacity);
    }

    @Override
    public int length() {
        return length;
    }

    void advance(int count) {
        length += count;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate " + length + " positions to " + newLength);
        }
        // Positions below length - slots have been overwritten. The next token, at newLength,
        // attends to [newLength - window + 1, newLength - 1]; all of them must still be present.
        int oldestNeeded = window > 0 ? Math.max(0, newLength - window + 1) : 0;
        int oldestPresent = Math.max(0, length - slots);
        length = oldestNeeded >= oldestPresent ? newLength : 0;
        return length;
    }

    @Override
    public long memoryBytes() {
        return 2L * keys.length * keys[0].length * Float.BYTES + scratch.bytes();
    }

    /** Activation buffers for a chunk of tokens, reused from call to call. */
    static final class Scratch {
        final float[] x;
        final float[] xb;
        final float[] q;
        final float[] k;
        final float[] v;
        final float[] attention;
        final float[] projected;
        final float[] gate;
        final float[] up;
        final float[] scores;
        final float[] last;

        Scratch(ModelConfig c, int chunk, int span) {
            int qDim = c.heads() * c.headDim();
            x = new float[chunk * c.dim()];
            xb = new float[chunk * c.dim()];
            q = new float[chunk * qDim];
            k = new float[chunk * c.kvDim()];
            v = new float[chunk * c.kvDim()];
            attention = new float[chunk * qDim];
            projected = new float[chunk * c.dim()];
            gate = new float[chunk * c.ffnDim()];
            up = new float[chunk * c.ffnDim()];
            scores = new float[span];
            last = new float[c.dim()];
        }

        long bytes() {
            return 4L * (x.length + xb.length + q.length + k.length + v.length + attention.length + projected.length
                    + gate.length + up.length + scores.length + last.length);
        }
    }
}

package org.replique.engine.cpu;

import org.replique.engine.backend.InferenceState;
import org.replique.engine.backend.KvType;
import org.replique.engine.kernel.PreparedInput;
import org.replique.engine.model.BlockLayout;
import org.replique.engine.model.ModelConfig;
import org.replique.engine.model.ModelWeights;

/**
 * One sequence on the CPU: the KV cache (F32 or F16, per layer) and the scratch buffers of a chunk.
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
    final KvCache kv;
    final Scratch scratch;
    private int length;
    /**
     * The oldest position whose slot still holds it. Writing position {@code p} overwrites
     * position {@code p - slots}, and a chunk writes its slots layer by layer before its length
     * is advanced, so a cancelled chunk may have overwritten positions below {@code length}.
     */
    private int oldestHeld;

    /** A state whose attention may run on {@code threads} threads at once (each has its own scores). */
    CpuState(ModelConfig c, ModelWeights w, int capacity, int chunk, KvType kvType, int threads) {
        this.capacity = capacity;
        this.window = c.slidingWindow() > 0 && c.slidingWindow() < capacity ? c.slidingWindow() : 0;
        this.slots = window > 0 ? Math.min(capacity, window + chunk) : capacity;
        this.kv = new KvCache(kvType, c.layers(), slots, c.kvDim());
        this.scratch = new Scratch(c, w, chunk, window > 0 ? window : capacity, threads);
    }

    @Override
    public int length() {
        return length;
    }

    /** Records that the K/V of positions {@code [length, length + count)} are about to be written. */
    void willWrite(int count) {
        oldestHeld = Math.max(oldestHeld, length + count - slots);
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
        // The next token, at newLength, attends to [newLength - window + 1, newLength - 1]; all of
        // them must still be held. Without a window the ring never wraps and oldestHeld stays 0.
        int oldestNeeded = window > 0 ? Math.max(0, newLength - window + 1) : 0;
        if (oldestNeeded >= oldestHeld) {
            length = newLength;
        } else {
            length = 0;
            oldestHeld = 0;
        }
        return length;
    }

    @Override
    public long memoryBytes() {
        return kv.bytes() + scratch.bytes();
    }

    /**
     * Activation buffers for a chunk of tokens, reused from call to call. Those a layout does not
     * use are null: {@code qkv} without a fused Q/K/V matrix, {@code xb2} and {@code ffnOut} outside
     * parallel blocks, {@code gate} without SwiGLU.
     */
    static final class Scratch {
        final float[] x;
        final float[] xb;
        /** The attention input when a block normalizes it separately (Falcon-40B). */
        final float[] xb2;
        /** The fused Q/K/V projection, split into {@code q}, {@code k}, {@code v}. */
        final float[] qkv;
        final float[] q;
        final float[] k;
        final float[] v;
        final float[] attention;
        final float[] projected;
        /** The feed-forward's output in a parallel block, added to the residual with attention's. */
        final float[] ffnOut;
        final float[] gate;
        final float[] up;
        /** Attention scores, one array per compute thread. */
        final float[][] scores;
        final float[] last;
        /** Prepared activations, refilled at every layer instead of reallocated; see {@link Transformer}. */
        final PreparedInput[] prepared = new PreparedInput[Transformer.PREPARED_SITES];

        Scratch(ModelConfig c, ModelWeights w, int chunk, int span, int threads) {
            int qDim = c.heads() * c.headDim();
            boolean parallel = c.block().parallel();
            boolean fused = w.layers().stream().anyMatch(l -> l.wqkv() != null);
            boolean secondNorm = w.layers().stream().anyMatch(l -> l.attentionNorm2() != null);
            x = new float[chunk * c.dim()];
            xb = new float[chunk * c.dim()];
            xb2 = secondNorm ? new float[chunk * c.dim()] : null;
            qkv = fused ? new float[chunk * (qDim + 2 * c.kvDim())] : null;
            q = new float[chunk * qDim];
            k = new float[chunk * c.kvDim()];
            v = new float[chunk * c.kvDim()];
            attention = new float[chunk * qDim];
            projected = new float[chunk * c.dim()];
            ffnOut = parallel ? new float[chunk * c.dim()] : null;
            gate = c.block().feedForward() == BlockLayout.FeedForward.SWIGLU ? new float[chunk * c.ffnDim()] : null;
            up = new float[chunk * c.ffnDim()];
            scores = new float[threads][span];
            last = new float[c.dim()];
        }

        long bytes() {
            long floats = (long) scores.length * scores[0].length;
            for (float[] a : new float[][] {x, xb, xb2, qkv, q, k, v, attention, projected, ffnOut, gate, up, last}) {
                if (a != null) floats += a.length;
            }
            return 4L * floats;
        }
    }
}

package org.replique.engine.cpu;

import org.replique.engine.backend.KvType;
import org.replique.engine.kernel.Kernels;

/**
 * The keys and values of every layer for {@code slots} positions of {@code kvDim} values each, in
 * F32 or F16. Slot {@code s} of a layer holds one position's keys (or values) for all KV heads
 * at {@code s · kvDim}.
 */
final class KvCache {
    final KvType type;
    final int slots;
    final int kvDim;
    private final float[][] keys;
    private final float[][] values;
    private final short[][] halfKeys;
    private final short[][] halfValues;

    KvCache(KvType type, int layers, int slots, int kvDim) {
        this.type = type;
        this.slots = slots;
        this.kvDim = kvDim;
        boolean f32 = type == KvType.F32;
        this.keys = f32 ? new float[layers][slots * kvDim] : null;
        this.values = f32 ? new float[layers][slots * kvDim] : null;
        this.halfKeys = f32 ? null : new short[layers][slots * kvDim];
        this.halfValues = f32 ? null : new short[layers][slots * kvDim];
    }

    /** Writes one position's keys and values (from {@code k[kOffset…]}, {@code v[vOffset…]}) to {@code slot}. */
    void store(int layer, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        int at = slot * kvDim;
        if (type == KvType.F32) {
            System.arraycopy(k, kOffset, keys[layer], at, kvDim);
            System.arraycopy(v, vOffset, values[layer], at, kvDim);
        } else {
            short[] hk = halfKeys[layer];
            short[] hv = halfValues[layer];
            for (int i = 0; i < kvDim; i++) {
                hk[at + i] = Float.floatToFloat16(k[kOffset + i]);
                hv[at + i] = Float.floatToFloat16(v[vOffset + i]);
            }
        }
    }

    /** {@link Kernels#attention} of one query head over {@code length} positions from {@code firstSlot}. */
    void attend(Kernels kernels, int layer, float[] q, int qOffset, int headOffset, int firstSlot, int length,
                int headDim, float scale, boolean inBatch, float[] scores, float[] out, int outOffset) {
        if (type == KvType.F32) {
            kernels.attention(q, qOffset, keys[layer], values[layer], headOffset, kvDim, slots, firstSlot, length,
                    headDim, scale, inBatch, scores, out, outOffset);
        } else {
            kernels.attention(q, qOffset, halfKeys[layer], halfValues[layer], headOffset, kvDim, slots, firstSlot,
                    length, headDim, scale, inBatch, scores, out, outOffset);
        }
    }

    long bytes() {
        int layers = type == KvType.F32 ? keys.length : halfKeys.length;
        return 2L * layers * slots * kvDim * type.bytes();
    }
}

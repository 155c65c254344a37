package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.FLOATS;
import static org.replique.engine.kernel.VectorShapes.F;
import static org.replique.engine.kernel.VectorShapes.GF;
import static org.replique.engine.kernel.VectorShapes.GROUP_VECTORS;
import static org.replique.engine.kernel.VectorShapes.L;
import static org.replique.engine.kernel.VectorShapes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

/**
 * Attention of one query head over the cache. With an F32 cache it rounds as ggml does
 * ({@link GgmlAttention}): q·k in {@code vec_dot_f32}'s lanes, ggml's softmax, the values summed
 * in the lanes of ggml's batched kernel (prompts) or of {@code vec_dot_f32} (decoding), vectorized
 * along the head dimension. Head sizes that are not a whole number of vectors finish with scalar
 * columns.
 */
final class VectorAttention {
    private static final ThreadLocal<float[]> QUERY = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[8 * L]);

    private VectorAttention() {}

    static void f32(float[] q, int qOffset, float[] keys, float[] values, int headOffset, int stride, int slots,
                    int firstSlot, int length, int headDim, float scale, boolean inBatch, float[] scores, float[] out,
                    int outOffset) {
        int slot = firstSlot;
        for (int i = 0; i < length; i++) {
            scores[i] = dot(q, qOffset, keys, slot * stride + headOffset, headDim) * scale;
            if (++slot == slots) slot = 0;
        }
        GgmlAttention.softmax(scores, length);
        int vectorDims = headDim - headDim % L;
        boolean batched = GgmlAttention.batchedValues(inBatch, headDim);
        for (int d = 0; d < vectorDims; d += L) {
            // Into out by the helpers themselves: a vector they returned would be allocated whenever
            // the JIT does not inline them (see ExactVectors).
            if (batched) {
                valuesInLanesOf8(values, headOffset + d, stride, slots, firstSlot, length, scores, out, outOffset + d);
            } else {
                valuesInLanesOf32(values, headOffset + d, stride, slots, firstSlot, length, scores, out, outOffset + d);
            }
        }
        float[] acc = new float[batched ? 8 : 32];
        for (int d = vectorDims; d < headDim; d++) {
            java.util.Arrays.fill(acc, 0f);
            slot = firstSlot;
            for (int i = 0; i < length; i++) {
                int lane = i % acc.length;
                acc[lane] = Math.fma(values[slot * stride + headOffset + d], scores[i], acc[lane]);
                if (++slot == slots) slot = 0;
            }
            out[outOffset + d] = batched ? ScalarKernels.sumOf8(acc) : GgmlAttention.reduce32(acc);
        }
    }

    /**
     * ggml's {@code vec_dot_f32} of q and one key: four accumulators of eight lanes over each whole
     * 32 elements ({@link #GROUPS} vectors of {@code GF}), reduced as {@link GgmlAttention#reduce32},
     * then the remaining elements one by one.
     */
    private static float dot(float[] q, int qo, float[] k, int ko, int n) {
        int whole = n & ~31;
        float sum = 0;
        if (whole > 0) {
            int g = GF.length();
            FloatVector a0 = FloatVector.zero(GF);
            FloatVector a1 = FloatVector.zero(GF);
            FloatVector a2 = FloatVector.zero(GF);
            FloatVector a3 = FloatVector.zero(GF);
            FloatVector b0 = FloatVector.zero(GF);
            FloatVector b1 = FloatVector.zero(GF);
            FloatVector b2 = FloatVector.zero(GF);
            FloatVector b3 = FloatVector.zero(GF);
            for (int i = 0; i < whole; i += 32) {
                a0 = FloatVector.fromArray(GF, q, qo + i).fma(FloatVector.fromArray(GF, k, ko + i), a0);
                a1 = FloatVector.fromArray(GF, q, qo + i + 8).fma(FloatVector.fromArray(GF, k, ko + i + 8), a1);
                a2 = FloatVector.fromArray(GF, q, qo + i + 16).fma(FloatVector.fromArray(GF, k, ko + i + 16), a2);
                a3 = FloatVector.fromArray(GF, q, qo + i + 24).fma(FloatVector.fromArray(GF, k, ko + i + 24), a3);
                if (GROUP_VECTORS == 2) {
                    b0 = FloatVector.fromArray(GF, q, qo + i + g).fma(FloatVector.fromArray(GF, k, ko + i + g), b0);
                    b1 = FloatVector.fromArray(GF, q, qo + i + 8 + g).fma(FloatVector.fromArray(GF, k, ko + i + 8 + g), b1);
                    b2 = FloatVector.fromArray(GF, q, qo + i + 16 + g).fma(FloatVector.fromArray(GF, k, ko + i + 16 + g), b2);
                    b3 = FloatVector.fromArray(GF, q, qo + i + 24 + g).fma(FloatVector.fromArray(GF, k, ko + i + 24 + g), b3);
                }
            }
            float[] s = new float[8];
            a0.add(a2).add(a1.add(a3)).intoArray(s, 0);
            if (GROUP_VECTORS == 2) b0.add(b2).add(b1.add(b3)).intoArray(s, g);
            float t0 = s[0] + s[4];
            float t1 = s[1] + s[5];
            float t2 = s[2] + s[6];
            float t3 = s[3] + s[7];
            sum = (t0 + t1) + (t2 + t3);
        }
        for (int i = whole; i < n; i++) sum += q[qo + i] * k[ko + i];
        return sum;
    }

    /**
     * {@code Σ_i p_i · v_i} for {@code L} dimensions of the values from {@code at}, as ggml's
     * batched kernel sums it: position i into lane {@code i mod 8}, the lanes added as
     * {@link ScalarKernels#sumOf8} (here, vector by vector).
     */
    private static void valuesInLanesOf8(float[] values, int at, int stride, int slots, int firstSlot, int length,
                                         float[] p, float[] out, int outAt) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = FloatVector.zero(F);
        FloatVector c2 = FloatVector.zero(F);
        FloatVector c3 = FloatVector.zero(F);
        FloatVector c4 = FloatVector.zero(F);
        FloatVector c5 = FloatVector.zero(F);
        FloatVector c6 = FloatVector.zero(F);
        FloatVector c7 = FloatVector.zero(F);
        for (int i = 0; i < length; i += 8) {
            c0 = value(values, at, stride, slots, firstSlot, i, length).fma(weight(p, i, length), FLOATS.cast(c0));
            c1 = value(values, at, stride, slots, firstSlot, i + 1, length).fma(weight(p, i + 1, length), FLOATS.cast(c1));
            c2 = value(values, at, stride, slots, firstSlot, i + 2, length).fma(weight(p, i + 2, length), FLOATS.cast(c2));
            c3 = value(values, at, stride, slots, firstSlot, i + 3, length).fma(weight(p, i + 3, length), FLOATS.cast(c3));
            c4 = value(values, at, stride, slots, firstSlot, i + 4, length).fma(weight(p, i + 4, length), FLOATS.cast(c4));
            c5 = value(values, at, stride, slots, firstSlot, i + 5, length).fma(weight(p, i + 5, length), FLOATS.cast(c5));
            c6 = value(values, at, stride, slots, firstSlot, i + 6, length).fma(weight(p, i + 6, length), FLOATS.cast(c6));
            c7 = value(values, at, stride, slots, firstSlot, i + 7, length).fma(weight(p, i + 7, length), FLOATS.cast(c7));
        }
        FLOATS.cast(c0).add(FLOATS.cast(c4)).add(FLOATS.cast(c2).add(FLOATS.cast(c6)))
                .add(FLOATS.cast(c1).add(FLOATS.cast(c5)).add(FLOATS.cast(c3).add(FLOATS.cast(c7)))).intoArray(out, outAt);
    }

    /**
     * {@code Σ_i p_i · v_i} for {@code L} dimensions from {@code at}, in {@code vec_dot_f32}'s
     * order: position i into accumulator {@code (i mod 32) / 8}, lane {@code i mod 8}, reduced as
     * {@link GgmlAttention#reduce32} (vector by vector). Each of the 32 partial sums is taken in
     * turn, so that four accumulators are live at a time.
     */
    private static void valuesInLanesOf32(float[] values, int at, int stride, int slots, int firstSlot, int length,
                                          float[] p, float[] out, int outAt) {
        float[] lanes = LANES.get();
        for (int l = 0; l < 8; l++) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int i = l; i < length; i += 32) {
                a0 = value(values, at, stride, slots, firstSlot, i, length).fma(weight(p, i, length), FLOATS.cast(a0));
                a1 = value(values, at, stride, slots, firstSlot, i + 8, length).fma(weight(p, i + 8, length), FLOATS.cast(a1));
                a2 = value(values, at, stride, slots, firstSlot, i + 16, length).fma(weight(p, i + 16, length), FLOATS.cast(a2));
                a3 = value(values, at, stride, slots, firstSlot, i + 24, length).fma(weight(p, i + 24, length), FLOATS.cast(a3));
            }
            FLOATS.cast(a0).add(FLOATS.cast(a2)).add(FLOATS.cast(a1).add(FLOATS.cast(a3))).intoArray(lanes, l * L);
        }
        FloatVector t0 = FloatVector.fromArray(F, lanes, 0).add(FloatVector.fromArray(F, lanes, 4 * L));
        FloatVector t1 = FloatVector.fromArray(F, lanes, L).add(FloatVector.fromArray(F, lanes, 5 * L));
        FloatVector t2 = FloatVector.fromArray(F, lanes, 2 * L).add(FloatVector.fromArray(F, lanes, 6 * L));
        FloatVector t3 = FloatVector.fromArray(F, lanes, 3 * L).add(FloatVector.fromArray(F, lanes, 7 * L));
        t0.add(t1).add(t2.add(t3)).intoArray(out, outAt);
    }

    /** The values of window position i (zeros past the window, whose weights are zero too). */
    private static FloatVector value(float[] values, int at, int stride, int slots, int firstSlot, int i, int length) {
        if (i >= length) return FloatVector.zero(F);
        int slot = firstSlot + i;
        if (slot >= slots) slot -= slots;
        return FLOATS.cast(FloatVector.fromArray(F, values, slot * stride + at));
    }

    private static FloatVector weight(float[] p, int i, int length) {
        return FloatVector.broadcast(F, i < length ? p[i] : 0f);
    }

    static void f16(float[] q, int qOffset, short[] keys, short[] values, int headOffset, int stride, int slots,
                    int firstSlot, int length, int headDim, float scale, float[] scores, float[] out, int outOffset) {
        float[] q16 = QUERY.get();
        if (q16.length < headDim) {
            q16 = new float[headDim];
            QUERY.set(q16);
        }
        for (int d = 0; d < headDim; d++) q16[d] = ScalarKernels.roundToF16(q[qOffset + d]);
        int vectorDims = headDim - headDim % L;
        float[] lanes = LANES.get();
        int slot = firstSlot;
        for (int i = 0; i < length; i++) {
            int k = slot * stride + headOffset;
            FloatVector acc = FloatVector.zero(F);
            for (int d = 0; d < vectorDims; d += L) {
                FloatVector kv = HalfFloats.f16ToFloat(ShortVector.fromArray(S, keys, k + d));
                acc = FloatVector.fromArray(F, q16, d).fma(kv, FLOATS.cast(acc));
            }
            FLOATS.cast(acc).intoArray(lanes, 0);
            float s = VectorShapes.sum(lanes, 0);
            for (int d = vectorDims; d < headDim; d++) s += q16[d] * Float.float16ToFloat(keys[k + d]);
            scores[i] = s * scale;
            if (++slot == slots) slot = 0;
        }
        GgmlAttention.softmax(scores, length);
        for (int i = 0; i < length; i++) scores[i] = ScalarKernels.roundToF16(scores[i]);
        for (int d = 0; d < vectorDims; d += L) {
            FloatVector o = FloatVector.zero(F);
            slot = firstSlot;
            for (int i = 0; i < length; i++) {
                o = HalfFloats.f16ToFloat(ShortVector.fromArray(S, values, slot * stride + headOffset + d))
                        .fma(FloatVector.broadcast(F, scores[i]), FLOATS.cast(o));
                if (++slot == slots) slot = 0;
            }
            FLOATS.cast(o).intoArray(out, outOffset + d);
        }
        for (int d = vectorDims; d < headDim; d++) {
            float o = 0;
            slot = firstSlot;
            for (int i = 0; i < length; i++) {
                o += scores[i] * Float.float16ToFloat(values[slot * stride + headOffset + d]);
                if (++slot == slots) slot = 0;
            }
            out[outOffset + d] = o;
        }
    }
}

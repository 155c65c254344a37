package org.replique.engine.kernel;

import static org.replique.engine.kernel.VectorShapes.F;
import static org.replique.engine.kernel.VectorShapes.L;
import static org.replique.engine.kernel.VectorShapes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

/**
 * Attention of one query head over the cache, vectorized along the head dimension; the softmax
 * is the reference's ({@link ScalarKernels#softmax}). Head sizes that are not a whole number of
 * vectors finish with scalar columns.
 */
final class VectorAttention {
    private static final ThreadLocal<float[]> QUERY = ThreadLocal.withInitial(() -> new float[0]);

    private VectorAttention() {}

    static void f32(float[] q, int qOffset, float[] keys, float[] values, int headOffset, int stride, int slots,
                    int firstSlot, int length, int headDim, float scale, float[] scores, float[] out, int outOffset) {
        int vectorDims = headDim - headDim % L;
        int slot = firstSlot;
        for (int i = 0; i < length; i++) {
            int k = slot * stride + headOffset;
            FloatVector acc = FloatVector.zero(F);
            for (int d = 0; d < vectorDims; d += L) {
                acc = FloatVector.fromArray(F, q, qOffset + d).fma(FloatVector.fromArray(F, keys, k + d), acc);
            }
            float s = VectorShapes.sum(acc);
            for (int d = vectorDims; d < headDim; d++) s += q[qOffset + d] * keys[k + d];
            scores[i] = s * scale;
            if (++slot == slots) slot = 0;
        }
        ScalarKernels.softmax(scores, length);
        for (int d = 0; d < vectorDims; d += L) {
            FloatVector o = FloatVector.zero(F);
            slot = firstSlot;
            for (int i = 0; i < length; i++) {
                o = FloatVector.fromArray(F, values, slot * stride + headOffset + d).fma(FloatVector.broadcast(F, scores[i]), o);
                if (++slot == slots) slot = 0;
            }
            o.intoArray(out, outOffset + d);
        }
        for (int d = vectorDims; d < headDim; d++) {
            float o = 0;
            slot = firstSlot;
            for (int i = 0; i < length; i++) {
                o += scores[i] * values[slot * stride + headOffset + d];
                if (++slot == slots) slot = 0;
            }
            out[outOffset + d] = o;
        }
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
        int slot = firstSlot;
        for (int i = 0; i < length; i++) {
            int k = slot * stride + headOffset;
            FloatVector acc = FloatVector.zero(F);
            for (int d = 0; d < vectorDims; d += L) {
                FloatVector kv = HalfFloats.f16ToFloat(ShortVector.fromArray(S, keys, k + d));
                acc = FloatVector.fromArray(F, q16, d).fma(kv, acc);
            }
            float s = VectorShapes.sum(acc);
            for (int d = vectorDims; d < headDim; d++) s += q16[d] * Float.float16ToFloat(keys[k + d]);
            scores[i] = s * scale;
            if (++slot == slots) slot = 0;
        }
        ScalarKernels.softmax(scores, length);
        for (int i = 0; i < length; i++) scores[i] = ScalarKernels.roundToF16(scores[i]);
        for (int d = 0; d < vectorDims; d += L) {
            FloatVector o = FloatVector.zero(F);
            slot = firstSlot;
            for (int i = 0; i < length; i++) {
                o = HalfFloats.f16ToFloat(ShortVector.fromArray(S, values, slot * stride + headOffset + d)).fma(FloatVector.broadcast(F, scores[i]), o);
                if (++slot == slots) slot = 0;
            }
            o.intoArray(out, outOffset + d);
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

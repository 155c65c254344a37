package org.replique.engine.kernel;

import static org.replique.engine.kernel.VectorShapes.F;
import static org.replique.engine.kernel.VectorShapes.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import java.lang.foreign.MemorySegment;
import org.replique.engine.tensor.InterleavedQ4_0;
import org.replique.engine.tensor.InterleavedQ4_K;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The Vector API kernels ({@code jdk.incubator.vector}), written once for any vector width
 * ({@link VectorShapes}). Which kernel multiplies a matrix, and the form its activations are
 * prepared in, is {@link MatmulPlan}'s choice; every kernel agrees with {@link ScalarKernels} to
 * float rounding, most to the bit.
 */
public final class VectorKernels implements Kernels {

    /** Both lanes of every adjacent pair get the pair's first float (RoPE). */
    private static final VectorShuffle<Float> EVEN_OF_PAIR = VectorShuffle.fromOp(F, i -> i & ~1);
    /** Both lanes of every adjacent pair get the pair's second float. */
    private static final VectorShuffle<Float> ODD_OF_PAIR = VectorShuffle.fromOp(F, i -> i | 1);

    /**
     * Whether this JVM can run these kernels: the {@code jdk.incubator.vector} module must be
     * present and vectors must hold at least 4 floats. Never throws.
     */
    public static boolean isSupported() {
        try {
            return FloatVector.SPECIES_PREFERRED.length() >= 4 && VectorShapes.L >= 4;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** Bits per vector these kernels use. */
    public static int vectorBits() {
        return F.vectorBitSize();
    }

    @Override
    public String name() {
        return "vector-" + vectorBits();
    }

    @Override
    public void matmul(WeightMatrix w, PreparedInput x, float[] out) {
        matmul(w, x, out, 0, w.rows());
    }

    @Override
    public void matmul(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        if (rowStart >= rowEnd) return;
        MatmulPlan.of(w, x.rows()).kernel().multiply(w, x, out, rowStart, rowEnd);
    }

    /** Q4_0 and Q4_K matrices are interleaved where {@link MatmulPlan#layoutFor} says; other types are copied as they are. */
    @Override
    public WeightMatrix copy(WeightMatrix w, MemorySegment target) {
        WeightMatrix interleaved = switch (MatmulPlan.layoutFor(w)) {
            case Q4_0_X8 -> InterleavedQ4_0.interleave(w, target);
            case Q4_K_X8 -> InterleavedQ4_K.interleave(w, target);
            case ROWS -> null;
        };
        return interleaved != null ? interleaved : Kernels.super.copy(w, target);
    }

    @Override
    public PreparedInput prepare(WeightMatrix w, float[] x, int rows) {
        return prepare(w, x, rows, null);
    }

    /** Also derives the forms the kernel reads, so that threads sharing the input find them ready. */
    @Override
    public PreparedInput prepare(WeightMatrix w, float[] x, int rows, PreparedInput reuse) {
        MatmulPlan plan = MatmulPlan.of(w, rows);
        PreparedInput p = PreparedInput.of(plan.format(), x, rows, w.cols(), reuse);
        plan.kernel().derive(p);
        return p;
    }

    @Override
    public PreparedInput share(PreparedInput prepared, WeightMatrix w, float[] x, int rows) {
        MatmulPlan plan = MatmulPlan.of(w, rows);
        if (prepared.format() != plan.format() || prepared.cols() != w.cols() || prepared.rows() != rows) {
            return prepare(w, x, rows);
        }
        plan.kernel().derive(prepared);
        return prepared;
    }

    @Override
    public void attention(float[] q, int qOffset, float[] keys, float[] values, int headOffset, int stride, int slots,
                          int firstSlot, int length, int headDim, float scale, boolean inBatch, float[] scores,
                          float[] out, int outOffset) {
        VectorAttention.f32(q, qOffset, keys, values, headOffset, stride, slots, firstSlot, length, headDim, scale,
                inBatch, scores, out, outOffset);
    }

    @Override
    public void attention(float[] q, int qOffset, short[] keys, short[] values, int headOffset, int stride, int slots,
                          int firstSlot, int length, int headDim, float scale, boolean inBatch, float[] scores,
                          float[] out, int outOffset) {
        VectorAttention.f16(q, qOffset, keys, values, headOffset, stride, slots, firstSlot, length, headDim, scale,
                scores, out, outOffset);
    }

    /**
     * Each pair {@code (a, b)} becomes {@code (fma(a, cos, b·(−sin)), fma(a, sin, b·cos))}, the
     * reference's rounding: with {@code a} and {@code b} spread over both lanes of their pair,
     * one multiplication and one fused multiply-add per vector.
     */
    @Override
    public void rope(float[] v, int offset, int heads, int headDim, int ropeDims, float[] cos, float[] sin) {
        int vectorDims = ropeDims - ropeDims % L;
        float[] fused = new float[vectorDims];
        float[] rounded = new float[vectorDims];
        for (int i = 0; i < vectorDims; i += 2) {
            fused[i] = cos[i];
            fused[i + 1] = sin[i + 1];
            rounded[i] = -sin[i];
            rounded[i + 1] = cos[i + 1];
        }
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < vectorDims; i += L) {
                FloatVector x = FloatVector.fromArray(F, v, base + i);
                FloatVector a = x.rearrange(EVEN_OF_PAIR);
                FloatVector b = x.rearrange(ODD_OF_PAIR);
                a.fma(FloatVector.fromArray(F, fused, i), b.mul(FloatVector.fromArray(F, rounded, i)))
                        .intoArray(v, base + i);
            }
            for (int i = vectorDims; i < ropeDims; i += 2) {
                float a = v[base + i];
                float b = v[base + i + 1];
                v[base + i] = Math.fma(a, cos[i], -(b * sin[i]));
                v[base + i + 1] = Math.fma(a, sin[i], b * cos[i]);
            }
        }
    }
}

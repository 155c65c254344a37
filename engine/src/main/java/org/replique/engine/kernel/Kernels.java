package org.replique.engine.kernel;

import java.lang.foreign.MemorySegment;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The arithmetic the forward pass needs from a CPU implementation. Implementations must agree
 * with {@link ScalarKernels}, the plain reference, to float rounding: the forward pass and its
 * exactness tests do not depend on which one runs. Every method may be called from several
 * threads at once on disjoint outputs.
 */
public interface Kernels {

    /** A short name for logs and benchmarks. */
    String name();

    /**
     * {@code out[t·w.rows() + r] = W[r] · x[t]} for every row {@code r} and every activation row
     * {@code t < x.rows()}; {@code x} must come from {@link #prepare} or {@link #share} for {@code w}.
     */
    void matmul(WeightMatrix w, PreparedInput x, float[] out);

    /**
     * Like {@link #matmul(WeightMatrix, PreparedInput, float[])} for the weight rows
     * {@code rowStart ≤ r < rowEnd} only; other elements of {@code out} are left alone. This is
     * the unit of work the thread pool splits a multiplication into. The default computes every
     * row into a temporary array: implementations override it.
     */
    default void matmul(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        int rows = w.rows();
        float[] all = new float[x.rows() * rows];
        matmul(w, x, all);
        for (int t = 0; t < x.rows(); t++) {
            System.arraycopy(all, t * rows + rowStart, out, t * rows + rowStart, rowEnd - rowStart);
        }
    }

    /**
     * {@code w} copied into {@code target} (at least {@code w.data().byteSize()} bytes) in the
     * layout this implementation multiplies it fastest in; the default keeps the file's layout.
     */
    default WeightMatrix copy(WeightMatrix w, MemorySegment target) {
        return copyAsIs(w, target);
    }

    /** {@code w} copied byte for byte into {@code target}, in its own layout. */
    static WeightMatrix copyAsIs(WeightMatrix w, MemorySegment target) {
        MemorySegment data = target.asSlice(0, w.data().byteSize());
        MemorySegment.copy(w.data(), 0, data, 0, data.byteSize());
        return new WeightMatrix(w.name(), w.type(), w.rows(), w.cols(), data, w.order(), w.layout());
    }

    /** Converts activations for multiplication with {@code w}. */
    default PreparedInput prepare(WeightMatrix w, float[] x, int rows) {
        return PreparedInput.of(PreparedInput.Format.forWeights(w.type()), x, rows, w.cols());
    }

    /**
     * Like {@link #prepare(WeightMatrix, float[], int)}, possibly refilling {@code reuse} (an
     * earlier result the caller is done with, or null) instead of allocating. The default ignores
     * {@code reuse}.
     */
    default PreparedInput prepare(WeightMatrix w, float[] x, int rows, PreparedInput reuse) {
        return prepare(w, x, rows);
    }

    /**
     * {@code x} prepared for {@code w}: {@code prepared} itself (made from the same {@code rows}
     * activation rows {@code x} for another matrix) when {@code w} multiplies with the same form,
     * else a new preparation. Q, K and V, or gate and up, usually share one conversion.
     */
    default PreparedInput share(PreparedInput prepared, WeightMatrix w, float[] x, int rows) {
        boolean same = prepared.format() == PreparedInput.Format.forWeights(w.type()) && prepared.cols() == w.cols()
                && prepared.rows() == rows;
        return same ? prepared : prepare(w, x, rows);
    }

    /**
     * Attention of one query head over {@code length} cached positions:
     * {@code out = Σ_p softmax(scale · q·k_p)_p · v_p}. The cache is a ring of {@code slots}
     * positions of {@code stride} floats; position {@code i} of the window is in slot
     * {@code (firstSlot + i) % slots}, and this head's {@code headDim} floats start at
     * {@code headOffset} within a slot. {@code inBatch}: the query is one of several tokens
     * evaluated together (a prompt), for which ggml sums the values in another order.
     * {@code scores} is scratch of at least {@code length} floats.
     */
    void attention(float[] q, int qOffset, float[] keys, float[] values, int headOffset, int stride, int slots,
                   int firstSlot, int length, int headDim, float scale, boolean inBatch, float[] scores, float[] out,
                   int outOffset);

    /**
     * {@link #attention(float[], int, float[], float[], int, int, int, int, int, int, float, boolean, float[],
     * float[], int) Attention} over a cache held as F16 bits. As ggml does with an F16 cache, the
     * query is rounded to F16 for the q·k products and the softmax weights are rounded to F16 for
     * the weighted sum of values. The default is the reference's.
     */
    default void attention(float[] q, int qOffset, short[] keys, short[] values, int headOffset, int stride, int slots,
                           int firstSlot, int length, int headDim, float scale, boolean inBatch, float[] scores,
                           float[] out, int outOffset) {
        ScalarKernels.attentionF16(q, qOffset, keys, values, headOffset, stride, slots, firstSlot, length, headDim,
                scale, scores, out, outOffset);
    }

    /**
     * Rotates {@code heads} consecutive heads of {@code headDim} floats from {@code offset}: each
     * adjacent pair {@code (2i, 2i+1)} with {@code 2i < ropeDims} becomes
     * {@code (a·cos − b·sin, a·sin + b·cos)}, rounded as ggml's x86 build does
     * ({@code fma(a, cos, −(b·sin))}, {@code fma(a, sin, b·cos)}). {@code cos} and {@code sin} hold each angle twice
     * (element {@code 2i} and {@code 2i+1} are the pair's), {@code ropeDims} elements each. The
     * default is the reference's.
     */
    default void rope(float[] v, int offset, int heads, int headDim, int ropeDims, float[] cos, float[] sin) {
        ScalarKernels.ropeHeads(v, offset, heads, headDim, ropeDims, cos, sin);
    }
}

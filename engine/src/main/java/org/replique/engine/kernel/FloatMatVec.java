package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.FLOATS;
import static org.replique.engine.kernel.VectorShapes.F;
import static org.replique.engine.kernel.VectorShapes.L;
import static org.replique.engine.kernel.VectorShapes.LE;
import static org.replique.engine.kernel.VectorShapes.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * F32, F16 and BF16 weights times a few activation rows (already rounded to the weights' type by
 * {@link PreparedInput}), read straight from the mapping. Rows need not be a whole number of
 * vectors: the last columns are done one by one.
 */
final class FloatMatVec {
    static final MatmulKernel KERNEL = FloatMatVec::multiply;

    private FloatMatVec() {}

    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        MemorySegment data = w.data();
        long rowBytes = w.rowBytes();
        int rows = w.rows();
        int cols = w.cols();
        float[] xv = x.values;
        float[] lanes = new float[L];
        for (int r = rowStart; r < rowEnd; r++) {
            long base = r * rowBytes;
            for (int t = 0; t < x.rows(); t++) {
                out[t * rows + r] = switch (w.type()) {
                    case F32 -> dotF32(data, base, cols, xv, t * cols, lanes);
                    case F16 -> dotF16(data, base, cols, xv, t * cols, lanes);
                    case BF16 -> dotBf16(data, base, cols, xv, t * cols, lanes);
                    default -> throw new IllegalArgumentException("not a float type: " + w.type());
                };
            }
        }
    }

    static float dotF32(MemorySegment w, long base, int cols, float[] x, int xo, float[] lanes) {
        w.get(MappedFault.MARK, base); // see MappedFault
        FloatVector acc = FloatVector.zero(F);
        int vectorCols = cols - cols % L;
        for (int c = 0; c < vectorCols; c += L) {
            acc = FloatVector.fromMemorySegment(F, w, base + 4L * c, LE).fma(FloatVector.fromArray(F, x, xo + c), FLOATS.cast(acc));
        }
        FLOATS.cast(acc).intoArray(lanes, 0);
        float sum = VectorShapes.sum(lanes, 0);
        for (int c = vectorCols; c < cols; c++) sum += w.get(Blocks.F32_LAYOUT, base + 4L * c) * x[xo + c];
        return sum;
    }

    static float dotF16(MemorySegment w, long base, int cols, float[] x, int xo, float[] lanes) {
        w.get(MappedFault.MARK, base); // see MappedFault
        FloatVector acc = FloatVector.zero(F);
        int vectorCols = cols - cols % L;
        for (int c = 0; c < vectorCols; c += L) {
            FloatVector wv = HalfFloats.f16ToFloat(ShortVector.fromMemorySegment(S, w, base + 2L * c, LE));
            acc = wv.fma(FloatVector.fromArray(F, x, xo + c), FLOATS.cast(acc));
        }
        FLOATS.cast(acc).intoArray(lanes, 0);
        float sum = VectorShapes.sum(lanes, 0);
        for (int c = vectorCols; c < cols; c++) sum += Blocks.f16(w, base + 2L * c) * x[xo + c];
        return sum;
    }

    static float dotBf16(MemorySegment w, long base, int cols, float[] x, int xo, float[] lanes) {
        w.get(MappedFault.MARK, base); // see MappedFault
        FloatVector acc = FloatVector.zero(F);
        int vectorCols = cols - cols % L;
        for (int c = 0; c < vectorCols; c += L) {
            FloatVector wv = HalfFloats.bf16ToFloat(ShortVector.fromMemorySegment(S, w, base + 2L * c, LE));
            acc = wv.fma(FloatVector.fromArray(F, x, xo + c), FLOATS.cast(acc));
        }
        FLOATS.cast(acc).intoArray(lanes, 0);
        float sum = VectorShapes.sum(lanes, 0);
        for (int c = vectorCols; c < cols; c++) {
            sum += Blocks.bf16ToFloat(w.get(Blocks.F16_LAYOUT, base + 2L * c)) * x[xo + c];
        }
        return sum;
    }
}

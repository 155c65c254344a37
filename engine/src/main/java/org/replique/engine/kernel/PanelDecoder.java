package org.replique.engine.kernel;

import static org.replique.engine.kernel.VectorShapes.F;
import static org.replique.engine.kernel.VectorShapes.L;
import static org.replique.engine.kernel.VectorShapes.LE;
import static org.replique.engine.kernel.VectorShapes.S;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Decodes a panel of F32, F16 or BF16 weights (a few rows × a range of columns) to floats for the
 * tiled multiplication, which then reuses each decoded weight for every token of the batch. (The
 * quantized types have their own exact tiles: {@link MatmulPlan}.)
 */
final class PanelDecoder {
    private PanelDecoder() {}

    /**
     * Rows {@code [row, row + count)} of {@code w}, columns {@code [col, col + length)}, into
     * {@code panel} at {@code stride} floats per row; the rest of each row up to {@code stride},
     * and the rows {@code count..panelRows-1}, become zeros.
     */
    static void decode(WeightMatrix w, int row, int count, int panelRows, int col, int length, float[] panel, int stride) {
        MemorySegment data = w.data();
        for (int i = 0; i < count; i++) {
            long rowBase = (long) (row + i) * w.rowBytes();
            int out = i * stride;
            switch (w.type()) {
                case F32 -> MemorySegment.copy(data, Blocks.F32_LAYOUT, rowBase + 4L * col, panel, out, length);
                case F16 -> f16(data, rowBase + 2L * col, length, panel, out);
                case BF16 -> bf16(data, rowBase + 2L * col, length, panel, out);
                default -> throw new IllegalArgumentException(w.type() + " has its own exact tiles");
            }
            Arrays.fill(panel, out + length, out + stride, 0f);
        }
        Arrays.fill(panel, count * stride, panelRows * stride, 0f);
    }

    private static void f16(MemorySegment w, long first, int length, float[] panel, int out) {
        int vectorLength = length - length % L;
        for (int c = 0; c < vectorLength; c += L) {
            HalfFloats.f16ToFloat(ShortVector.fromMemorySegment(S, w, first + 2L * c, LE)).intoArray(panel, out + c);
        }
        for (int c = vectorLength; c < length; c++) panel[out + c] = Blocks.f16(w, first + 2L * c);
    }

    private static void bf16(MemorySegment w, long first, int length, float[] panel, int out) {
        int vectorLength = length - length % L;
        for (int c = 0; c < vectorLength; c += L) {
            HalfFloats.bf16ToFloat(ShortVector.fromMemorySegment(S, w, first + 2L * c, LE)).intoArray(panel, out + c);
        }
        for (int c = vectorLength; c < length; c++) {
            panel[out + c] = Blocks.bf16ToFloat(w.get(Blocks.F16_LAYOUT, first + 2L * c));
        }
    }
}

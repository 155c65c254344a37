package org.replique.engine.kernel;

import static org.replique.engine.kernel.VectorShapes.B;
import static org.replique.engine.kernel.VectorShapes.F;
import static org.replique.engine.kernel.VectorShapes.L;
import static org.replique.engine.kernel.VectorShapes.LE;
import static org.replique.engine.kernel.VectorShapes.PARTS;
import static org.replique.engine.kernel.VectorShapes.S;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Decodes a panel of weights (a few rows × a range of columns) to floats for the tiled
 * multiplication, which then reuses each decoded weight for every token of the batch. Q4_0
 * weights come out as {@code d · (q − 8)}. (Q8_0 is tiled by {@link TiledQ8Matmul}.)
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
                case Q4_0 -> q4_0(data, rowBase + 18L * (col / 32), length / 32, panel, out);
                case F32 -> MemorySegment.copy(data, Blocks.F32_LAYOUT, rowBase + 4L * col, panel, out, length);
                case F16 -> f16(data, rowBase + 2L * col, length, panel, out);
                case BF16 -> bf16(data, rowBase + 2L * col, length, panel, out);
                case Q8_0 -> throw new IllegalArgumentException("Q8_0 has its own exact tiles: TiledQ8Matmul");
            }
            Arrays.fill(panel, out + length, out + stride, 0f);
        }
        Arrays.fill(panel, count * stride, panelRows * stride, 0f);
    }

    private static void q4_0(MemorySegment w, long first, int blocks, float[] panel, int out) {
        w.get(MappedFault.MARK, first); // see MappedFault
        for (int b = 0; b < blocks; b++) {
            long block = first + 18L * b;
            FloatVector d = FloatVector.broadcast(F, Blocks.f16(w, block));
            int o = out + 32 * b;
            for (int h = 0; h < 16; h += B.length()) {
                ByteVector packed = ByteVector.fromMemorySegment(B, w, block + 2 + h, LE);
                ByteVector low = packed.and((byte) 0x0f).sub((byte) 8);
                ByteVector high = packed.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4)
                        .reinterpretAsBytes().and((byte) 0x0f).sub((byte) 8);
                for (int p = 0; p < PARTS; p++) {
                    ((FloatVector) low.convertShape(VectorOperators.B2F, F, p)).mul(d).intoArray(panel, o + h + p * L);
                    ((FloatVector) high.convertShape(VectorOperators.B2F, F, p)).mul(d)
                            .intoArray(panel, o + 16 + h + p * L);
                }
            }
        }
    }

    private static void f16(MemorySegment w, long first, int length, float[] panel, int out) {
        w.get(MappedFault.MARK, first); // see MappedFault
        int vectorLength = length - length % L;
        for (int c = 0; c < vectorLength; c += L) {
            HalfFloats.f16ToFloat(ShortVector.fromMemorySegment(S, w, first + 2L * c, LE)).intoArray(panel, out + c);
        }
        for (int c = vectorLength; c < length; c++) panel[out + c] = Blocks.f16(w, first + 2L * c);
    }

    private static void bf16(MemorySegment w, long first, int length, float[] panel, int out) {
        w.get(MappedFault.MARK, first); // see MappedFault
        int vectorLength = length - length % L;
        for (int c = 0; c < vectorLength; c += L) {
            HalfFloats.bf16ToFloat(ShortVector.fromMemorySegment(S, w, first + 2L * c, LE)).intoArray(panel, out + c);
        }
        for (int c = vectorLength; c < length; c++) {
            panel[out + c] = Blocks.bf16ToFloat(w.get(Blocks.F16_LAYOUT, first + 2L * c));
        }
    }
}

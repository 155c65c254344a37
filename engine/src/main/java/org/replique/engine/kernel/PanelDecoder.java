package org.replique.engine.kernel;

import static org.replique.engine.kernel.VectorShapes.B;
import static org.replique.engine.kernel.VectorShapes.F;
import static org.replique.engine.kernel.VectorShapes.L;
import static org.replique.engine.kernel.VectorShapes.LE;
import static org.replique.engine.kernel.VectorShapes.PARTS;
import static org.replique.engine.kernel.VectorShapes.S;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.InterleavedQ4_0;
import org.replique.engine.tensor.WeightLayout;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Decodes a panel of weights (a few rows × a range of columns) to floats for the tiled
 * multiplication, which then reuses each decoded weight for every token of the batch. Q4_0
 * weights come out as {@code d · (q − 8)}, from the file's layout or the interleaved one.
 * (Q8_0 is tiled by {@link TiledQ8Matmul}.)
 */
final class PanelDecoder {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Shift counts that bring nibble k of an int to the bottom of lane k. */
    private static final IntVector NIBBLE_SHIFTS = IntVector.fromArray(I8, new int[] {0, 4, 8, 12, 16, 20, 24, 28}, 0);

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
                case Q4_0 -> {
                    if (w.layout() == WeightLayout.Q4_0_X8) {
                        interleavedQ4_0(data, w.cols() / 32, row + i, col / 32, length / 32, panel, out);
                    } else {
                        q4_0(data, rowBase + 18L * (col / 32), length / 32, panel, out);
                    }
                }
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

    /**
     * Blocks {@code [first, first + count)} of {@code row} of a {@link WeightLayout#Q4_0_X8}
     * matrix: each of the row's four ints per block holds eight consecutive columns, one nibble
     * each; broadcast to eight lanes and shifted by 0, 4, … 28, it gives them in order. The
     * values are {@code d · (q − 8)}, as from the file's layout.
     */
    private static void interleavedQ4_0(MemorySegment w, int blocks, int row, int first, int count, float[] panel,
                                        int out) {
        int lane = row % InterleavedQ4_0.ROWS;
        for (int b = 0; b < count; b++) {
            long record = InterleavedQ4_0.recordOffset(blocks, row / InterleavedQ4_0.ROWS, first + b);
            FloatVector d = FloatVector.broadcast(F8, Blocks.f16(w, record + 2L * lane));
            for (int c = 0; c < 4; c++) {
                int packed = w.get(INT, record + 16 + 32L * c + 4L * lane);
                IntVector q = IntVector.broadcast(I8, packed).lanewise(VectorOperators.LSHR, NIBBLE_SHIFTS).and(0xf).sub(8);
                ((FloatVector) q.convert(VectorOperators.I2F, 0)).mul(d).intoArray(panel, out + 32 * b + 8 * c);
            }
        }
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

package org.replique.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.replique.engine.gguf.GgmlType;

/** The rotate-half order is the one llama.cpp's converter undoes, and views read rows in logical order. */
class RowOrderTest {

    /**
     * llama.cpp's {@code convert_hf_to_gguf.py} makes GGUF rows from HF rows with
     * {@code w.reshape(heads, 2, hd/2, cols).swapaxes(1, 2).reshape(w.shape)}: element
     * {@code [h, i, j]} of the result is {@code [h, j, i]} of the source.
     */
    @Test
    void rotateHalfIsTheInverseOfTheConvertersPermute() {
        int heads = 3;
        int headDim = 8;
        int[] ggufFromHf = new int[heads * headDim];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                for (int j = 0; j < 2; j++) {
                    ggufFromHf[h * headDim + i * 2 + j] = h * headDim + j * (headDim / 2) + i;
                }
            }
        }
        RowOrder order = RowOrder.rotateHalf(headDim);
        for (int row = 0; row < ggufFromHf.length; row++) {
            assertThat(order.storedRow(row)).as("logical row %d", row).isEqualTo(ggufFromHf[row]);
        }
        // Head 0 of size 8: pairs (0, 4), (1, 5), (2, 6), (3, 7) of the stored rows become adjacent.
        assertThat(java.util.stream.IntStream.range(0, 8).map(order::storedRow).toArray())
                .containsExactly(0, 4, 1, 5, 2, 6, 3, 7);
    }

    @Test
    void aViewDecodesLogicalRowsAndCopiesToLogicalOrder() {
        int rows = 8;
        int cols = 2;
        MemorySegment data = Arena.ofAuto().allocate(rows * cols * 4L);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) data.setAtIndex(Blocks.F32_LAYOUT, (long) r * cols + c, 10 * r + c);
        }
        WeightMatrix view = new WeightMatrix("q", GgmlType.F32, rows, cols, data, RowOrder.rotateHalf(4));
        float[] row = new float[cols];
        view.dequantizeRow(1, row, 0);
        assertThat(row).containsExactly(20f, 21f); // logical row 1 = stored row 2
        WeightMatrix copy = view.inLogicalOrder();
        assertThat(copy.order().isIdentity()).isTrue();
        for (int r = 0; r < rows; r++) {
            view.dequantizeRow(r, row, 0);
            float[] copied = new float[cols];
            copy.dequantizeRow(r, copied, 0);
            assertThat(copied).containsExactly(row);
        }
        assertThat(view.inLogicalOrder()).isNotSameAs(view);
        WeightMatrix plain = new WeightMatrix("v", GgmlType.F32, rows, cols, data);
        assertThat(plain.inLogicalOrder()).isSameAs(plain);
    }

    @Test
    void rowsMustBeWholeHeads() {
        MemorySegment data = Arena.ofAuto().allocate(6 * 4L);
        assertThatThrownBy(() -> new WeightMatrix("k", GgmlType.F32, 6, 1, data, RowOrder.rotateHalf(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole heads");
        assertThatThrownBy(() -> RowOrder.rotateHalf(3)).isInstanceOf(IllegalArgumentException.class);
    }
}

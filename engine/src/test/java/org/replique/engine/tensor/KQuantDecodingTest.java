package org.replique.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.replique.engine.gguf.GgmlType;
import org.replique.fixtures.gguf.GgufWriter.TensorType;
import org.replique.fixtures.gguf.KQuantBlocks;

/**
 * K-quant blocks decode to the weights they stand for: the engine's decoder against the test
 * fixtures' own, written separately from the format's definition, on random valid blocks. (That
 * both agree with ggml's {@code dequantize_row_*} to the bit is what the llama.cpp parity tests of
 * K-quant files show: their token embeddings are K-quants.)
 */
class KQuantDecodingTest {

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"Q4_K", "Q5_K", "Q6_K"})
    void decodesEveryWeightLikeTheFixturesDecoder(TensorType type) {
        int blocks = 12;
        ByteBuffer bytes = ByteBuffer.allocate((int) type.bytesFor(256L * blocks));
        SplittableRandom random = new SplittableRandom(type.ordinal());
        for (int b = 0; b < blocks; b++) KQuantBlocks.randomBlock(type, 0.02 * (b + 1), random, bytes);
        bytes.flip();
        float[] expected = KQuantBlocks.decode(type, bytes, blocks);

        GgmlType engineType = GgmlType.byId(type.id());
        WeightMatrix w = new WeightMatrix("w", engineType, 3, 1024, MemorySegment.ofArray(bytes.array()));
        float[] actual = new float[3 * 1024];
        for (int r = 0; r < 3; r++) w.dequantizeRow(r, actual, r * 1024);
        assertThat(actual).containsExactly(expected);
    }

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"Q4_K", "Q5_K", "Q6_K"})
    void randomBlocksHaveAboutTheAskedSpreadAndNoOffset(TensorType type) {
        int blocks = 400;
        ByteBuffer bytes = ByteBuffer.allocate((int) type.bytesFor(256L * blocks));
        SplittableRandom random = new SplittableRandom(11);
        for (int b = 0; b < blocks; b++) KQuantBlocks.randomBlock(type, 0.05, random, bytes);
        bytes.flip();
        float[] w = KQuantBlocks.decode(type, bytes, blocks);
        double sum = 0;
        double squares = 0;
        for (float v : w) {
            sum += v;
            squares += v * v;
        }
        double mean = sum / w.length;
        double std = Math.sqrt(squares / w.length - mean * mean);
        assertThat(std).isBetween(0.04, 0.06);
        assertThat(Math.abs(mean)).isLessThan(0.1 * std);
    }

    @Test
    void scalesAndMinsUnpackAsGgmlPacksThem() {
        int[] sc = {1, 62, 17, 33, 63, 0, 45, 28};
        int[] m = {63, 5, 40, 22, 9, 61, 36, 48};
        MemorySegment packed = MemorySegment.ofArray(KQuantBlocks.packScalesAndMins(sc, m));
        for (int j = 0; j < 8; j++) {
            assertThat(Blocks.kScale(packed, 0, j)).as("scale %d", j).isEqualTo(sc[j]);
            assertThat(Blocks.kMin(packed, 0, j)).as("min %d", j).isEqualTo(m[j]);
        }
    }
}

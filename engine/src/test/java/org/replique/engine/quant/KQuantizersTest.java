package org.replique.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.replique.engine.gguf.GgmlType;
import org.replique.fixtures.Fixtures;

/**
 * The K-quant quantizers write the bytes of llama.cpp's own: {@code reference/kquantizers/*.bin}
 * are {@code ggml_quantize_chunk}'s output (llama.cpp's libggml-base, without an importance matrix,
 * as llama-quantize calls it) on 30 blocks of 256 floats chosen to reach every path — Gaussian
 * weights at four scales, heavy tails, an all-zero block, all-positive and all-negative blocks, a
 * constant one, zero sub-blocks, outliers, sub-blocks of very different sizes, values below
 * F16's range and near its largest, and values whose scaled levels land on halves.
 */
class KQuantizersTest {

    private static float[] input() throws IOException {
        byte[] raw = Files.readAllBytes(Fixtures.file("reference/kquantizers/input.f32"));
        float[] x = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(x);
        return x;
    }

    private static byte[] quantize(GgmlType type, float[] x) {
        MemorySegment out = Arena.ofAuto().allocate(type.bytesFor(x.length));
        ReferenceQuantizers.quantize(type, x, 0, x.length, out, 0);
        return out.toArray(ValueLayout.JAVA_BYTE);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_K", "Q5_K", "Q6_K", "Q8_0", "Q4_0"})
    void everyBlockHoldsLlamaCppsBytes(GgmlType type) throws IOException {
        float[] x = input();
        byte[] expected = Files.readAllBytes(Fixtures.file("reference/kquantizers/" + type.name().toLowerCase() + ".bin"));
        byte[] actual = quantize(type, x);
        assertThat(actual).hasSize(expected.length);
        int size = type.blockBytes() * (256 / type.blockSize());
        for (int b = 0; b < x.length / 256; b++) {
            assertThat(Arrays.copyOfRange(actual, b * size, (b + 1) * size))
                    .as("%s, block of 256 number %d", type, b)
                    .containsExactly(Arrays.copyOfRange(expected, b * size, (b + 1) * size));
        }
    }

    @Test
    void nearestIntRoundsHalvesToEven() {
        assertThat(KQuantizers.nearestInt(2.5f)).isEqualTo(2);
        assertThat(KQuantizers.nearestInt(3.5f)).isEqualTo(4);
        assertThat(KQuantizers.nearestInt(-2.5f)).isEqualTo(-2);
        assertThat(KQuantizers.nearestInt(-0.49f)).isEqualTo(0);
        assertThat(KQuantizers.nearestInt(62.51f)).isEqualTo(63);
    }

    @Test
    void aZeroBlockIsAllZeroBytes() {
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            assertThat(quantize(type, new float[256])).as("%s", type).containsOnly((byte) 0);
        }
    }
}

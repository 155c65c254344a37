package org.replique.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.replique.engine.gguf.GgmlType;
import org.replique.fixtures.Fixtures;

/**
 * The quantizers write the bytes of ggml's reference quantizers, as ported to numpy in the model
 * tools: 70 blocks of seeded values at four scales and of edge cases (a zero block, products
 * landing exactly on halves, a negative maximum, opposite-sign ties for the largest magnitude,
 * tiny and huge values). {@code test-fixtures/reference/quantizers/make_reference.py} made them.
 */
class ReferenceQuantizersTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0"})
    void quantizeEveryBlockAsGgmlsReferenceDoes(GgmlType type) throws IOException {
        byte[] raw = Files.readAllBytes(Fixtures.file("reference/quantizers/input.f32"));
        float[] x = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(x);
        byte[] expected = Files.readAllBytes(Fixtures.file("reference/quantizers/" + type.name().toLowerCase() + ".bin"));

        MemorySegment out = Arena.ofAuto().allocate(type.bytesFor(x.length));
        ReferenceQuantizers.quantize(type, x, 0, x.length, out, 0);

        byte[] actual = out.toArray(ValueLayout.JAVA_BYTE);
        assertThat(actual).hasSize(expected.length);
        for (int b = 0; b < x.length / 32; b++) {
            int size = type.blockBytes();
            assertThat(java.util.Arrays.copyOfRange(actual, b * size, (b + 1) * size))
                    .as("%s block %d", type, b)
                    .containsExactly(java.util.Arrays.copyOfRange(expected, b * size, (b + 1) * size));
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0"})
    void quantizeAtAnOffsetTouchesOnlyItsBlocks(GgmlType type) {
        float[] x = new float[96];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        MemorySegment whole = Arena.ofAuto().allocate(type.bytesFor(64));
        ReferenceQuantizers.quantize(type, x, 32, 64, whole, 0);
        MemorySegment parts = Arena.ofAuto().allocate(type.bytesFor(64) + 8);
        ReferenceQuantizers.quantize(type, x, 32, 32, parts, 8);
        ReferenceQuantizers.quantize(type, x, 64, 32, parts, 8 + type.blockBytes());
        assertThat(parts.asSlice(8).toArray(ValueLayout.JAVA_BYTE)).containsExactly(whole.toArray(ValueLayout.JAVA_BYTE));
        assertThat(parts.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);
    }

    @org.junit.jupiter.api.Test
    void roundfTakesHalvesAwayFromZero() {
        assertThat(ReferenceQuantizers.roundHalfAway(2.5f)).isEqualTo(3f);
        assertThat(ReferenceQuantizers.roundHalfAway(-2.5f)).isEqualTo(-3f);
        assertThat(ReferenceQuantizers.roundHalfAway(0.49999997f)).isEqualTo(0f);
        assertThat(ReferenceQuantizers.roundHalfAway(-0.5f)).isEqualTo(-1f);
    }
}

package org.replique.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.ShortVector;
import org.junit.jupiter.api.Test;
import org.replique.engine.tensor.Blocks;

/** The vector F16/BF16 widening against the JDK's scalar conversions, for all 65536 bit patterns. */
class HalfFloatsTest {

    @Test
    void f16MatchesFloat16ToFloatForEveryPattern() {
        short[] bits = everyPattern();
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i += VectorShapes.L) {
            HalfFloats.f16ToFloat(ShortVector.fromArray(VectorShapes.S, bits, i)).intoArray(out, i);
        }
        for (int i = 0; i < bits.length; i++) {
            assertThat(Float.floatToRawIntBits(out[i])).as("f16 0x%04x", i)
                    .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat(bits[i])));
        }
    }

    @Test
    void bf16MatchesTheScalarDecoderForEveryPattern() {
        short[] bits = everyPattern();
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i += VectorShapes.L) {
            HalfFloats.bf16ToFloat(ShortVector.fromArray(VectorShapes.S, bits, i)).intoArray(out, i);
        }
        for (int i = 0; i < bits.length; i++) {
            assertThat(Float.floatToRawIntBits(out[i])).as("bf16 0x%04x", i)
                    .isEqualTo(Float.floatToRawIntBits(Blocks.bf16ToFloat(bits[i])));
        }
    }

    private static short[] everyPattern() {
        short[] bits = new short[65536];
        for (int i = 0; i < bits.length; i++) bits[i] = (short) i;
        return bits;
    }
}

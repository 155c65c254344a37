package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.FLOATS;
import static org.replique.engine.kernel.ExactVectors.INTS;
import static org.replique.engine.kernel.VectorShapes.I;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * F16 and BF16 to F32 on whole vectors. The Vector API has no half-float conversion, so F16 is
 * widened by bit manipulation: the exponent and mantissa move to the float's positions and one
 * multiplication by 2^112 re-biases the exponent, which also turns F16 subnormals into the right
 * floats; infinities and NaNs get the all-ones exponent (NaNs made quiet, as the hardware
 * conversion does). The result equals
 * {@link Float#float16ToFloat} for every input. Converted and reinterpreted vectors are cast to
 * their exact classes ({@link ExactVectors}).
 */
final class HalfFloats {
    private static final float REBIAS = 0x1p112f;

    private HalfFloats() {}

    /** The {@code L} F16 values in {@code bits} as floats. */
    static FloatVector f16ToFloat(ShortVector bits) {
        IntVector h = INTS.cast(bits.convertShape(VectorOperators.S2I, I, 0));
        IntVector magnitude = h.and(0x7fff);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = INTS.cast(FLOATS.cast(shifted.reinterpretAsFloats()).mul(REBIAS).reinterpretAsInts());
        IntVector special = shifted.or(0x7f800000);
        special = special.blend(special.or(0x00400000), magnitude.compare(VectorOperators.GT, 0x7c00));
        IntVector result = finite.blend(special, magnitude.compare(VectorOperators.GE, 0x7c00));
        return FLOATS.cast(result.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats());
    }

    /** The {@code L} BF16 values in {@code bits} as floats: they are the upper halves of floats. */
    static FloatVector bf16ToFloat(ShortVector bits) {
        IntVector h = INTS.cast(bits.convertShape(VectorOperators.S2I, I, 0));
        return FLOATS.cast(h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats());
    }
}

package org.replique.engine.kernel;

import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every vector kernel uses, fixed once per JVM. They are static finals on
 * purpose: C2 only generates SIMD code for a species it sees as a constant. The width is the
 * machine's preferred one (256 bits on AVX2, 512 on AVX-512), or {@code -Dreplique.vector.bits=128|256|512}.
 */
final class VectorShapes {
    /** Float lanes: the unit of every dot product. */
    static final VectorSpecies<Float> F = floatSpecies();
    /** Floats per vector. */
    static final int L = F.length();
    /** Ints of the same shape (bit manipulation of F16/BF16 values). */
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** {@code L} shorts: the F16/BF16 values that widen to one float vector. */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(16 * L));
    /** Bytes read at once from a quantized block: {@code L} of them, or 8 when {@code L} is 4 (there is no 32-bit shape). */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * Math.max(8, L)));
    /** Float vectors one byte vector widens to. */
    static final int PARTS = B.length() / L;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /**
     * Floats for ggml's eight-lane Q8_0 accumulation ({@link QuantizedMatVec}): eight lanes when
     * vectors are that wide, else four, two vectors then making the eight lanes.
     */
    static final VectorSpecies<Float> GF = VectorSpecies.of(float.class, VectorShape.forBitSize(32 * Math.min(8, L)));
    /** Ints of {@link #GF}'s shape: four quants in each lane. */
    static final VectorSpecies<Integer> GI = VectorSpecies.of(int.class, GF.vectorShape());
    /** Bytes of {@link #GF}'s shape. */
    static final VectorSpecies<Byte> GB = VectorSpecies.of(byte.class, GF.vectorShape());
    /** Vectors of {@link #GF} that make ggml's eight lanes: 1 or 2. */
    static final int GROUP_VECTORS = 8 / GF.length();

    private VectorShapes() {}

    /**
     * The sum of the {@code L} lanes of a vector written out at {@code lanes[from]}, always in the
     * same order: the upper half added to the lower half, and again, down to one lane (overwriting
     * them). {@code reduceLanes(ADD)} leaves the order unspecified, and it does differ between the
     * JIT-compiled and the interpreted code, which would make results depend on how warm the JVM
     * is. The vector is written out rather than passed: a vector handed to a method the JIT does
     * not inline is allocated ({@link ExactVectors}).
     */
    static float sum(float[] lanes, int from) {
        return halvingSum(lanes, from, L);
    }

    /** The sum of the lanes of a {@link #GF} vector written out at {@code lanes[from]}, like {@link #sum}. */
    static float groupSum(float[] lanes, int from) {
        return halvingSum(lanes, from, GF.length());
    }

    private static float halvingSum(float[] lanes, int from, int count) {
        for (int half = count / 2; half >= 1; half /= 2) {
            for (int i = 0; i < half; i++) lanes[from + i] += lanes[from + i + half];
        }
        return lanes[from];
    }

    private static VectorSpecies<Float> floatSpecies() {
        String bits = System.getProperty("replique.vector.bits");
        if (bits == null || bits.isBlank()) {
            return FloatVector.SPECIES_PREFERRED;
        }
        return switch (bits.trim()) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("replique.vector.bits must be 128, 256 or 512, not " + bits);
        };
    }

    /** {@code n} rounded up to a whole number of float vectors. */
    static int roundUp(int n) {
        return (n + L - 1) / L * L;
    }
}

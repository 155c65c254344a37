package org.replique.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exact classes of the vectors the kernels use, to cast vectors to, for C2's sake.
 *
 * <p>C2 turns a Vector API operation into SIMD code only when it knows its vectors' exact classes
 * (a package-private {@code Int256Vector}, ...). It knows them for a vector fresh from a constant
 * species, but not for a value merged at a loop head or a branch, nor for the result of a
 * conversion or reinterpretation that it inlines late: those carry their declared type
 * ({@code IntVector}). It then goes by the call site's type profile, which every caller in the JVM
 * shares and which kernels of several widths fill with several classes; past a large method's
 * inlining budget it does not even try. The operation then stays a call and its vectors are
 * allocated on every use: a Q4_K_M decode ran at 0.2–1.9 tokens/s instead of 4, in one run of
 * three to six (with {@code -XX:TypeProfileWidth=0}, in every run).
 *
 * <p>So the kernels follow three rules. Every merged, converted or reinterpreted vector is cast
 * with {@code CLASS.cast(v)}: an intrinsic that C2 folds into an exact type, even past the
 * budget (a helper method of ours doing the same would itself be refused inlining there). Large
 * kernels hand no vector to another method: sums go through an array ({@link VectorShapes#sum}),
 * the rest is written out; only small kernels call the few small helpers left (f16 widening, ...),
 * which the JIT inlines there. No vector is merged with
 * {@code null} (a zero vector stands in): C2 compiled one such merge into code that stopped the JVM.
 */
final class ExactVectors {
    static final Class<ShortVector> SHORT_256 = exactClass(ShortVector.SPECIES_256);
    static final Class<IntVector> INT_256 = exactClass(IntVector.SPECIES_256);
    static final Class<FloatVector> FLOAT_256 = exactClass(FloatVector.SPECIES_256);
    /** The classes of the preferred width's vectors ({@link VectorShapes#F}, {@link VectorShapes#I}). */
    static final Class<FloatVector> FLOATS = exactClass(VectorShapes.F);
    static final Class<IntVector> INTS = exactClass(VectorShapes.I);
    /** The classes of ggml's eight-lane group vectors ({@link VectorShapes#GF}, {@link VectorShapes#GI}). */
    static final Class<FloatVector> GROUP_FLOATS = exactClass(VectorShapes.GF);
    static final Class<IntVector> GROUP_INTS = exactClass(VectorShapes.GI);

    private ExactVectors() {}

    /** The class of the species' vectors, typed as its public supertype {@code V}: keep it in a static final. */
    @SuppressWarnings("unchecked")
    static <V extends Vector<?>> Class<V> exactClass(VectorSpecies<?> species) {
        return (Class<V>) species.vectorType();
    }
}

package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.FLOAT_256;
import static org.replique.engine.kernel.ExactVectors.INT_256;
import static org.replique.engine.kernel.ExactVectors.SHORT_256;
import static org.replique.engine.kernel.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Q6_K weights (the file's layout) times a few Q8_K activation rows (the decode path), with
 * 16-bit integer products. Each 32 weights' quants (0..63) are assembled from their nibbles and
 * high bits in the bytes of sixteen shorts, the even positions in the low bytes and the odd in the
 * high ones, and multiplied ({@code vpmullw}) with the activation quants of the even and of the
 * odd positions: a short lane adds the products of two neighbours, at most {@code 2·63·128} in
 * magnitude, exact. Read as ints, lane k holds positions {@code 4k…4k+3}: ggml's lane k, whose
 * integer sum the sub-block scale multiplies in int.
 *
 * <p>The arithmetic is ggml's {@code vec_dot_q6_K_q8_K} (AVX2), as {@link ScalarKQuants#vecDot}
 * spells it: per block, each lane's exact integer sum less {@code 32·(sc·bsum)} of its two
 * sub-blocks, converted to float and accumulated with a fused multiply-add of {@code d_w·d_x}, the
 * eight lanes summed at the end in ggml's order: results equal the reference's to the bit.
 *
 * <p>Lanes are eight ints whatever the preferred vector width (ggml's eight lanes); this kernel is
 * only chosen where vectors are at least that wide ({@link MatmulPlan}).
 */
final class Q6_KMatVec {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Moves byte 0 (lanes 0..3) or byte 1 (lanes 4..7) of each int to its top byte. */
    private static final IntVector SCALE_SHIFTS = IntVector.fromArray(I8, new int[] {24, 24, 24, 24, 16, 16, 16, 16}, 0);

    static final MatmulKernel KERNEL = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            Q6_KMatVec.multiply(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(QuantizedMatVec.EVEN_ODD);
        }
    };

    private Q6_KMatVec() {}

    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        short[] xq = x.view(QuantizedMatVec.EVEN_ODD);
        MemorySegment data = w.data();
        int rows = w.rows();
        int cols = w.cols();
        int blocks = cols / 256;
        long rowBytes = w.rowBytes();
        float[] lanes = new float[8];
        // Two rows at once from the two halves of the range: two streams through memory, and each
        // activation load serves both.
        int half = (rowEnd - rowStart) / 2;
        for (int i = 0; i < half; i++) {
            int r = rowStart + i;
            for (int t = 0; t < x.rows(); t++) {
                dot2(data, r * rowBytes, (r + half) * rowBytes, blocks, xq, t * cols, x.scales, x.sums, t * blocks, lanes,
                        out, t * rows + r, t * rows + r + half);
            }
        }
        // A lone last row goes through both streams.
        for (int r = rowStart + 2 * half; r < rowEnd; r++) {
            for (int t = 0; t < x.rows(); t++) {
                dot2(data, r * rowBytes, r * rowBytes, blocks, xq, t * cols, x.scales, x.sums, t * blocks, lanes,
                        out, t * rows + r, t * rows + r);
            }
        }
    }

    /**
     * Two rows (from bytes {@code baseA} and {@code baseB}) times one activation row (quants from
     * {@code xo}, blocks from {@code xb}), into {@code out[oA]} and {@code out[oB]}.
     */
    private static void dot2(MemorySegment w, long baseA, long baseB, int blocks, short[] xq, int xo, float[] xs,
                             short[] xsums, int xb, float[] lanes, float[] out, int oA, int oB) {
        FloatVector accA = FloatVector.zero(F8);
        FloatVector accB = FloatVector.zero(F8);
        for (int b = 0; b < blocks; b++) {
            long blockA = baseA + 210L * b;
            long blockB = baseB + 210L * b;
            int x0 = xo + 256 * b;
            IntVector totalA = IntVector.zero(I8);
            IntVector totalB = IntVector.zero(I8);
            for (int half = 0; half < 2; half++) {
                ShortVector ql0A = ShortVector.fromMemorySegment(S16, w, blockA + 64L * half, LE);
                ShortVector ql1A = ShortVector.fromMemorySegment(S16, w, blockA + 64L * half + 32, LE);
                ShortVector qhA = ShortVector.fromMemorySegment(S16, w, blockA + 128 + 32L * half, LE);
                ShortVector ql0B = ShortVector.fromMemorySegment(S16, w, blockB + 64L * half, LE);
                ShortVector ql1B = ShortVector.fromMemorySegment(S16, w, blockB + 64L * half + 32, LE);
                ShortVector qhB = ShortVector.fromMemorySegment(S16, w, blockB + 128 + 32L * half, LE);
                for (int r = 0; r < 4; r++) {
                    int c = 4 * half + r;
                    ShortVector qlA = SHORT_256.cast(r % 2 == 0 ? ql0A : ql1A);
                    ShortVector qlB = SHORT_256.cast(r % 2 == 0 ? ql0B : ql1B);
                    // Two quants per short: the nibbles (low ones for r < 2) and the two high bits.
                    ShortVector nibblesA = r < 2 ? qlA.and((short) 0x0f0f) : qlA.lanewise(VectorOperators.LSHR, 4).and((short) 0x0f0f);
                    ShortVector nibblesB = r < 2 ? qlB.and((short) 0x0f0f) : qlB.lanewise(VectorOperators.LSHR, 4).and((short) 0x0f0f);
                    ShortVector qA = SHORT_256.cast(nibblesA).or(qhA.lanewise(VectorOperators.LSHR, 2 * r).and((short) 0x0303)
                            .lanewise(VectorOperators.LSHL, 4));
                    ShortVector qB = SHORT_256.cast(nibblesB).or(qhB.lanewise(VectorOperators.LSHR, 2 * r).and((short) 0x0303)
                            .lanewise(VectorOperators.LSHL, 4));
                    int o = x0 + 32 * c;
                    ShortVector even = ShortVector.fromArray(S16, xq, o);
                    ShortVector odd = ShortVector.fromArray(S16, xq, o + 16);
                    IntVector pairsA = INT_256.cast(qA.and((short) 0xff).mul(even).add(qA.lanewise(VectorOperators.LSHR, 8).mul(odd))
                            .reinterpretAsInts());
                    IntVector pairsB = INT_256.cast(qB.and((short) 0xff).mul(even).add(qB.lanewise(VectorOperators.LSHR, 8).mul(odd))
                            .reinterpretAsInts());
                    IntVector sumA = pairsA.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                            .add(pairsA.lanewise(VectorOperators.ASHR, 16));
                    IntVector sumB = pairsB.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                            .add(pairsB.lanewise(VectorOperators.ASHR, 16));
                    // Lanes 0..3: the scale of sub-block 2c, lanes 4..7: of 2c + 1 (int8).
                    IntVector scaleA = IntVector.broadcast(I8, w.get(INT, blockA + 192 + 2L * c))
                            .lanewise(VectorOperators.LSHL, SCALE_SHIFTS).lanewise(VectorOperators.ASHR, 24);
                    IntVector scaleB = IntVector.broadcast(I8, w.get(INT, blockB + 192 + 2L * c))
                            .lanewise(VectorOperators.LSHL, SCALE_SHIFTS).lanewise(VectorOperators.ASHR, 24);
                    totalA = INT_256.cast(totalA).add(sumA.mul(scaleA));
                    totalB = INT_256.cast(totalB).add(sumB.mul(scaleB));
                }
            }
            // Lane k less 32·(sc_2k·bsum_2k + sc_2k+1·bsum_2k+1), as ggml subtracts it.
            IntVector sums = INT_256.cast(ShortVector.fromArray(S16, xsums, 16 * (xb + b)).reinterpretAsInts());
            IntVector evenSums = sums.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            IntVector oddSums = sums.lanewise(VectorOperators.ASHR, 16);
            IntVector scalesA = INT_256.cast(ShortVector.fromMemorySegment(S8, w, blockA + 192, LE)
                    .convertShape(VectorOperators.S2I, I8, 0));
            IntVector scalesB = INT_256.cast(ShortVector.fromMemorySegment(S8, w, blockB + 192, LE)
                    .convertShape(VectorOperators.S2I, I8, 0));
            IntVector offsetA = scalesA.lanewise(VectorOperators.LSHL, 24).lanewise(VectorOperators.ASHR, 24).mul(evenSums)
                    .add(scalesA.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 24).mul(oddSums));
            IntVector offsetB = scalesB.lanewise(VectorOperators.LSHL, 24).lanewise(VectorOperators.ASHR, 24).mul(evenSums)
                    .add(scalesB.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 24).mul(oddSums));
            totalA = INT_256.cast(totalA).sub(offsetA.lanewise(VectorOperators.LSHL, 5));
            totalB = INT_256.cast(totalB).sub(offsetB.lanewise(VectorOperators.LSHL, 5));
            float dx = xs[xb + b];
            accA = FloatVector.broadcast(F8, dx * Blocks.f16(w, blockA + 208))
                    .fma(FLOAT_256.cast(totalA.convert(VectorOperators.I2F, 0)), FLOAT_256.cast(accA));
            accB = FloatVector.broadcast(F8, dx * Blocks.f16(w, blockB + 208))
                    .fma(FLOAT_256.cast(totalB.convert(VectorOperators.I2F, 0)), FLOAT_256.cast(accB));
        }
        FLOAT_256.cast(accA).intoArray(lanes, 0);
        out[oA] = ScalarKernels.sumOf8(lanes);
        FLOAT_256.cast(accB).intoArray(lanes, 0);
        out[oB] = ScalarKernels.sumOf8(lanes);
    }
}

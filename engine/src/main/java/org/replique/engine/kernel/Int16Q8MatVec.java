package org.replique.engine.kernel;

import static org.replique.engine.kernel.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.replique.engine.tensor.Blocks;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Q8_0 weights × a few Q8_0 activation rows (decode) for 256-bit vectors, read straight from the
 * mapping with {@link QuantizedMatVec#dotQ8_0}'s exact arithmetic (ggml's eight lanes, lane g the
 * sum of a block's quants {@code 4g … 4g+3} times the activation's, {@code acc = fma(sum, d_w·d_x,
 * acc)} block after block, the lanes summed in ggml's order), with the products in 16-bit integer
 * lanes: fewer instructions per block than widening each quant to a float ({@link
 * QuantizedMatVec}), which left decode bound by instructions at half the memory's bandwidth.
 *
 * <p>A block's 32 quant bytes, loaded as sixteen shorts, hold quant {@code 2k} in the low byte of
 * short k and quant {@code 2k + 1} in its high byte; shifting sign-extends each ({@code (s << 8)
 * >> 8} and {@code s >> 8}). Multiplied by the activation's even and odd quants ({@link
 * QuantizedMatVec#EVEN_ODD}) and added, short k holds the pair sum of quants {@code 2k, 2k + 1},
 * within ±32,512 as {@code |q_w| ≤ 128} and {@code |q_x| ≤ 127}. Int lane g holds pairs
 * {@code 2g} and {@code 2g + 1}: sign-extended and added, they are group g's exact sum.
 */
final class Int16Q8MatVec {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;

    static final MatmulKernel KERNEL = new MatmulKernel() {
        @Override
        public void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
            Int16Q8MatVec.multiply(w, x, out, rowStart, rowEnd);
        }

        @Override
        public void derive(PreparedInput x) {
            x.view(QuantizedMatVec.EVEN_ODD);
        }
    };

    private Int16Q8MatVec() {}

    /**
     * Whether this kernel applies: vectors of eight floats or more. It keeps ggml's eight lanes in
     * one 256-bit vector where wider ones exist too: two rows in one 512-bit vector ran no faster.
     */
    static boolean applies() {
        return VectorShapes.L >= 8;
    }

    /**
     * Rows {@code [rowStart, rowEnd)} times every row of {@code x}, two rows at a time from the
     * two halves of the range (two streams through memory, as in {@link QuantizedMatVec}).
     */
    static void multiply(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        MemorySegment data = w.data();
        long rowBytes = w.rowBytes();
        int rows = w.rows();
        int cols = w.cols();
        int blocks = cols / 32;
        short[] xq = x.view(QuantizedMatVec.EVEN_ODD);
        float[] xs = x.scales;
        float[] lanes = new float[8];
        int half = (rowEnd - rowStart) / 2;
        for (int i = 0; i < half; i++) {
            int r = rowStart + i;
            for (int t = 0; t < x.rows(); t++) {
                dot2(data, r * rowBytes, (r + half) * rowBytes, blocks, xq, t * cols, xs, t * blocks, lanes, out,
                        t * rows + r, t * rows + r + half);
            }
        }
        int last = rowStart + 2 * half;
        if (last < rowEnd) {
            for (int t = 0; t < x.rows(); t++) {
                // The lone last row paired with itself: the same arithmetic, written twice to one place.
                dot2(data, last * rowBytes, last * rowBytes, blocks, xq, t * cols, xs, t * blocks, lanes, out,
                        t * rows + last, t * rows + last);
            }
        }
    }

    /**
     * Two rows from {@code base1} and {@code base2} times one activation row ({@code xq} from
     * {@code xo}, scales from {@code so}), into {@code out[o1]} and {@code out[o2]}. Each row's
     * lanes are written out to {@code lanes} and summed there: a vector passed to a helper the JIT
     * does not inline is allocated, and so was a scratch array of the method's own, once per call.
     */
    private static void dot2(MemorySegment w, long base1, long base2, int blocks, short[] xq, int xo, float[] xs,
                             int so, float[] lanes, float[] out, int o1, int o2) {
        w.get(MappedFault.MARK, base1); // see MappedFault
        FloatVector acc1 = FloatVector.zero(F8);
        FloatVector acc2 = FloatVector.zero(F8);
        for (int b = 0; b < blocks; b++) {
            long block1 = base1 + 34L * b;
            long block2 = base2 + 34L * b;
            int xb = xo + 32 * b;
            float dx = xs[so + b];
            ShortVector even = ShortVector.fromArray(S16, xq, xb);
            ShortVector odd = ShortVector.fromArray(S16, xq, xb + 16);
            ShortVector q1 = ShortVector.fromMemorySegment(S16, w, block1 + 2, LE);
            ShortVector q2 = ShortVector.fromMemorySegment(S16, w, block2 + 2, LE);
            IntVector h1 = q1.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8).mul(even)
                    .add(q1.lanewise(VectorOperators.ASHR, 8).mul(odd)).reinterpretAsInts();
            IntVector h2 = q2.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8).mul(even)
                    .add(q2.lanewise(VectorOperators.ASHR, 8).mul(odd)).reinterpretAsInts();
            IntVector s1 = h1.lanewise(VectorOperators.ASHR, 16)
                    .add(h1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            IntVector s2 = h2.lanewise(VectorOperators.ASHR, 16)
                    .add(h2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            acc1 = ((FloatVector) s1.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F8, Blocks.f16(w, block1) * dx), acc1);
            acc2 = ((FloatVector) s2.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F8, Blocks.f16(w, block2) * dx), acc2);
        }
        acc1.intoArray(lanes, 0);
        out[o1] = ScalarKernels.sumOf8(lanes);
        acc2.intoArray(lanes, 0);
        out[o2] = ScalarKernels.sumOf8(lanes);
    }
}

package org.replique.engine.kernel;

import static org.replique.engine.kernel.ExactVectors.GROUP_FLOATS;
import static org.replique.engine.kernel.ExactVectors.GROUP_INTS;
import static org.replique.engine.kernel.VectorShapes.GB;
import static org.replique.engine.kernel.VectorShapes.GF;
import static org.replique.engine.kernel.VectorShapes.GI;
import static org.replique.engine.kernel.VectorShapes.GROUP_VECTORS;
import static org.replique.engine.kernel.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;

/**
 * K-quant blocks of 256 weights decoded for the vector kernels: each weight's quant times its
 * sub-block scale ({@code q·sc}, an integer, exact in float; Q6_K's quants without their offset of
 * 32, as ggml multiplies them), laid out per 32 weights like the activations'
 * {@link QuantizedMatVec#GROUPED grouped} quants, so that one vector holds the same position of
 * {@code GF.length()} consecutive groups of four: lane k of a group vector meets the activations of
 * ggml's lane k. Beside them, per block, what the float arithmetic needs: {@code d}, {@code dmin},
 * the mins (Q4_K, Q5_K) and the sixteen scales (Q6_K).
 */
final class KQuantPanel {
    /** Floats per decoded block. */
    static final int BLOCK = 256;

    private KQuantPanel() {}

    /** The decoded metadata of one block. */
    static final class Meta {
        float d;
        float dmin;
        final int[] mins = new int[8];
        final int[] scales = new int[16];
        /** Q6_K: the scales of the even and of the odd sub-blocks, as ggml's eight lanes pair them. */
        final int[] evenScales = new int[8];
        final int[] oddScales = new int[8];
    }

    /**
     * Decodes block {@code b} of the row starting at {@code rowBase} into {@code panel[at …at+256)}
     * and {@code meta}. Written out, without helpers taking or returning vectors, and every merged
     * vector cast to its exact class: see {@link ExactVectors}. (Calling {@link #loadGroups} and
     * {@link #toFloat} here instead, Q5_K prompts allocated again, in every run.)
     */
    static void decode(GgmlType type, MemorySegment w, long rowBase, int b, float[] panel, int at, Meta meta) {
        long block = rowBase + (long) type.blockBytes() * b;
        // One method per layout: each is compiled on its own, small enough for the JIT to inline
        // all of its vector operations.
        switch (type) {
            case Q4_K, Q5_K -> decodeQ4_KQ5_K(type == GgmlType.Q5_K, w, block, panel, at, meta);
            case Q6_K -> decodeQ6_K(w, block, panel, at, meta);
            default -> throw new IllegalArgumentException("not a K-quant: " + type);
        }
    }

    private static void decodeQ4_KQ5_K(boolean five, MemorySegment w, long block, float[] panel, int at, Meta meta) {
        meta.d = Blocks.f16(w, block);
        meta.dmin = Blocks.f16(w, block + 2);
        for (int j = 0; j < 8; j++) meta.mins[j] = Blocks.kMin(w, block + 4, j);
        long qs = block + (five ? 48 : 16);
        w.get(MappedFault.MARK, block); // see MappedFault
        for (int h = 0; h < GROUP_VECTORS; h++) {
            int lanes = h * 4 * GF.length();
            // Q5_K's fifth bits; zeros for Q4_K, so that no vector is merged from two paths below.
            IntVector high = GROUP_INTS.cast(five
                    ? ByteVector.fromMemorySegment(GB, w, block + 16 + 4L * GF.length() * h, LE).reinterpretAsInts()
                    : IntVector.zero(GI));
            for (int c2 = 0; c2 < 4; c2++) {
                IntVector q = GROUP_INTS.cast(ByteVector.fromMemorySegment(GB, w, qs + 32L * c2 + 4L * GF.length() * h, LE)
                        .reinterpretAsInts());
                FloatVector sc0 = FloatVector.broadcast(GF, Blocks.kScale(w, block + 4, 2 * c2));
                FloatVector sc1 = FloatVector.broadcast(GF, Blocks.kScale(w, block + 4, 2 * c2 + 1));
                int o0 = at + 64 * c2 + lanes;
                int o1 = o0 + 32;
                for (int m = 0; m < 4; m++) {
                    IntVector low = q.lanewise(VectorOperators.LSHR, 8 * m).and(0xF)
                            .or(high.lanewise(VectorOperators.LSHR, 8 * m + 2 * c2).and(1).lanewise(VectorOperators.LSHL, 4));
                    IntVector up = q.lanewise(VectorOperators.LSHR, 8 * m + 4).and(0xF)
                            .or(high.lanewise(VectorOperators.LSHR, 8 * m + 2 * c2 + 1).and(1).lanewise(VectorOperators.LSHL, 4));
                    GROUP_FLOATS.cast(low.convert(VectorOperators.I2F, 0)).mul(sc0).intoArray(panel, o0 + m * GF.length());
                    GROUP_FLOATS.cast(up.convert(VectorOperators.I2F, 0)).mul(sc1).intoArray(panel, o1 + m * GF.length());
                }
            }
        }
    }

    private static void decodeQ6_K(MemorySegment w, long block, float[] panel, int at, Meta meta) {
        meta.d = Blocks.f16(w, block + 208);
        for (int j = 0; j < 16; j++) meta.scales[j] = w.get(ValueLayout.JAVA_BYTE, block + 192 + j);
        for (int k = 0; k < 8; k++) {
            meta.evenScales[k] = meta.scales[2 * k];
            meta.oddScales[k] = meta.scales[2 * k + 1];
        }
        w.get(MappedFault.MARK, block); // see MappedFault
        for (int h = 0; h < GROUP_VECTORS; h++) {
            int lanes = h * 4 * GF.length();
            long part = 4L * GF.length() * h;
            for (int half = 0; half < 2; half++) {
                IntVector ql0 = GROUP_INTS.cast(ByteVector.fromMemorySegment(GB, w, block + 64L * half + part, LE)
                        .reinterpretAsInts());
                IntVector ql1 = GROUP_INTS.cast(ByteVector.fromMemorySegment(GB, w, block + 64L * half + 32 + part, LE)
                        .reinterpretAsInts());
                IntVector qh = GROUP_INTS.cast(ByteVector.fromMemorySegment(GB, w, block + 128 + 32L * half + part, LE)
                        .reinterpretAsInts());
                for (int r = 0; r < 4; r++) {
                    int c = 4 * half + r;
                    IntVector ql = GROUP_INTS.cast(r % 2 == 0 ? ql0 : ql1);
                    int nibble = r < 2 ? 0 : 4;
                    // Groups 0..3 (weights 0..15) take sub-block 2c's scale, groups 4..7 2c + 1's.
                    FloatVector sc = GF.length() == 4
                            ? FloatVector.broadcast(GF, meta.scales[2 * c + h])
                            : FloatVector.broadcast(GF, meta.scales[2 * c]).blend(meta.scales[2 * c + 1], UPPER_GROUPS);
                    sc = GROUP_FLOATS.cast(sc);
                    int o = at + 32 * c + lanes;
                    for (int m = 0; m < 4; m++) {
                        IntVector q = ql.lanewise(VectorOperators.LSHR, 8 * m + nibble).and(0xF)
                                .or(qh.lanewise(VectorOperators.LSHR, 8 * m + 2 * r).and(3).lanewise(VectorOperators.LSHL, 4));
                        GROUP_FLOATS.cast(q.convert(VectorOperators.I2F, 0)).mul(sc).intoArray(panel, o + m * GF.length());
                    }
                }
            }
        }
    }

    /**
     * The 32 bytes at {@code at} as ints of four bytes each, the {@code h}-th {@code GF.length()} of
     * them: lane g holds bytes 4g..4g+3 of the 32.
     */
    static IntVector loadGroups(MemorySegment w, long at, int h) {
        w.get(MappedFault.MARK, at); // see MappedFault
        return GROUP_INTS.cast(ByteVector.fromMemorySegment(GB, w, at + 4L * GF.length() * h, LE).reinterpretAsInts());
    }

    static FloatVector toFloat(IntVector v) {
        return GROUP_FLOATS.cast(GROUP_INTS.cast(v).convert(VectorOperators.I2F, 0));
    }

    /** Lanes 4..7 of an eight-lane {@link VectorShapes#GF} vector (groups 4..7 of 32 weights). */
    private static final VectorMask<Float> UPPER_GROUPS = VectorMask.fromLong(GF, GF.length() == 8 ? 0xF0L : 0L);
}

package org.replique.engine.kernel;

import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;

/**
 * A batch of activation rows converted to the form a weight type multiplies with, as ggml does
 * ({@code vec_dot_type}): F32 weights take F32 activations, F16 and BF16 weights take activations
 * rounded to F16 and BF16, Q8_0 and Q4_0 weights take activations quantized to Q8_0 blocks
 * (int8 values with an f16-rounded scale per 32), the K-quants take Q8_K blocks (int8 values with a
 * float scale per 256 and the sum of every 16 values). Doing the same is what makes our logits
 * match llama.cpp's on quantized files, and the integer dot products are also the fast path.
 *
 * <p>Kernels may derive further forms of the same activations ({@link View}: reordered quants,
 * quants as floats, padded rows); each is computed at most once per fill, whichever kernel or
 * thread asks first, and belongs to the kernel that defines it.
 *
 * <p>An instance can be refilled with new activations ({@link #of(Format, float[], int, int,
 * PreparedInput)}), reusing its arrays: the forward pass prepares several inputs per layer and
 * token, and allocating them each time would make the Java heap grow for nothing. The arrays may
 * therefore be longer than {@code rows × cols}.
 */
public final class PreparedInput {
    private Format format;
    private int rows;
    private int cols;
    /** F32 / F16 / BF16 formats: the (rounded) values, rows × cols. */
    float[] values;
    /** Q8_0 and Q8_K formats: int8 quants, rows × cols. */
    byte[] quants;
    /** Q8_0: one scale per block of 32; Q8_K: one per block of 256; row after row. */
    float[] scales;
    /** Q8_K format: the sum of every 16 consecutive quants, rows × cols/16. */
    short[] sums;
    /** Which fill the views must belong to; a new fill makes every view stale. */
    private volatile int fill;
    /** The views derived so far, replaced (never changed) under the lock. */
    private volatile Slot[] slots = new Slot[0];

    /** The activation formats. */
    public enum Format {
        F32, F16, BF16, Q8_0, Q8_K;

        /** The format ggml converts activations to before multiplying with weights of {@code type}. */
        public static Format forWeights(GgmlType type) {
            return switch (type) {
                case F32 -> F32;
                case F16 -> F16;
                case BF16 -> BF16;
                case Q8_0, Q4_0 -> Q8_0;
                case Q4_K, Q5_K, Q6_K -> Q8_K;
            };
        }

        /** Values per block of this format (1 for the float formats). */
        int blockSize() {
            return switch (this) {
                case Q8_0 -> 32;
                case Q8_K -> 256;
                default -> 1;
            };
        }
    }

    /**
     * A form of the activations that a kernel derives from them, such as the quants reordered for
     * its lanes. {@link #derive} returns the view of {@code x}, refilling {@code previous} (its
     * result for an earlier fill, or null) when that is large enough.
     */
    @FunctionalInterface
    interface View<T> {
        T derive(PreparedInput x, T previous);
    }

    private static final class Slot {
        final View<?> view;
        Object value;
        volatile int fill = -1;

        Slot(View<?> view) {
            this.view = view;
        }
    }

    private PreparedInput() {}

    /** Converts {@code rows} rows of {@code cols} floats from {@code x}. */
    public static PreparedInput of(Format format, float[] x, int rows, int cols) {
        return of(format, x, rows, cols, null);
    }

    /**
     * Like {@link #of(Format, float[], int, int)}, refilling {@code reuse} (when not null) instead
     * of allocating: the result is {@code reuse} itself, whose earlier contents are gone. The
     * caller must be done with them, on every thread.
     */
    public static PreparedInput of(Format format, float[] x, int rows, int cols, PreparedInput reuse) {
        if (cols % format.blockSize() != 0) {
            throw new IllegalArgumentException(cols + " columns is not a whole number of " + format + " blocks");
        }
        PreparedInput p = reuse != null ? reuse : new PreparedInput();
        p.format = format;
        p.rows = rows;
        p.cols = cols;
        int n = rows * cols;
        switch (format) {
            case Q8_0, Q8_K -> {
                if (p.quants == null || p.quants.length < n) p.quants = new byte[n];
                int blocks = n / format.blockSize();
                if (p.scales == null || p.scales.length < blocks) p.scales = new float[blocks];
                if (format == Format.Q8_K && (p.sums == null || p.sums.length < n / 16)) p.sums = new short[n / 16];
            }
            default -> {
                if (p.values == null || p.values.length < n) p.values = new float[n];
            }
        }
        p.fill(x);
        p.fill++;
        return p;
    }

    public Format format() {
        return format;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** F32/F16/BF16 formats: the values, row after row (at least {@code rows × cols} of them). */
    public float[] values() {
        return values;
    }

    /** Q8_0 and Q8_K formats: the int8 quants, row after row (at least {@code rows × cols} of them). */
    public byte[] quants() {
        return quants;
    }

    /** Q8_0 and Q8_K formats: the scale of each block of quants (32 or 256 of them). */
    public float[] scales() {
        return scales;
    }

    /** Q8_K format: the sum of each 16 consecutive quants. */
    public short[] sums() {
        return sums;
    }

    /**
     * {@code view} of these activations, derived on first use after each fill; safe to call
     * from several threads.
     */
    @SuppressWarnings("unchecked")
    <T> T view(View<T> view) {
        int current = fill;
        for (Slot s : slots) {
            if (s.view == view) {
                if (s.fill == current) return (T) s.value;
                break;
            }
        }
        synchronized (this) {
            Slot slot = null;
            for (Slot s : slots) {
                if (s.view == view) slot = s;
            }
            if (slot == null) {
                slot = new Slot(view);
                Slot[] more = java.util.Arrays.copyOf(slots, slots.length + 1);
                more[slots.length] = slot;
                slots = more;
            }
            if (slot.fill != current) {
                slot.value = view.derive(this, (T) slot.value);
                slot.fill = current;
            }
            return (T) slot.value;
        }
    }

    private void fill(float[] x) {
        int n = rows * cols;
        switch (format) {
            case F32 -> System.arraycopy(x, 0, values, 0, n);
            case F16 -> {
                for (int i = 0; i < n; i++) values[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) values[i] = Blocks.bf16ToFloat(Blocks.floatToBf16(x[i]));
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    quantizeBlock(x, 32 * b, quants, scales, b);
                }
            }
            case Q8_K -> {
                for (int b = 0; b < n / 256; b++) {
                    quantizeBlockK(x, 256 * b, quants, scales, sums, b);
                }
            }
        }
    }

    /**
     * ggml's AVX2 {@code quantize_row_q8_0}, which produced our reference outputs: scale
     * {@code amax/127} stored as f16, values {@code round-half-even(x · 127/amax)}.
     */
    static void quantizeBlock(float[] x, int offset, byte[] q, float[] scales, int block) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[offset + j]));
        }
        float d = amax / 127.0f;
        float id = amax != 0 ? 127.0f / amax : 0.0f;
        scales[block] = Float.float16ToFloat(Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            q[offset + j] = (byte) Math.rint(x[offset + j] * id);
        }
    }

    /**
     * ggml's {@code quantize_row_q8_K} (its reference, which the x86 build calls, and which its
     * four-row variant reproduces): with {@code max} the first value of largest magnitude,
     * {@code iscale = −127/max}, values {@code min(127, round-half-even(iscale · x))}, the float
     * scale {@code 1/iscale}, and the sums of every 16 values. An all-zero block is all zeros.
     */
    static void quantizeBlockK(float[] x, int offset, byte[] q, float[] scales, short[] sums, int block) {
        float max = 0;
        float amax = 0;
        for (int j = 0; j < 256; j++) {
            float ax = Math.abs(x[offset + j]);
            if (ax > amax) {
                amax = ax;
                max = x[offset + j];
            }
        }
        if (amax == 0) {
            scales[block] = 0;
            java.util.Arrays.fill(q, offset, offset + 256, (byte) 0);
            java.util.Arrays.fill(sums, offset / 16, offset / 16 + 16, (short) 0);
            return;
        }
        float iscale = -127.0f / max;
        for (int j = 0; j < 256; j++) {
            q[offset + j] = (byte) Math.min(127, (int) Math.rint(iscale * x[offset + j]));
        }
        for (int j = 0; j < 16; j++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) sum += q[offset + 16 * j + i];
            sums[offset / 16 + j] = (short) sum;
        }
        scales[block] = 1 / iscale;
    }
}

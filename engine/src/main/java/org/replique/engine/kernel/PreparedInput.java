package org.replique.engine.kernel;

import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;

/**
 * A batch of activation rows converted to the form a weight type multiplies with, as ggml does
 * ({@code vec_dot_type}): F32 weights take F32 activations, F16 and BF16 weights take activations
 * rounded to F16 and BF16, Q8_0 and Q4_0 weights take activations quantized to Q8_0 blocks
 * (int8 values with an f16-rounded scale per 32). Doing the same is what makes our logits match
 * llama.cpp's on quantized files, and the integer dot products are also the fast path.
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
    /** Q8 format: int8 quants, rows × cols. */
    byte[] quants;
    /** Q8 format: one scale per block of 32, rows × cols/32. */
    float[] scales;
    /** Derived on first use by the vector kernels, valid for {@link #groupedLanes} lanes (0: not yet). */
    private float[] grouped;
    private volatile int groupedLanes;
    /** Derived on first use by {@link PairedQ8Matmul} (valid while {@link #paired} is true). */
    private float[] pairedQuants;
    private float[] pairedScales;
    private volatile boolean paired;
    /** Derived on first use by the vector kernels, valid for {@link #paddedStride} (0: not yet). */
    private float[] padded;
    private volatile int paddedStride;

    /** The activation formats. */
    public enum Format {
        F32, F16, BF16, Q8;

        /** The format ggml converts activations to before multiplying with weights of {@code type}. */
        public static Format forWeights(GgmlType type) {
            return switch (type) {
                case F32 -> F32;
                case F16 -> F16;
                case BF16 -> BF16;
                case Q8_0, Q4_0 -> Q8;
            };
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
        if (format == Format.Q8 && cols % 32 != 0) {
            throw new IllegalArgumentException(cols + " columns is not a whole number of Q8 blocks");
        }
        PreparedInput p = reuse != null ? reuse : new PreparedInput();
        p.format = format;
        p.rows = rows;
        p.cols = cols;
        p.groupedLanes = 0;
        p.paddedStride = 0;
        p.paired = false;
        int n = rows * cols;
        if (format == Format.Q8) {
            if (p.quants == null || p.quants.length < n) p.quants = new byte[n];
            if (p.scales == null || p.scales.length < n / 32) p.scales = new float[n / 32];
        } else if (p.values == null || p.values.length < n) {
            p.values = new float[n];
        }
        p.fill(x);
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

    /** Q8 format: the int8 quants, row after row (at least {@code rows × cols} of them). */
    public byte[] quants() {
        return quants;
    }

    /** Q8 format: the scale of each block of 32 quants. */
    public float[] scales() {
        return scales;
    }

    /**
     * Q8 format: the quants as floats, reordered within each block of 32 for kernels that keep
     * ggml's eight lanes of four neighbouring products in vectors of {@code lanes} (8 or 4)
     * lanes: quant {@code 4g + k} (group g, k = 0..3) goes to
     * {@code (g / lanes)·4·lanes + k·lanes + g % lanes}, so that one vector load gives the k-th
     * quant of {@code lanes} consecutive groups. Computed once per fill; safe to call from several
     * threads.
     */
    float[] groupedQuants(int lanes) {
        if (groupedLanes != lanes) {
            synchronized (this) {
                if (groupedLanes != lanes) {
                    int n = rows * cols;
                    if (grouped == null || grouped.length < n) grouped = new float[n];
                    for (int block = 0; block < n; block += 32) {
                        for (int g = 0; g < 8; g++) {
                            for (int k = 0; k < 4; k++) {
                                grouped[block + (g / lanes) * 4 * lanes + k * lanes + g % lanes] = quants[block + 4 * g + k];
                            }
                        }
                    }
                    groupedLanes = lanes;
                }
            }
        }
        return grouped;
    }

    /**
     * Q8 format: the quants as floats for kernels that hold two tokens in one vector, ggml's
     * eight lanes of four neighbouring products for token {@code 2p} below those of token
     * {@code 2p + 1} ({@link PairedQ8Matmul}): for pair p, block b and k = 0..3, sixteen floats at
     * {@code ((b·pairs + p)·4 + k)·16}, lane {@code j < 8} holding quant {@code 4j + k} of token
     * 2p, lane {@code 8 + j} the same quant of token 2p + 1 (of token 2p again when the number of
     * rows is odd). Computed once per fill; safe to call from several threads.
     */
    float[] pairedQuants() {
        pair();
        return pairedQuants;
    }

    /**
     * Q8 format: the block scales laid out like {@link #pairedQuants()}'s lanes: for block b and
     * pair p, sixteen floats at {@code (b·pairs + p)·16}, eight copies of token 2p's scale, then
     * eight of token 2p + 1's.
     */
    float[] pairedScales() {
        pair();
        return pairedScales;
    }

    private void pair() {
        if (paired) return;
        synchronized (this) {
            if (paired) return;
            int blocks = cols / 32;
            int pairs = (rows + 1) / 2;
            int n = pairs * blocks * 64;
            if (pairedQuants == null || pairedQuants.length < n) pairedQuants = new float[n];
            if (pairedScales == null || pairedScales.length < pairs * blocks * 16) pairedScales = new float[pairs * blocks * 16];
            for (int p = 0; p < pairs; p++) {
                int t0 = 2 * p;
                int t1 = Math.min(t0 + 1, rows - 1);
                for (int b = 0; b < blocks; b++) {
                    int o = (b * pairs + p) * 64;
                    for (int k = 0; k < 4; k++) {
                        for (int j = 0; j < 8; j++) {
                            pairedQuants[o + 16 * k + j] = quants[t0 * cols + 32 * b + 4 * j + k];
                            pairedQuants[o + 16 * k + 8 + j] = quants[t1 * cols + 32 * b + 4 * j + k];
                        }
                    }
                    int so = (b * pairs + p) * 16;
                    java.util.Arrays.fill(pairedScales, so, so + 8, scales[t0 * blocks + b]);
                    java.util.Arrays.fill(pairedScales, so + 8, so + 16, scales[t1 * blocks + b]);
                }
            }
            paired = true;
        }
    }

    /**
     * The activations as floats, each row padded with zeros to {@code stride ≥ cols} floats: the
     * values for F32/F16/BF16, {@code d·q} (exact in float) for Q8. Computed once per fill and
     * stride; safe to call from several threads.
     */
    float[] paddedFloats(int stride) {
        if (paddedStride != stride) {
            synchronized (this) {
                if (paddedStride != stride) {
                    fillPadded(stride);
                    paddedStride = stride;
                }
            }
        }
        return padded;
    }

    private void fillPadded(int stride) {
        if (stride < cols) throw new IllegalArgumentException("stride " + stride + " < " + cols + " columns");
        if (format != Format.Q8 && stride == cols) {
            padded = values;
            return;
        }
        if (padded == null || padded == values || padded.length < rows * stride) padded = new float[rows * stride];
        for (int t = 0; t < rows; t++) {
            int in = t * cols;
            int out = t * stride;
            if (format == Format.Q8) {
                for (int c = 0; c < cols; c++) padded[out + c] = scales[(in + c) / 32] * quants[in + c];
            } else {
                System.arraycopy(values, in, padded, out, cols);
            }
            java.util.Arrays.fill(padded, out + cols, out + stride, 0f);
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
            case Q8 -> {
                for (int b = 0; b < n / 32; b++) {
                    quantizeBlock(x, 32 * b, quants, scales, b);
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
}

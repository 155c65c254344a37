package org.replique.engine.kernel;

import org.replique.engine.gguf.GgmlType;
import org.replique.engine.tensor.Blocks;

/**
 * A batch of activation rows converted to the form a weight type multiplies with, as ggml does
 * ({@code vec_dot_type}): F32 weights take F32 activations, F16 and BF16 weights take activations
 * rounded to F16 and BF16, Q8_0 and Q4_0 weights take activations quantized to Q8_0 blocks
 * (int8 values with an f16-rounded scale per 32). Doing the same is what makes our logits match
 * llama.cpp's on quantized files, and the integer dot products are also the fast path.
 */
public final class PreparedInput {
    private final Format format;
    private final int rows;
    private final int cols;
    /** F32 / F16 / BF16 formats: the (rounded) values, rows × cols. */
    final float[] values;
    /** Q8 format: int8 quants, rows × cols. */
    final byte[] quants;
    /** Q8 format: one scale per block of 32, rows × cols/32. */
    final float[] scales;

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

    private PreparedInput(Format format, int rows, int cols) {
        this.format = format;
        this.rows = rows;
        this.cols = cols;
        if (format == Format.Q8) {
            this.values = null;
            this.quants = new byte[rows * cols];
            this.scales = new float[rows * cols / 32];
        } else {
            this.values = new float[rows * cols];
            this.quants = null;
            this.scales = null;
        }
    }

    /** Converts {@code rows} rows of {@code cols} floats from {@code x}. */
    public static PreparedInput of(Format format, float[] x, int rows, int cols) {
        PreparedInput p = new PreparedInput(format, rows, cols);
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

    public float[] values() {
        return values;
    }

    public byte[] quants() {
        return quants;
    }

    public float[] scales() {
        return scales;
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

package org.replique.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.replique.engine.kernel.ScalarKernels;
import org.replique.engine.model.BlockLayout;

/** The element-wise steps Falcon adds to the forward pass: GELU, LayerNorm and NeoX's rotary pairs. */
class FalconArithmeticTest {

    /**
     * SHA-256 of ggml's {@code ggml_table_gelu_f16} (65536 F16 results), read after
     * {@code ggml_cpu_init()} from the {@code libggml-cpu-haswell.so} that llama.cpp's reference
     * build (node-llama-cpp 3.21.1) runs on our machines, with the 2048 entries of infinite and NaN
     * inputs set to 0 (x86 gives them its own NaN; the forward pass never looks them up).
     */
    private static final String GGML_GELU_TABLE_SHA256 = "f459c5318caa755b02f50f89464a39e4ffafd796c93107c270c563e9a73f497e";

    @Test
    void geluTableIsGgmlsEntryForEntry() throws Exception {
        ByteBuffer table = ByteBuffer.allocate(2 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int bits = 0; bits < 1 << 16; bits++) {
            boolean finite = Float.isFinite(Float.float16ToFloat((short) bits));
            table.putShort(finite ? Gelu.tableEntry(bits) : 0);
        }
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(table.array()));
        assertThat(digest).isEqualTo(GGML_GELU_TABLE_SHA256);
    }

    @Test
    void geluIsTheTanhFormRoundedThroughF16AndExactOutsideTen() {
        assertThat(Gelu.apply(-10f)).isZero();
        assertThat(Gelu.apply(-50f)).isZero();
        assertThat(Gelu.apply(10f)).isEqualTo(10f);
        assertThat(Gelu.apply(123.5f)).isEqualTo(123.5f);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            float x = (float) (random.nextDouble() * 20 - 10);
            double exact = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            // Input and output both rounded to F16 (11 significant bits): half a step of the output,
            // and half a step of the input times GELU's slope (at most 1.13).
            double halfStepOfInput = Math.ulp(x) * (1 << 13) / 2;
            double tolerance = Math.abs(exact) / (1 << 11) + 1.13 * halfStepOfInput + 1e-7;
            assertThat((double) Gelu.apply(x)).as("gelu(%s)", x).isCloseTo(exact, within(tolerance));
        }
    }

    @Test
    void layerNormIsWhatItsFormulaSaysToFloatRounding() {
        SplittableRandom random = new SplittableRandom(2);
        for (int dim : new int[] {4544, 192, 13}) {
            float[] x = new float[dim];
            float[] w = new float[dim];
            float[] b = new float[dim];
            for (int i = 0; i < dim; i++) {
                x[i] = (float) (3 + 2 * random.nextGaussian());
                w[i] = (float) (1 + 0.1 * random.nextGaussian());
                b[i] = (float) (0.1 * random.nextGaussian());
            }
            float[] out = new float[dim + 5];
            Normalization.layer(out, 5, x, 0, w, b, dim, 1e-5f);
            double mean = 0;
            for (float v : x) mean += v;
            mean /= dim;
            double variance = 0;
            for (float v : x) variance += (v - mean) * (v - mean);
            variance /= dim;
            for (int i = 0; i < dim; i++) {
                double expected = (x[i] - mean) / Math.sqrt(variance + 1e-5) * w[i] + b[i];
                assertThat((double) out[5 + i]).as("dim %d, element %d", dim, i).isCloseTo(expected, within(2e-6));
            }
        }
    }

    @Test
    void neoxPairsAreTheAdjacentPairsOfTheHalvesInterleaved() {
        // Rotating (i, i + d/2) is rotating (2i, 2i+1) after interleaving the two halves.
        int headDim = 64;
        int heads = 3;
        SplittableRandom random = new SplittableRandom(3);
        float[] v = new float[heads * headDim];
        for (int i = 0; i < v.length; i++) v[i] = (float) random.nextGaussian();
        float[] interleaved = new float[v.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                interleaved[h * headDim + 2 * i] = v[h * headDim + i];
                interleaved[h * headDim + 2 * i + 1] = v[h * headDim + i + headDim / 2];
            }
        }
        RotaryEmbedding neox = new RotaryEmbedding(headDim, headDim, 10000f, BlockLayout.Rope.HALVES);
        RotaryEmbedding adjacent = new RotaryEmbedding(headDim, headDim, 10000f, BlockLayout.Rope.ADJACENT_PAIRS);
        RotaryEmbedding.Angles angles = neox.angles(37);
        neox.apply(new ScalarKernels(), v, 0, heads, angles);
        adjacent.apply(new ScalarKernels(), interleaved, 0, heads, adjacent.angles(37));
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                assertThat(v[h * headDim + i]).isEqualTo(interleaved[h * headDim + 2 * i]);
                assertThat(v[h * headDim + i + headDim / 2]).isEqualTo(interleaved[h * headDim + 2 * i + 1]);
            }
        }
    }
}

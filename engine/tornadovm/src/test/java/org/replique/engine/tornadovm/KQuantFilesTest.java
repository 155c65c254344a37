package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.model.Model;
import org.replique.engine.tensor.WeightMatrix;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.QuantMix;
import org.replique.fixtures.gguf.SyntheticModel;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * K-quant files (Q4_K, Q5_K and Q6_K matrices, mixed as llama-quantize mixes them; every matrix
 * in Q4_K) on the device, which keeps their integers ({@link DeviceMatrix#K8}: quants, 6-bit
 * scales and mins, the blocks' {@code d} and {@code dmin}; about 1.3 bytes a weight) and
 * multiplies them with Q8_K activations by ggml's arithmetic ({@link DeviceKernels#kQuantProduct}).
 * The files are the engine tests' Mistral-shaped ones (dim 256, 8 layers, GQA 4:1, rows multiples
 * of 256), written again and checked byte for byte; the references were made by llama.cpp's AVX2
 * build from them.
 *
 * <p>The rest of the forward pass follows ggml's order of operations too (RMSNorm's double sum,
 * attention's softmax and sums, ggml's exponential in SiLU, the C library's RoPE angles), so the
 * device's logits are the CPU backend's to the bit, and with them llama.cpp's tokens: all 64
 * greedy tokens of each file, and top-10 logits within 2e-2 after every position (measured at
 * most 1.2e-7, the references' own rounding).
 */
class KQuantFilesTest {
    /** Top-10 logit_rel against llama.cpp after every position. */
    private static final double TOLERANCE = 2e-2;
    /** Steps where llama.cpp's margin exceeds {@link #TOLERANCE}, where the choice must agree. */
    private static final int MIN_DECIDED = 40;
    /** Against the CPU backend over a prompt and four tokens: the same logits, to the bit. */
    private static final Logits.Tolerance CPU_TOLERANCE = new Logits.Tolerance(0, 0);

    static Stream<Arguments> files() {
        return Stream.of(
                Arguments.of(QuantMix.Q4_K_M, "3df822f3d886b97609b2010bdcedb457cb1374fe4202591e0aa664c530d78c7b"),
                Arguments.of(QuantMix.Q5_K_M, "a834b0a2b3cbbe98a134f096d7e12725cdc33f104af24ef8e722bd5252f1ef0e"),
                Arguments.of(QuantMix.Q6_K, "a917bee988b434845f49902562143f94fa1b768eb88b5ed59112a607729bb3cf"),
                Arguments.of(QuantMix.PURE_Q4_K, "b0f06697988c0600013d77a286767a17851e981e04f2e52d400f894ff24a9c1d"));
    }

    /** The integers and scales the device holds for every K-quant weight give the CPU's decoded weight, to the bit. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void theDevicesGroupsHoldTheCpusDecodedWeights(QuantMix mix, String digest, @TempDir Path dir) throws Exception {
        Path file = written(mix, digest, dir);
        Set<GgmlType> seen = EnumSet.noneOf(GgmlType.class);
        try (Model model = Model.load(file)) {
            List<WeightMatrix> matrices = new ArrayList<>(model.weights().layers().getFirst().matrices());
            matrices.add(model.weights().output());
            for (WeightMatrix w : matrices) {
                HostArrays host = new HostArrays();
                DeviceMatrix m = DeviceMatrix.stack(host, w);
                assertThat(m.format).isEqualTo(DeviceMatrix.K8);
                seen.add(w.type());
                float[] row = new float[w.cols()];
                int blocks = w.cols() / 256;
                for (int r = 0; r < w.rows(); r++) {
                    w.dequantizeRow(r, row, 0);
                    for (int c = 0; c < w.cols(); c++) {
                        int at = DeviceMatrix.K_INTS * (r * blocks + c / 256);
                        int e = c % 256;
                        int q = (m.quants.get(at + e / 4) >> (8 * (e % 4))) & 255;
                        float d = m.floats.get(2 * (r * blocks + c / 256));
                        float dmin = m.floats.get(2 * (r * blocks + c / 256) + 1);
                        int kind = m.quants.get(at + 80) & 7;
                        float decoded = kind == 6 ? d * m.quants.get(at + 64 + e / 16) * (q - 32)
                                : d * m.quants.get(at + 64 + e / 32) * q - dmin * m.quants.get(at + 72 + e / 32);
                        if (Float.floatToRawIntBits(decoded) != Float.floatToRawIntBits(row[c])) {
                            assertThat(decoded).as("%s row %d column %d", w.name(), r, c).isEqualTo(row[c]);
                        }
                    }
                }
            }
        }
        assertThat(seen).isNotEmpty().allMatch(t -> t == GgmlType.Q4_K || t == GgmlType.Q5_K || t == GgmlType.Q6_K);
    }

    /**
     * llama.cpp's tokens fed back: after each of the 64 positions the top-10 logits agree within
     * {@link #TOLERANCE}, and the choice agrees wherever llama.cpp's own margin between its two
     * best candidates is wider than that.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void logitsAfterEveryPositionAreLlamaCpps(QuantMix mix, String digest, @TempDir Path dir)
            throws Exception {
        Path file = written(mix, digest, dir);
        LlamaCppReference ref = reference(mix);
        Devices.Opened o = Devices.open(file);
        assertThat(o.device().description()).contains("Q4_K/Q5_K/Q6_K as integers").doesNotContain("widened");
        List<float[]> steps = Logits.teacherForced(o.device(), ref);
        int decided = 0;
        for (int i = 0; i < steps.size(); i++) {
            List<LlamaCppReference.Top> top = i == 0 ? ref.nextTokenTop() : ref.stepTop().get(i - 1);
            float[] rel = Logits.relative(steps.get(i));
            for (LlamaCppReference.Top t : top) {
                assertThat((double) rel[t.id()]).as("step %d: logit_rel of token %d", i, t.id())
                        .isCloseTo(t.logitRel(), within(TOLERANCE));
            }
            if (top.get(0).logitRel() - top.get(1).logitRel() > TOLERANCE) {
                assertThat(Logits.argmax(steps.get(i))).as("choice at step %d", i).isEqualTo(top.get(0).id());
                decided++;
            }
        }
        assertThat(decided).as("steps with a clear choice").isGreaterThanOrEqualTo(MIN_DECIDED);
    }

    /** llama.cpp's greedy tokens, all of them, and its top-10 after the prompt within {@link #TOLERANCE}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void greedyTokensAreLlamaCpps(QuantMix mix, String digest, @TempDir Path dir) throws Exception {
        LlamaCppReference ref = reference(mix);
        GenerationResult r = Logits.greedy(Devices.open(written(mix, digest, dir)).device(), ref.promptTokens(),
                ref.generatedTokens().length);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        float[] rel = Logits.relative(r.promptLogits());
        for (LlamaCppReference.Top t : ref.nextTokenTop()) {
            assertThat((double) rel[t.id()]).as("logit_rel of token %d", t.id()).isCloseTo(t.logitRel(), within(TOLERANCE));
        }
    }

    /** Against the CPU backend, whose arithmetic is llama.cpp's to the bit: a prompt and four decoded tokens. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void logitsAreTheCpuBackends(QuantMix mix, String digest, @TempDir Path dir)
            throws Exception {
        LlamaCppReference ref = reference(mix);
        int split = ref.promptTokens().length;
        CpuParityTest.compare(Devices.open(written(mix, digest, dir)), CpuParityTest.story(ref, split + 4), split,
                CPU_TOLERANCE, mix.toString());
    }

    /** The file the reference was made from, written again by the generator (and checked byte for byte). */
    private static Path written(QuantMix mix, String digest, Path dir) throws Exception {
        Path file = dir.resolve("synthetic-" + mix + ".gguf");
        SyntheticModel.write(file, SyntheticModel.Shape.kQuantMistral(), mix, 7);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
                .as("the generator must write the file the reference was made from").isEqualTo(digest);
        return file;
    }

    private static LlamaCppReference reference(QuantMix mix) {
        return LlamaCppReference.load(Fixtures.file(
                "reference/synthetic-mistral-" + mix.name().toLowerCase() + ".alceste.n64.kvf32.llamacpp.json"));
    }
}

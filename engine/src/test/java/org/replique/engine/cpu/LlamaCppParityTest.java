package org.replique.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.WeightPlacement;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.GgufWriter.TensorType;
import org.replique.fixtures.gguf.QuantMix;
import org.replique.fixtures.gguf.SyntheticModel;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * The engine produces llama.cpp's tokens and logits on the same files. References were made by
 * llama.cpp (node-llama-cpp 3.21.1, CPU, F32 KV cache), independently of this code; see
 * {@code test-fixtures/README.md}. The engine reproduces the arithmetic of llama.cpp's AVX2 build
 * (which made every reference but the synthetic F32 and Q8_0 ones, from its AVX-512 build):
 * quantized products, attention, RoPE and SwiGLU round as there, so that quantized files, whose
 * activation quantization turns a last-bit difference into a different quant, agree to 1e-7.
 */
class LlamaCppParityTest {
    /**
     * Quantized products, attention, RoPE and SwiGLU follow llama.cpp's arithmetic, so quantized
     * files agree to float noise in the last digits of the logits: measured at most 1.2e-7
     * (stories260K and the demo model in Q8_0 and Q4_0). F16 products are summed in another order
     * than ggml's, and a last-bit difference can move an activation to the neighbouring F16 step:
     * measured at most 2.5e-3 (stories260K F16). Greedy tokens are identical on every file.
     */
    private static final double QUANTIZED_TOLERANCE = 1e-5;
    private static final double F16_TOLERANCE = 0.01;
    private static final double SYNTHETIC_QUANTIZED_TOLERANCE = 1e-4;

    private static Path model(String name) {
        return Fixtures.file("models/" + name);
    }

    private static LlamaCppReference reference(String name) {
        return LlamaCppReference.load(Fixtures.file("reference/" + name));
    }

    @Test
    void stories260KFromBosGivesTheGolden200TokenStory() {
        LlamaCppReference ref = reference("stories260K-f32.bos.n200.kvf32.llamacpp.json");
        GenerationResult r = Greedy.run(model("stories260K-f32.gguf"), ref.promptTokens(), 200);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertThat(r.first().text()).startsWith("Once upon a time, there was a little girl named Lily.");
    }

    @Test
    void stories260KFullLogitVectorAfterBosIsWithin1e4() {
        float[] expected = LlamaCppReference.loadLogits(Fixtures.file("reference/stories260K-f32.bos.kvf32.logits.json"));
        float[] actual = Greedy.relative(Greedy.run(model("stories260K-f32.gguf"), new int[] {1}, 0).promptLogits());
        assertThat(actual).hasSize(512);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("logit_rel[%d]", i).isCloseTo(expected[i], within(1e-4f));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"f32", "f32-tied", "f16", "q8_0"})
    void stories260KOnceUponATimeGives64IdenticalGreedyTokens(String variant) {
        LlamaCppReference ref = reference("stories260K-" + variant + ".once.n64.kvf32.llamacpp.json");
        try (Model m = Model.load(model("stories260K-" + variant + ".gguf"))) {
            assertThat(m.tokenizer().encode("Once upon a time")).containsExactly(ref.promptTokens());
            assertThat(m.weights().tiedOutput()).isEqualTo(variant.equals("f32-tied"));
        }
        GenerationResult r = Greedy.run(model("stories260K-" + variant + ".gguf"), ref.promptTokens(), 64);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertTopLogits(r, ref, variant.startsWith("f32") ? 1e-4 : variant.equals("f16") ? F16_TOLERANCE : QUANTIZED_TOLERANCE);
    }

    /**
     * stories260K's Q4_0 file mixes both of ggml's Q4_0 arithmetics: its FFN gate and up have 172
     * rows, which ggml does not interleave (eight lanes, like Q8_0), the other matrices one
     * accumulator per row. Read from the mapping and from the backend's own copy, where the
     * matrices of whole groups of eight rows are interleaved as ggml repacks them: other kernels,
     * the same tokens.
     */
    @ParameterizedTest(name = "weights {0}")
    @EnumSource(value = WeightPlacement.class, names = {"MAP", "COPY"})
    void stories260KQ4_0Gives64IdenticalGreedyTokens(WeightPlacement placement) {
        LlamaCppReference ref = reference("stories260K-q4_0.once.n64.kvf32.llamacpp.json");
        GenerationResult r = Greedy.run(model("stories260K-q4_0.gguf"), ref.promptTokens(), 64,
                BackendOptions.defaults().withPlacement(placement));
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertTopLogits(r, ref, QUANTIZED_TOLERANCE);
    }

    static Stream<Arguments> demoModelReferences() {
        return Stream.of("f32", "f16", "q8_0").flatMap(type -> Stream.of("alceste", "cuisiner", "dash")
                .map(prompt -> Arguments.of(type, prompt)));
    }

    @ParameterizedTest(name = "replique-mini-fr {0} {1}")
    @MethodSource("demoModelReferences")
    void demoModelReproducesLlamaCppGreedyOutput(String type, String prompt) {
        // The F32 file (12.6 MB) stays out of the repository; the F16 one is a fixture.
        Path file = switch (type) {
            case "q8_0" -> EmbeddedModel.path();
            case "f16" -> model("replique-mini-fr-f16.gguf");
            default -> Fixtures.sharedFile("models/replique-mini-fr-" + type + ".gguf");
        };
        LlamaCppReference ref = reference("replique-mini-fr-" + type + "." + prompt + ".n64.kvf32.llamacpp.json");
        try (Model m = Model.load(file)) {
            assertThat(m.tokenizer().encode(ref.promptText())).containsExactly(ref.promptTokens());
        }
        GenerationResult r = Greedy.run(file, ref.promptTokens(), 64);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertTopLogits(r, ref, type.equals("f32") ? 1e-4 : type.equals("f16") ? F16_TOLERANCE : QUANTIZED_TOLERANCE);
    }

    @Test
    void embeddedDemoModelIsTheOneInSharedModels() throws IOException {
        assertThat(EmbeddedModel.path()).hasSameBinaryContentAs(Fixtures.sharedFile("models/replique-mini-fr-q8_0.gguf"));
    }

    /**
     * A Mistral-shaped model written by our own GGUF writer (GQA 4:1, head size 20, θ = 500000,
     * ε = 1e-6, 4 layers, FFN of 13 blocks), run through llama.cpp once to make the reference.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"F32", "Q8_0"})
    void syntheticMistralShapedModelMatchesLlamaCpp(String type, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("synthetic.gguf");
        SyntheticModel.write(file, SyntheticModel.Shape.tinyMistral(), TensorType.valueOf(type), 7);
        String expectedDigest = switch (type) {
            case "F32" -> "6098e4317ec6c2b0ca1368748ea7612ecf1a719176da21e1ca09205849ae2390";
            default -> "1347bec7388f718a274524616b1afc2e9396459db821db5e7203900b997f2de7";
        };
        assertThat(sha256(file)).as("the generator must write the file the reference was made from")
                .isEqualTo(expectedDigest);
        LlamaCppReference ref = reference("synthetic-mistral-" + type.toLowerCase() + ".alceste.n64.kvf32.llamacpp.json");
        try (Model m = Model.load(file)) {
            assertThat(m.config().ropeTheta()).isEqualTo(500000f);
            assertThat(m.config().groupSize()).isEqualTo(4);
            assertThat(m.tokenizer().encode(ref.promptText())).containsExactly(ref.promptTokens());
        }
        GenerationResult r = Greedy.run(file, ref.promptTokens(), 64);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertTopLogits(r, ref, type.equals("F32") ? 1e-4 : SYNTHETIC_QUANTIZED_TOLERANCE);
    }

    @ParameterizedTest(name = "weights {0}")
    @EnumSource(value = WeightPlacement.class, names = {"MAP", "COPY"})
    void syntheticQ4_0Gives64IdenticalGreedyTokens(WeightPlacement placement, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("synthetic-q4_0.gguf");
        SyntheticModel.write(file, SyntheticModel.Shape.tinyMistral(), TensorType.Q4_0, 7);
        assertThat(sha256(file)).as("the generator must write the file the reference was made from")
                .isEqualTo("1965ca5d7c0a39e94ca83e0a2a1a64f9d3aeb2f5c5e4ed223fa65a3107c196df");
        LlamaCppReference ref = reference("synthetic-mistral-q4_0.alceste.n64.kvf32.llamacpp.json");
        GenerationResult r = Greedy.run(file, ref.promptTokens(), 64, BackendOptions.defaults().withPlacement(placement));
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertTopLogits(r, ref, SYNTHETIC_QUANTIZED_TOLERANCE);
    }

    /**
     * K-quant files as llama-quantize mixes them (Q4_K_M and Q5_K_M: Q4_K or Q5_K with the output
     * and half of the layers' attn_v and ffn_down in Q6_K; Q6_K throughout; every matrix in Q4_K,
     * the output's 390 rows taking ggml's non-interleaved Q4_K kernel), written by our writer with
     * random valid blocks in a Mistral-like shape whose rows are multiples of 256 (dim 256, 8
     * layers, GQA 4:1, FFN 768, θ = 1e6); the token embeddings are K-quants too. The references were
     * made by llama.cpp's AVX2 build from these files. Each file runs under both placements: the
     * mapping (the file's layout) and the backend's own copy, which interleaves the Q4_K matrices of
     * whole groups of eight rows (where vectors hold eight floats) and keeps the rest as stored.
     */
    @ParameterizedTest(name = "{0}, weights {2}")
    @MethodSource("kQuantFiles")
    void kQuantMistralShapedFilesGive64IdenticalGreedyTokens(QuantMix mix, String digest, WeightPlacement placement,
                                                             @TempDir Path dir) throws Exception {
        Path file = dir.resolve("synthetic-" + mix + ".gguf");
        SyntheticModel.write(file, SyntheticModel.Shape.kQuantMistral(), mix, 7);
        assertThat(sha256(file)).as("the generator must write the file the reference was made from").isEqualTo(digest);
        LlamaCppReference ref = reference("synthetic-mistral-" + mix.name().toLowerCase() + ".alceste.n64.kvf32.llamacpp.json");
        try (Model m = Model.load(file)) {
            assertThat(m.config().groupSize()).isEqualTo(4);
            assertThat(m.tokenizer().encode(ref.promptText())).containsExactly(ref.promptTokens());
        }
        GenerationResult r = Greedy.run(file, ref.promptTokens(), 64, BackendOptions.defaults().withPlacement(placement));
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertTopLogits(r, ref, SYNTHETIC_QUANTIZED_TOLERANCE);
    }

    static Stream<Arguments> kQuantFiles() {
        Stream<Arguments> files = Stream.of(
                Arguments.of(QuantMix.Q4_K_M, "3df822f3d886b97609b2010bdcedb457cb1374fe4202591e0aa664c530d78c7b"),
                Arguments.of(QuantMix.Q5_K_M, "a834b0a2b3cbbe98a134f096d7e12725cdc33f104af24ef8e722bd5252f1ef0e"),
                Arguments.of(QuantMix.Q6_K, "a917bee988b434845f49902562143f94fa1b768eb88b5ed59112a607729bb3cf"),
                Arguments.of(QuantMix.PURE_Q4_K, "b0f06697988c0600013d77a286767a17851e981e04f2e52d400f894ff24a9c1d"));
        return files.flatMap(a -> Stream.of(WeightPlacement.MAP, WeightPlacement.COPY)
                .map(placement -> Arguments.of(a.get()[0], a.get()[1], placement)));
    }

    private static void assertTopLogits(GenerationResult r, LlamaCppReference ref, double tolerance) {
        float[] rel = Greedy.relative(r.promptLogits());
        for (LlamaCppReference.Top top : ref.nextTokenTop()) {
            assertThat((double) rel[top.id()]).as("logit_rel of token %d", top.id())
                    .isCloseTo(top.logitRel(), within(tolerance));
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}

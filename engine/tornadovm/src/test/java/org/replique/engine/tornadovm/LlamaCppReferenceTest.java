package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.model.EmbeddedModel;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.GgufWriter.TensorType;
import org.replique.fixtures.gguf.SyntheticModel;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * Greedy generation on the device reproduces llama.cpp's (node-llama-cpp 3.21.1, CPU, F32 KV cache;
 * see {@code test-fixtures/reference/README.md}), token for token, and its next-token logits: to
 * 1e-4 for F32 files; to {@link #QUANTIZED} for F16, Q8_0 and Q4_0 files, whose activations are
 * rounded or quantized before each product, as llama.cpp does, so that float noise moves the
 * odd value by a rounding step (see {@link CpuParityTest}).
 */
class LlamaCppReferenceTest {
    /** Top-10 logit tolerance of F16 and quantized files (the CPU backend's is 2e-3 on the same references). */
    private static final double QUANTIZED = 0.05;

    private static LlamaCppReference reference(String name) {
        return LlamaCppReference.load(Fixtures.file("reference/" + name));
    }

    @Test
    void stories260KF32Gives64IdenticalGreedyTokens() {
        LlamaCppReference ref = reference("stories260K-f32.once.n64.kvf32.llamacpp.json");
        GenerationResult r = Logits.greedy(Devices.open(Fixtures.file("models/stories260K-f32.gguf")).device(),
                ref.promptTokens(), 64);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertTopLogits(r, ref, 1e-4);
    }

    @Test
    void stories260KF32FromBosGivesTheGolden200TokenStory() {
        LlamaCppReference ref = reference("stories260K-f32.bos.n200.kvf32.llamacpp.json");
        GenerationResult r = Logits.greedy(Devices.open(Fixtures.file("models/stories260K-f32.gguf")).device(),
                ref.promptTokens(), 200);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertThat(r.first().text()).contains("Once upon a time, there was a little girl named Lily.");
    }

    @Test
    void stories260KF32FullLogitVectorAfterBosIsWithin1e4() {
        float[] expected = LlamaCppReference.loadLogits(Fixtures.file("reference/stories260K-f32.bos.kvf32.logits.json"));
        float[] actual = Logits.relative(Logits.greedy(
                Devices.open(Fixtures.file("models/stories260K-f32.gguf")).device(), new int[] {1}, 0).promptLogits());
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("logit_rel[%d]", i).isCloseTo(expected[i], within(1e-4f));
        }
    }

    @ParameterizedTest(name = "stories260K {0}")
    @ValueSource(strings = {"f32-tied", "f16", "q8_0"})
    void stories260KOtherEncodingsGive64IdenticalGreedyTokens(String type) {
        LlamaCppReference ref = reference("stories260K-" + type + ".once.n64.kvf32.llamacpp.json");
        GenerationResult r = Logits.greedy(Devices.open(Fixtures.file("models/stories260K-" + type + ".gguf")).device(),
                ref.promptTokens(), 64);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertTopLogits(r, ref, type.equals("f32-tied") ? 1e-4 : QUANTIZED);
    }

    @Test
    void stories260KQ4_0AgreesOnTheTopTokenAndTheTop10Logits() {
        LlamaCppReference ref = reference("stories260K-q4_0.once.n64.kvf32.llamacpp.json");
        GenerationResult r = Logits.greedy(Devices.open(Fixtures.file("models/stories260K-q4_0.gguf")).device(),
                ref.promptTokens(), 1);
        assertThat(r.first().tokens()[0]).isEqualTo(ref.nextTokenTop().getFirst().id());
        assertTopLogits(r, ref, 0.3);
    }

    @ParameterizedTest(name = "replique-mini-fr q8_0 {0}")
    @ValueSource(strings = {"alceste", "cuisiner", "dash"})
    void demoModelReproducesLlamaCppGreedyOutput(String prompt) {
        LlamaCppReference ref = reference("replique-mini-fr-q8_0." + prompt + ".n64.kvf32.llamacpp.json");
        GenerationResult r = Logits.greedy(Devices.open(EmbeddedModel.path()).device(), ref.promptTokens(), 64);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertTopLogits(r, ref, QUANTIZED);
    }

    /** θ = 500000 comes from the file: a RoPE base baked into a kernel would fail here. */
    @ParameterizedTest(name = "synthetic Mistral-shaped {0}")
    @ValueSource(strings = {"F32", "Q8_0"})
    void syntheticMistralShapedModelMatchesLlamaCpp(String type, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("synthetic.gguf");
        SyntheticModel.write(file, SyntheticModel.Shape.tinyMistral(), TensorType.valueOf(type), 7);
        LlamaCppReference ref = reference("synthetic-mistral-" + type.toLowerCase() + ".alceste.n64.kvf32.llamacpp.json");
        Devices.Opened o = Devices.open(file);
        assumeThat(o.model().config().ropeTheta()).isEqualTo(500000f);
        GenerationResult r = Logits.greedy(o.device(), ref.promptTokens(), 64);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        assertTopLogits(r, ref, type.equals("F32") ? 1e-4 : QUANTIZED);
    }

    private static void assertTopLogits(GenerationResult r, LlamaCppReference ref, double tolerance) {
        float[] rel = Logits.relative(r.promptLogits());
        for (LlamaCppReference.Top top : ref.nextTokenTop()) {
            assertThat((double) rel[top.id()]).as("logit_rel of token %d", top.id())
                    .isCloseTo(top.logitRel(), within(tolerance));
        }
    }
}

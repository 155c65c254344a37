package org.replique.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.backend.KvType;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.kernel.ScalarKernels;
import org.replique.engine.kernel.VectorKernels;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * The F16 attention cache rounds like llama.cpp's default cache (queries and softmax weights to
 * F16): greedy output equals llama.cpp's run with {@code --kv-type f16}, and it takes half the
 * memory of the F32 cache.
 */
class F16CacheTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"f32", "f16", "q8_0", "q4_0"})
    void stories260KMatchesLlamaCppWithAnF16Cache(String variant) {
        LlamaCppReference ref = LlamaCppReference.load(
                Fixtures.file("reference/stories260K-" + variant + ".once.n64.kvf16.llamacpp.json"));
        GenerationResult r = Greedy.run(Fixtures.file("models/stories260K-" + variant + ".gguf"), ref.promptTokens(), 64,
                BackendOptions.defaults().withKvType(KvType.F16));
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"alceste", "cuisiner", "dash"})
    void demoModelMatchesLlamaCppWithAnF16Cache(String prompt) {
        LlamaCppReference ref = LlamaCppReference.load(
                Fixtures.file("reference/replique-mini-fr-q8_0." + prompt + ".n64.kvf16.llamacpp.json"));
        GenerationResult r = Greedy.run(EmbeddedModel.path(), ref.promptTokens(), 64,
                BackendOptions.defaults().withKvType(KvType.F16));
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
    }

    @Test
    void vectorAndScalarKernelsAgreeOverAnF16Cache() {
        Path file = Fixtures.file("models/stories260K-f32.gguf");
        int[] prompt = {1, 403, 407, 261, 378, 432, 383};
        try (Model model = Model.load(file);
             CpuBackend scalar = new CpuBackend(model, new ScalarKernels(), 1, KvType.F16, "scalar");
             CpuBackend vector = new CpuBackend(model, new VectorKernels(), 2, KvType.F16, "vector");
             InferenceState a = scalar.newState(32);
             InferenceState b = vector.newState(32)) {
            float[] expected = scalar.forward(a, prompt, 0, prompt.length, Cancellation.NONE);
            float[] actual = vector.forward(b, prompt, 0, prompt.length, Cancellation.NONE);
            for (int i = 0; i < expected.length; i++) assertThat(actual[i]).isCloseTo(expected[i], within(1e-3f));
        }
    }

    @Test
    void takesHalfTheMemoryOfAnF32Cache() {
        try (Model model = Model.load(Fixtures.file("models/stories260K-f32.gguf"));
             CpuBackend f32 = new CpuBackend(model, new VectorKernels(), 1, KvType.F32, "f32");
             CpuBackend f16 = new CpuBackend(model, new VectorKernels(), 1, KvType.F16, "f16");
             InferenceState big = f32.newState(512);
             InferenceState small = f16.newState(512)) {
            long cacheF32 = 2L * model.config().layers() * 512 * model.config().kvDim() * 4;
            long scratch = big.memoryBytes() - cacheF32;
            assertThat(small.memoryBytes() - scratch).isEqualTo(cacheF32 / 2);
        }
    }
}

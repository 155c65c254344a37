package org.replique.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.backend.KvType;
import org.replique.engine.backend.WeightPlacement;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.kernel.ScalarKernels;
import org.replique.engine.kernel.VectorKernels;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;

/**
 * Splitting the work over threads changes nothing: every output row is computed by one thread
 * with the same arithmetic, so logits are bit-identical for any thread count, for a prompt
 * (batched) and the decode steps after it, whether the weights are read from the mapping or from
 * the backend's copy. The reference kernels copy the weights as they are, so the copy changes
 * nothing for them either.
 */
class ParallelForwardTest {
    private static final int[] PROMPT = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298};

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stories260K-f32.gguf", "stories260K-f16.gguf", "stories260K-q8_0.gguf", "stories260K-q4_0.gguf"})
    void logitsDoNotDependOnTheThreadCount(String file) {
        Path path = Fixtures.file("models/" + file);
        try (Model model = Model.load(path)) {
            for (Kernels kernels : new Kernels[] {new VectorKernels(), new ScalarKernels()}) {
                for (WeightPlacement placement : new WeightPlacement[] {WeightPlacement.MAP, WeightPlacement.COPY}) {
                    float[][] one = run(model, kernels, 1, placement, PROMPT);
                    float[][] three = run(model, kernels, 3, placement, PROMPT);
                    for (int step = 0; step < one.length; step++) {
                        assertThat(three[step]).as("%s, %s, step %d", kernels.name(), placement, step)
                                .containsExactly(one[step]);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stories260K-f32.gguf", "stories260K-f16.gguf", "stories260K-q8_0.gguf", "stories260K-q4_0.gguf"})
    void theReferenceKernelsComputeTheSameFromACopy(String file) {
        try (Model model = Model.load(Fixtures.file("models/" + file))) {
            float[][] mapped = run(model, new ScalarKernels(), 2, WeightPlacement.MAP, PROMPT);
            float[][] copied = run(model, new ScalarKernels(), 2, WeightPlacement.COPY, PROMPT);
            for (int step = 0; step < mapped.length; step++) {
                assertThat(copied[step]).as("step %d", step).containsExactly(mapped[step]);
            }
        }
    }

    /** The logits after the prompt and after each of three more tokens fed one at a time. */
    private static float[][] run(Model model, Kernels kernels, int threads, WeightPlacement placement, int[] prompt) {
        try (CpuBackend backend = new CpuBackend(model, kernels, threads, KvType.F32, placement, "test");
             InferenceState state = backend.newState(64)) {
            float[][] logits = new float[4][];
            logits[0] = backend.forward(state, prompt, 0, prompt.length, Cancellation.NONE);
            int[] next = {prompt[prompt.length - 1]};
            for (int i = 1; i < 4; i++) logits[i] = backend.forward(state, next, 0, 1, Cancellation.NONE);
            return logits;
        }
    }
}

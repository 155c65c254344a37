package org.replique.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.backend.KvType;
import org.replique.engine.backend.WeightPlacement;
import org.replique.engine.kernel.VectorKernels;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;

/** The profile records prompt chunks and decoded tokens apart, step by step, and only while enabled. */
class ForwardProfileTest {
    private static final int[] PROMPT = {1, 403, 407, 261, 378, 432};

    @Test
    void recordsPromptsAndDecodingStepByStepWithTheThreads() {
        try (Model model = Model.load(Fixtures.file("models/stories260K-q8_0.gguf"));
             CpuBackend backend = new CpuBackend(model, new VectorKernels(), 2, KvType.F32, WeightPlacement.MAP, "t");
             InferenceState state = backend.newState(32)) {
            assertThat(backend.profile().report()).as("nothing before it is enabled").isEmpty();
            backend.forward(state, PROMPT, 0, PROMPT.length, Cancellation.NONE);
            assertThat(backend.profile().report()).as("disabled by default").isEmpty();

            backend.profile().enable(true);
            backend.forward(state, new int[] {1, 2, 3}, 0, 3, Cancellation.NONE);
            for (int i = 0; i < 4; i++) backend.forward(state, new int[] {5}, 0, 1, Cancellation.NONE);
            List<String> report = backend.profile().report();

            assertThat(report.getFirst()).startsWith("prompt: 1 calls, 3 tokens");
            assertThat(report).anySatisfy(l -> assertThat(l).startsWith("decode: 4 calls, 4 tokens"));
            assertThat(report).anySatisfy(l -> assertThat(l).contains("Q/K/V matmul").contains("GB/s"));
            assertThat(report).anySatisfy(l -> assertThat(l).contains("logits matmul"));
            assertThat(report).anySatisfy(l -> assertThat(l).contains("attention"));
            assertThat(report.getLast()).startsWith("threads").contains("caller busy").contains("worker 1 busy");

            backend.profile().reset();
            assertThat(backend.profile().report()).isEmpty();
        }
    }
}

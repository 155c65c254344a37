package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.model.ModelConfig;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.GgufWriter.TensorType;
import org.replique.fixtures.gguf.SyntheticModel;

/**
 * Sliding-window attention (Mistral's): each token sees the last W positions only. The device
 * agrees with the CPU backend given the same window, and a long sequence holds about W positions
 * of cache, not all it has seen.
 */
class SlidingWindowTest {
    private static final int WINDOW = 20;

    @Test
    void windowedAttentionMatchesTheCpuOnAMistralShapedModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("synthetic-window.gguf");
        SyntheticModel.write(file, SyntheticModel.Shape.tinyMistral(), TensorType.F32, 7);
        Devices.Opened o = Devices.open(file, WINDOW);
        assertThat(o.model().config().slidingWindow()).isEqualTo(WINDOW);
        CpuParityTest.compare(o, Logits.walk(140, o.model().config().vocabSize()), 100, CpuParityTest.tolerance("f32"),
                "window " + WINDOW);
    }

    @Test
    void theWindowChangesTheResultAndBoundsTheCache() {
        Devices.Opened windowed = Devices.open(Fixtures.file("models/stories260K-f32.gguf"), WINDOW);
        Devices.Opened full = Devices.open(Fixtures.file("models/stories260K-f32.gguf"));
        int[] tokens = Logits.walk(300, 512);
        ModelConfig c = windowed.model().config();
        long perPosition = 2L * c.layers() * c.kvDim() * Float.BYTES;
        try (InferenceState w = windowed.device().newState(512); InferenceState f = full.device().newState(512);
             InferenceState cpu = windowed.cpu().newState(512)) {
            float[] lw = windowed.device().forward(w, tokens, 0, tokens.length, Cancellation.NONE);
            float[] lf = full.device().forward(f, tokens, 0, tokens.length, Cancellation.NONE);
            Logits.assertClose(lw, windowed.cpu().forward(cpu, tokens, 0, tokens.length, Cancellation.NONE),
                    CpuParityTest.tolerance("f32"), "300 tokens, window " + WINDOW);
            assertThat(Logits.maxDifference(lw, lf)).as("the window matters after 300 tokens").isGreaterThan(1e-2);

            // Held: the window, a chunk of margin and partial pages at both ends; not 300 positions.
            int pages = DeviceKernels.PAGE;
            assertThat(w.memoryBytes()).isLessThanOrEqualTo((WINDOW + DeviceKernels.CHUNK + 2L * pages) * perPosition);
            assertThat(f.memoryBytes()).isGreaterThanOrEqualTo(300L * perPosition);

            // A short step back stays warm; a long one needs positions given back, so it starts over, as on the CPU.
            assertThat(w.truncate(295)).isEqualTo(295);
            assertThat(cpu.truncate(295)).isEqualTo(295);
            assertThat(w.truncate(100)).isZero();
            assertThat(cpu.truncate(100)).isZero();
        }
    }
}

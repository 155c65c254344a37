package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.backend.Profiling;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.GgufWriter.TensorType;
import org.replique.fixtures.gguf.SyntheticModel;

/**
 * How the plan cuts the layers into task graphs changes nothing in the result, bit for bit; the
 * largest graphs it makes (8 layers, as a 32-layer model gets) fit TornadoVM's bounds; and its
 * profile accounts for every kernel of every layer of the passes it recorded.
 */
class PlanShapeTest {

    /**
     * 32 layers of Q8_0 weights with a head size that is not whole Q8_0 blocks (10 kernels per
     * layer, the most any model gets): four graphs of 8 layers, whose tasks and bytecode fit
     * TornadoVM's buffers; the logits agree with the CPU's.
     */
    @Test
    void aThirtyTwoLayerModelRunsAsFourGraphsOfEightLayers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("deep.gguf");
        SyntheticModel.write(file, new SyntheticModel.Shape(64, 32, 4, 2, 96, 384, 128, 10000f, 1e-5f),
                TensorType.Q8_0, 3);
        assertThat(ForwardPlan.layersPerGraph(32)).isEqualTo(8);
        Devices.Opened o = Devices.open(file);
        assertThat(o.device().description()).contains("5 task graphs per pass");
        CpuParityTest.compare(o, Logits.walk(40, o.model().config().vocabSize()), 36, CpuParityTest.tolerance("q8_0"),
                "32 layers");
    }

    @Test
    void layersSplitOverSeveralGraphsGiveTheSameLogits() {
        Devices.Opened whole = Devices.open(Fixtures.file("models/stories260K-q8_0.gguf"));
        assertThat(ForwardPlan.layersPerGraph(whole.model().config().layers()))
                .as("stories260K's 5 layers fit one graph").isEqualTo(5);
        System.setProperty(ForwardPlan.LAYERS_PER_GRAPH_PROPERTY, "2");
        try (Backend split = Backends.create("tornadovm", whole.model(), BackendOptions.defaults())) {
            System.clearProperty(ForwardPlan.LAYERS_PER_GRAPH_PROPERTY);
            int[] tokens = Logits.walk(44, whole.model().config().vocabSize());
            try (InferenceState a = whole.device().newState(64); InferenceState b = split.newState(64)) {
                assertThat(split.forward(b, tokens, 0, 40, Cancellation.NONE))
                        .containsExactly(whole.device().forward(a, tokens, 0, 40, Cancellation.NONE));
                for (int i = 40; i < tokens.length; i++) {
                    assertThat(split.forward(b, tokens, i, 1, Cancellation.NONE))
                            .as("decoded token %d", i)
                            .containsExactly(whole.device().forward(a, tokens, i, 1, Cancellation.NONE));
                }
            }
        } finally {
            System.clearProperty(ForwardPlan.LAYERS_PER_GRAPH_PROPERTY);
        }
    }

    @Test
    void theProfileCountsEveryKernelOfEveryLayer() {
        Devices.Opened o = Devices.open(Fixtures.file("models/stories260K-q8_0.gguf"));
        Profiling device = (Profiling) o.device();
        int layers = o.model().config().layers();
        int decoded = 3;
        Profiling.Profile profile;
        try (InferenceState s = o.device().newState(64)) {
            int[] tokens = Logits.walk(10 + decoded, o.model().config().vocabSize());
            o.device().forward(s, tokens, 0, 10, Cancellation.NONE);
            device.startProfiling();
            for (int i = 10; i < tokens.length; i++) o.device().forward(s, tokens, i, 1, Cancellation.NONE);
            profile = device.stopProfiling();
        }
        Map<String, Profiling.Step> kernels = profile.kernels().stream()
                .collect(Collectors.toMap(Profiling.Step::name, Function.identity()));
        // Q8_0 weights with 8-wide heads: attention's output is converted by its own kernel.
        for (String k : List.of("attnNorm", "qkv", "rope", "attention", "woInput", "wo", "ffnNorm", "gateUp",
                "downInput", "down")) {
            assertThat(kernels).as("kernels profiled").containsKey(k);
            assertThat(kernels.get(k).count()).as("%s runs once per layer and token", k).isEqualTo((long) layers * decoded);
            assertThat(kernels.get(k).nanos()).as("%s device time", k).isPositive();
        }
        assertThat(kernels.get("output").count()).isEqualTo(decoded);
        assertThat(kernels.get("norm").count()).isEqualTo(decoded);
        assertThat(kernels).hasSize(12);
        Map<String, Profiling.Step> totals = profile.totals().stream()
                .collect(Collectors.toMap(Profiling.Step::name, Function.identity()));
        assertThat(totals.get("TOTAL_TASK_GRAPH_TIME").count()).as("one layer graph and the logits per token")
                .isEqualTo(2L * decoded);
        assertThat(totals.get("TOTAL_TASK_GRAPH_TIME").nanos()).isGreaterThan(kernels.get("qkv").nanos());
    }
}

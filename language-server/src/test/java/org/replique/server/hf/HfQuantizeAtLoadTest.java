package org.replique.server.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.gguf.GgufFile;
import org.replique.engine.gguf.GgufTensorInfo;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.LayerWeights;
import org.replique.engine.model.LoadOptions;
import org.replique.engine.model.Model;
import org.replique.engine.model.WeightsFormat;
import org.replique.engine.tensor.WeightMatrix;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * A Hugging Face folder quantized at load ({@code --weights}) holds the bytes llama-quantize writes
 * for the same weights (GGUFs quantized independently, with ggml's reference quantizers), and the
 * demo model's folder in Q8_0 gives llama.cpp's tokens on the Q8_0 GGUF.
 */
class HfQuantizeAtLoadTest {

    /** Matrices the reference holds in {@code type}, compared byte for byte; returns how many. */
    private static int assertSameBytes(Model quantized, Path reference, GgmlType type) {
        List<WeightMatrix> all = new ArrayList<>();
        all.add(quantized.weights().tokenEmbedding());
        for (LayerWeights l : quantized.weights().layers()) {
            all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()));
        }
        if (!quantized.weights().tiedOutput()) all.add(quantized.weights().output());
        int compared = 0;
        try (GgufFile ref = GgufFile.open(reference)) {
            for (WeightMatrix m : all) {
                GgufTensorInfo t = ref.tensor(m.name());
                if (t.type() != type || m.type() != type) continue;
                assertThat(m.order().isIdentity()).isTrue();
                assertThat(m.data().toArray(ValueLayout.JAVA_BYTE)).as("%s", m.name())
                        .containsExactly(t.data().toArray(ValueLayout.JAVA_BYTE));
                compared++;
            }
        }
        return compared;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"q8_0", "q4_0"})
    void aFolderQuantizedAtLoadHoldsLlamaQuantizesBytes(String type) {
        WeightsFormat format = WeightsFormat.parse(type);
        try (Model m = Model.load(HfFixtures.stories("F32", 1, true, false), LoadOptions.DEFAULT.withWeights(format))) {
            // Q, K, V, output projection, gate, up in 5 layers (ffn_down's 172 columns are not whole
            // blocks), the embedding, and for Q8_0 the output (Q4_0 keeps it in Q8_0, the reference does not).
            assertThat(assertSameBytes(m, Fixtures.file("models/stories260K-" + type + ".gguf"), format.type()))
                    .isEqualTo(5 * 6 + (type.equals("q8_0") ? 2 : 1));
            assertThat(m.weights().output().type()).isEqualTo(GgmlType.Q8_0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"alceste", "cuisiner", "dash"})
    void demoFolderQuantizedToQ8_0GivesLlamaCppsTokensOnTheQ8_0Gguf(String prompt) {
        Optional<Path> folder = HfFixtures.demo("F32", 1, true, false);
        assumeTrue(folder.isPresent(), HfFixtures.NO_DEMO);
        LoadOptions q8 = LoadOptions.DEFAULT.withWeights(WeightsFormat.Q8_0);
        try (Model m = Model.load(folder.get(), q8)) {
            assertThat(assertSameBytes(m, EmbeddedModel.path(), GgmlType.Q8_0)).isEqualTo(6 * 7 + 2);
        }
        LlamaCppReference ref = LlamaCppReference.load(Fixtures.file("reference/replique-mini-fr-q8_0." + prompt
                + ".n64.kvf32.llamacpp.json"));
        GenerationResult r = HfFixtures.greedy(folder.get(), q8, ref.promptTokens(), 64, 2);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
    }
}

package org.replique.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.Generator;
import org.replique.engine.generate.TokenHistory;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.gguf.GgufFile;
import org.replique.engine.gguf.GgufTensorInfo;
import org.replique.engine.sampling.SamplingParams;
import org.replique.engine.tensor.WeightMatrix;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.hf.HfFolderExporter;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * {@code --weights q8_0|q4_0} quantizes float weights at load into the bytes llama-quantize
 * writes (the GGUFs compared here were quantized with ggml's reference quantizers, independently),
 * from a GGUF or from a Hugging Face folder whose Q and K rows are in rotate-half order.
 */
class QuantizeAtLoadTest {

    /** Every matrix of the model under its GGUF name. */
    private static List<WeightMatrix> matrices(ModelWeights w) {
        List<WeightMatrix> all = new ArrayList<>();
        all.add(w.tokenEmbedding());
        for (LayerWeights l : w.layers()) {
            all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()));
        }
        if (!w.tiedOutput()) all.add(w.output());
        return all;
    }

    /** Matrices the reference GGUF holds in {@code type} are byte-identical; returns how many were compared. */
    private static int assertSameBytes(Model quantized, Path reference, GgmlType type) {
        int compared = 0;
        try (GgufFile ref = GgufFile.open(reference)) {
            for (WeightMatrix m : matrices(quantized.weights())) {
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

    private static Path storiesFolder(Path dir, String dtype) throws Exception {
        Path out = dir.resolve("stories260K-" + dtype);
        if (!Files.exists(out)) {
            HfFolderExporter.export(Fixtures.file("models/stories260K-f32.gguf"), out,
                    new HfFolderExporter.Options(dtype, 1, Fixtures.file("models/stories260K.tokenizer.model"), false));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"q8_0", "q4_0"})
    void aFolderQuantizedAtLoadHoldsLlamaQuantizesBytes(String type, @TempDir Path dir) throws Exception {
        WeightsFormat format = WeightsFormat.parse(type);
        try (Model m = Model.load(storiesFolder(dir, "F32"), LoadOptions.DEFAULT.withWeights(format))) {
            int compared = assertSameBytes(m, Fixtures.file("models/stories260K-" + type + ".gguf"), format.type());
            // Q, K, V, output projection, gate, up in 5 layers (the reference keeps ffn_down in F16:
            // its 172 columns are not whole blocks) and the embedding.
            assertThat(compared).isGreaterThanOrEqualTo(5 * 6 + 1);
            assertThat(m.weightsFormat()).isEqualTo(format);
            WeightMatrix down = m.weights().layers().getFirst().wDown();
            assertThat(down.type()).as("rows of 172 are not whole blocks: kept as stored").isEqualTo(GgmlType.F32);
            assertThat(m.weights().output().type()).as("the output projection keeps 8 bits").isEqualTo(GgmlType.Q8_0);
        }
    }

    @Test
    void aGgufQuantizedAtLoadHoldsTheSameBytes() {
        try (Model m = Model.load(Fixtures.file("models/stories260K-f32.gguf"),
                LoadOptions.DEFAULT.withWeights(WeightsFormat.Q8_0))) {
            assertThat(assertSameBytes(m, Fixtures.file("models/stories260K-q8_0.gguf"), GgmlType.Q8_0)).isEqualTo(5 * 6 + 2);
        }
    }

    @Test
    void progressCountsEveryMatrixOnce(@TempDir Path dir) throws Exception {
        List<long[]> updates = new ArrayList<>();
        try (Model m = Model.load(storiesFolder(dir, "BF16"),
                new LoadOptions(-1, WeightsFormat.Q8_0, (done, total) -> updates.add(new long[] {done, total})))) {
            long total = 0;
            for (WeightMatrix w : matrices(m.weights())) total += (long) w.rows() * w.cols() * 2; // BF16 bytes
            assertThat(updates.getFirst()).containsExactly(0, total);
            assertThat(updates.getLast()).containsExactly(total, total);
            for (int i = 1; i < updates.size(); i++) {
                assertThat(updates.get(i)[0]).isGreaterThanOrEqualTo(updates.get(i - 1)[0]);
            }
        }
    }

    /** The demo model's F32 folder quantized at load runs exactly as llama.cpp on its Q8_0 GGUF. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"alceste", "cuisiner", "dash"})
    void demoFolderQuantizedToQ8_0GivesLlamaCppsTokensOnTheQ8_0Gguf(String prompt, @TempDir Path dir) throws Exception {
        Optional<Path> f32 = Fixtures.shared().map(s -> s.resolve("models/replique-mini-fr-f32.gguf"))
                .filter(Files::isRegularFile);
        assumeTrue(f32.isPresent(), "replique-mini-fr-f32.gguf is only in ../shared/models: SKIPPED");
        Path folder = dir.resolve("replique-mini-fr");
        HfFolderExporter.export(f32.get(), folder,
                new HfFolderExporter.Options("F32", 1, Fixtures.file("models/replique-mini-fr.tokenizer.model"), false));
        LlamaCppReference ref = LlamaCppReference.load(Fixtures.file("reference/replique-mini-fr-q8_0." + prompt
                + ".n64.kvf32.llamacpp.json"));
        try (Model m = Model.load(folder, LoadOptions.DEFAULT.withWeights(WeightsFormat.Q8_0));
             Backend backend = Backends.create("cpu", m, new BackendOptions(2, "auto"));
             InferenceState state = backend.newState(m.config().contextLength())) {
            assertThat(assertSameBytes(m, EmbeddedModel.path(), GgmlType.Q8_0)).isEqualTo(6 * 7 + 2);
            var result = new Generator(backend).generate(state, new TokenHistory(), ref.promptTokens(),
                    GenerationRequest.of(SamplingParams.greedyDecoding(), 64).withStopAtEos(false), TokenListener.NONE,
                    Cancellation.NONE);
            assertThat(result.first().tokens()).containsExactly(ref.generatedTokens());
        }
    }

    @Test
    void weightsFormatNames() {
        assertThat(WeightsFormat.parse(null)).isEqualTo(WeightsFormat.AS_STORED);
        assertThat(WeightsFormat.parse("Q4_0")).isEqualTo(WeightsFormat.Q4_0);
        assertThat(WeightsFormat.Q8_0.wireName()).isEqualTo("q8_0");
        assertThatThrownBy(() -> WeightsFormat.parse("q4_k"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q8_0 or q4_0");
    }
}

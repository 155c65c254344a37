package org.replique.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.gguf.GgufFile;
import org.replique.engine.gguf.GgufTensorInfo;
import org.replique.engine.tensor.WeightMatrix;
import org.replique.fixtures.Fixtures;

/**
 * {@code --weights q8_0|q4_0} quantizes float weights at load into the bytes llama-quantize
 * writes (the GGUFs compared here were quantized with ggml's reference quantizers, independently).
 * Hugging Face folders (rows in rotate-half order) are tested with the application, which reads them.
 */
class QuantizeAtLoadTest {

    /** Every matrix of the model under its GGUF name. */
    static List<WeightMatrix> matrices(ModelWeights w) {
        List<WeightMatrix> all = new ArrayList<>();
        all.add(w.tokenEmbedding());
        for (LayerWeights l : w.layers()) {
            all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()));
        }
        if (!w.tiedOutput()) all.add(w.output());
        return all;
    }

    /** Matrices the reference GGUF holds in {@code type} are byte-identical; returns how many were compared. */
    static int assertSameBytes(Model quantized, java.nio.file.Path reference, GgmlType type) {
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"q8_0", "q4_0"})
    void aGgufQuantizedAtLoadHoldsLlamaQuantizesBytes(String type) {
        WeightsFormat format = WeightsFormat.parse(type);
        try (Model m = Model.load(Fixtures.file("models/stories260K-f32.gguf"), LoadOptions.DEFAULT.withWeights(format))) {
            // Q, K, V, output projection, gate, up in 5 layers (the reference keeps ffn_down in F16:
            // its 172 columns are not whole blocks), the embedding, and for Q8_0 the output.
            assertThat(assertSameBytes(m, Fixtures.file("models/stories260K-" + type + ".gguf"), format.type()))
                    .isEqualTo(5 * 6 + (type.equals("q8_0") ? 2 : 1));
            assertThat(m.weightsFormat()).isEqualTo(format);
            assertThat(m.weights().layers().getFirst().wDown().type()).as("rows of 172 are not whole blocks")
                    .isEqualTo(GgmlType.F32);
            assertThat(m.weights().output().type()).as("the output projection keeps 8 bits").isEqualTo(GgmlType.Q8_0);
        }
    }

    @Test
    void progressCountsEveryMatrixOnce() {
        List<long[]> updates = new ArrayList<>();
        try (Model m = Model.load(Fixtures.file("models/stories260K-f16.gguf"),
                new LoadOptions(-1, WeightsFormat.Q8_0, (done, total) -> updates.add(new long[] {done, total})))) {
            long total = 0;
            for (WeightMatrix w : matrices(m.weights())) total += (long) w.rows() * w.cols() * 2; // F16 bytes
            assertThat(updates.getFirst()).containsExactly(0, total);
            assertThat(updates.getLast()).containsExactly(total, total);
            for (int i = 1; i < updates.size(); i++) {
                assertThat(updates.get(i)[0]).isGreaterThanOrEqualTo(updates.get(i - 1)[0]);
            }
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

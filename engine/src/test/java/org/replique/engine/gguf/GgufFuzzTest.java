package org.replique.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.file.ModelFileException;
import org.replique.engine.model.Model;
import org.replique.engine.model.ModelConfig;
import org.replique.fixtures.fuzz.FuzzSeeds;
import org.replique.fixtures.gguf.GgufWriter.TensorType;

/**
 * Any bytes given as a GGUF file: the reader answers with a {@link GgufException} or a file whose
 * every tensor lies inside it; a file that loads as a model has a usable configuration, a
 * tokenizer whose ids the embedding has rows for, and runs a forward pass. Never another exception.
 */
class GgufFuzzTest {
    private static final Path FILE = FuzzSeeds.scratchFile("fuzz.gguf");

    static Stream<Arguments> seeds() {
        return Stream.of(
                Arguments.of((Object) FuzzSeeds.tinyGguf(TensorType.F32, 8)),
                Arguments.of((Object) FuzzSeeds.tinyGguf(TensorType.Q8_0, 32)),
                Arguments.of((Object) FuzzSeeds.tinyGguf(TensorType.Q4_0, 32)),
                Arguments.of((Object) FuzzSeeds.tinyGguf(TensorType.F16, 8)),
                Arguments.of((Object) FuzzSeeds.head("models/stories260K-q4_0.gguf", 4096)),
                Arguments.of((Object) FuzzSeeds.head("models/replique-mini-fr-f16.gguf", 4096)));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void anyBytesAreAGgufErrorOrAUsableModel(byte[] bytes) {
        FuzzSeeds.write(FILE, bytes);
        try (GgufFile file = GgufFile.open(FILE)) {
            assertThat(file.version()).isIn(2, 3);
            for (GgufTensorInfo t : file.tensors().values()) {
                assertThat(java.util.Arrays.stream(t.shape()).allMatch(d -> d > 0)).as("positive dimensions").isTrue();
                assertThat(t.shape()[0] % t.type().blockSize()).isZero();
                assertThat(t.data().byteSize()).isEqualTo(t.byteSize());
                assertThat(file.dataStart() + t.offset() + t.byteSize()).isLessThanOrEqualTo(file.fileSize());
            }
        } catch (GgufException e) {
            assertThat(e.kind()).isNotNull();
            return;
        }
        Model model;
        try {
            model = Model.load(FILE);
        } catch (ModelFileException e) {
            return;
        }
        try (model) {
            ModelConfig c = model.config();
            assertThat(c.dim()).isPositive();
            assertThat(c.layers()).isPositive();
            assertThat(c.headDim()).isPositive();
            assertThat(c.heads() % c.kvHeads()).isZero();
            assertThat(c.contextLength()).as("context length").isPositive();
            assertThat(c.vocabSize()).isPositive();
            int[] ids = model.tokenizer().encode("- Je la vois. Ça ?\nÀ", true, false);
            assertThat(java.util.Arrays.stream(ids).allMatch(id -> id >= 0 && id < c.vocabSize()))
                    .as("ids %s inside a vocabulary of %d", java.util.Arrays.toString(ids), c.vocabSize()).isTrue();
            try (Backend backend = Backends.create("cpu", model, new BackendOptions(1, "auto"));
                 InferenceState state = backend.newState(Math.min(c.contextLength(), 8))) {
                int n = Math.min(ids.length, state.capacity());
                if (n == 0) return;
                float[] logits = backend.forward(state, ids, 0, n, Cancellation.NONE);
                assertThat(logits).hasSize(c.vocabSize());
            }
        }
    }
}

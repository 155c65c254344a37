package org.replique.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.generate.Generator;
import org.replique.engine.generate.TokenHistory;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.sampling.SamplingParams;
import org.replique.fixtures.Fixtures;

/**
 * Q and K rows stored in Hugging Face's rotate-half order and declared so are multiplied where
 * they lie and their results put back in the engine's order: the logits are those of the GGUF to
 * the bit, on one thread and on several, for a prompt (tiled products) and for decoding. Declared
 * in the wrong order, the same rows give other tokens.
 */
class RotateHalfViewTest {
    private static final Path STORIES = Fixtures.file("models/stories260K-f32.gguf");
    private static final int[] PROMPT = {1, 403, 407, 261, 378};

    private static GenerationResult greedy(ModelFile file, LoadOptions options, int threads) {
        try (Model m = Model.load(file, options);
             Backend backend = Backends.create("cpu", m, new BackendOptions(threads, "auto"));
             InferenceState state = backend.newState(m.config().contextLength())) {
            return new Generator(backend).generate(state, new TokenHistory(), PROMPT,
                    GenerationRequest.of(SamplingParams.greedyDecoding(), 32).withStopAtEos(false), TokenListener.NONE,
                    Cancellation.NONE);
        }
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void rotateHalfViewsGiveTheGgufsLogitsToTheBit(int threads) {
        GenerationResult gguf = greedy(ModelFile.open(STORIES), LoadOptions.DEFAULT, threads);
        GenerationResult views = greedy(new RotatedQk(STORIES, true), LoadOptions.DEFAULT, threads);
        assertThat(views.promptLogits()).containsExactly(gguf.promptLogits());
        assertThat(views.first().tokens()).containsExactly(gguf.first().tokens());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"q8_0", "q4_0"})
    void quantizingViewsAtLoadGivesTheGgufsQuantizedBytes(String type) {
        WeightsFormat format = WeightsFormat.parse(type);
        try (Model m = Model.load(new RotatedQk(STORIES, true), LoadOptions.DEFAULT.withWeights(format))) {
            assertThat(QuantizeAtLoadTest.assertSameBytes(m, Fixtures.file("models/stories260K-" + type + ".gguf"),
                    format.type())).isEqualTo(5 * 6 + (type.equals("q8_0") ? 2 : 1));
        }
    }

    @org.junit.jupiter.api.Test
    void rowsDeclaredInTheWrongOrderGiveOtherTokens() {
        GenerationResult gguf = greedy(ModelFile.open(STORIES), LoadOptions.DEFAULT, 1);
        GenerationResult wrong = greedy(new RotatedQk(STORIES, false), LoadOptions.DEFAULT, 1);
        assertThat(wrong.first().tokens()).isNotEqualTo(gguf.first().tokens());
    }
}

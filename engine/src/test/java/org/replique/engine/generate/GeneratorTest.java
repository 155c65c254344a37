package org.replique.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.Model;
import org.replique.engine.sampling.SamplingParams;

/** Generation on the demo model: streaming, stop strings, candidates, cancellation. */
class GeneratorTest {
    private static final String PROMPT = "[Alceste:] Je veux qu'on soit sincère, et qu'en homme d'honneur,\n[Philinte:]";
    private static Model model;
    private static Backend backend;

    @BeforeAll
    static void load() {
        model = Model.load(EmbeddedModel.path());
        backend = Backends.create("cpu", model, BackendOptions.defaults());
    }

    @AfterAll
    static void close() {
        backend.close();
        model.close();
    }

    private static GenerationResult generate(GenerationRequest request, TokenListener listener, Cancellation cancel) {
        try (InferenceState state = backend.newState(512)) {
            return new Generator(backend).generate(state, new TokenHistory(), model.tokenizer().encode(PROMPT),
                    request, listener, cancel);
        }
    }

    private static GenerationRequest greedy(int n) {
        return GenerationRequest.of(SamplingParams.greedyDecoding(), n).withStopAtEos(false);
    }

    @Test
    void streamedPiecesAddUpToTheTextAndAreWholeCharacters() {
        StringBuilder streamed = new StringBuilder();
        List<Integer> tokens = new ArrayList<>();
        GenerationResult r = generate(GenerationRequest.of(SamplingParams.modelCard(3), 60), (c, token, text) -> {
            assertThat(text.codePoints().noneMatch(cp -> cp == 0xFFFD)).isTrue();
            streamed.append(text);
            if (token != TokenListener.NO_TOKEN) tokens.add(token);
        }, Cancellation.NONE);
        assertThat(streamed.toString()).isEqualTo(r.first().text());
        assertThat(tokens).containsExactlyElementsOf(java.util.Arrays.stream(r.first().tokens()).boxed().toList());
        // The continuation is what follows the prompt text, so it starts with the space before a word.
        assertThat(r.first().text()).startsWith(" ");
    }

    @Test
    void aStopStringEndsTheTextJustBeforeIt() {
        // Greedy continues " Je ne sais pas que je ne puis plus faire.\n[Alcandre:] …"
        GenerationResult full = generate(greedy(30), TokenListener.NONE, Cancellation.NONE);
        assertThat(full.first().text()).startsWith(" Je ne sais pas que je ne puis plus faire.\n[");

        StringBuilder streamed = new StringBuilder();
        GenerationResult stopped = generate(greedy(30).withStops(List.of("\n")),
                (c, t, text) -> streamed.append(text), Cancellation.NONE);
        assertThat(stopped.first().text()).isEqualTo(" Je ne sais pas que je ne puis plus faire.");
        assertThat(stopped.first().stopReason()).isEqualTo(StopReason.STOP_STRING);
        assertThat(streamed.toString()).isEqualTo(stopped.first().text());
    }

    @Test
    void aStopStringSpanningSeveralTokensIsNeverStreamedInPart() {
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = generate(greedy(30).withStops(List.of("puis plus")),
                (c, t, text) -> streamed.append(text), Cancellation.NONE);
        assertThat(r.first().text()).isEqualTo(" Je ne sais pas que je ne ");
        assertThat(streamed.toString()).isEqualTo(r.first().text());
    }

    @Test
    void greedyWithoutStopAtEosGivesExactlyNTokens() {
        assertThat(generate(greedy(17), TokenListener.NONE, Cancellation.NONE).first().tokens()).hasSize(17);
        assertThat(generate(greedy(0), TokenListener.NONE, Cancellation.NONE).first().tokens()).isEmpty();
    }

    @Test
    void candidatesEachHaveTheirOwnRandomStreamAndAreReproducible() {
        GenerationRequest request = GenerationRequest.of(SamplingParams.modelCard(11), 20).withCandidates(3);
        GenerationResult a = generate(request, TokenListener.NONE, Cancellation.NONE);
        GenerationResult b = generate(request, TokenListener.NONE, Cancellation.NONE);
        assertThat(a.completions()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(a.completions().get(i).text()).isEqualTo(b.completions().get(i).text());
        }
        assertThat(a.completions().stream().map(Completion::text).distinct()).hasSizeGreaterThan(1);
        // The first candidate is what a single request with the same seed gives.
        GenerationResult single = generate(request.withCandidates(1), TokenListener.NONE, Cancellation.NONE);
        assertThat(single.first().text()).isEqualTo(a.first().text());
    }

    @Test
    void cancellingDuringGenerationReturnsWhatWasGenerated() {
        Cancellation cancel = new Cancellation();
        GenerationResult r = generate(greedy(40), (c, token, text) -> {
            if (token != TokenListener.NO_TOKEN) cancel.cancel();
        }, cancel);
        assertThat(r.first().stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(r.first().tokens()).hasSize(1);
        assertThat(r.first().text()).isEqualTo(" Je");
    }

    @Test
    void cancellingDuringThePromptThrowsAndKeepsTheCompletedChunks() {
        String longPrompt = (PROMPT + " Je ne sais pas que je ne puis plus faire.\n[Alceste:]").repeat(3);
        int[] prompt = model.tokenizer().encode(longPrompt);
        assertThat(prompt.length).isGreaterThan(64);
        try (InferenceState state = backend.newState(512)) {
            TokenHistory held = new TokenHistory();
            Generator generator = new Generator(backend);
            // Cancel in the middle of the second chunk of the prompt.
            assertThatThrownBy(() -> generator.prefill(state, held, prompt, afterChecks(model.config().layers() + 3)))
                    .isInstanceOf(CancellationException.class);
            // The first chunk completed; the history says exactly what the state holds.
            assertThat(state.length()).isPositive().isLessThan(prompt.length);
            assertThat(held.length()).isEqualTo(state.length());
            assertThat(held.toArray()).containsExactly(java.util.Arrays.copyOf(prompt, state.length()));
            int kept = state.length();
            // The next request continues from there and gives the cold result.
            Generator.Prefill resumed = generator.prefill(state, held, prompt, Cancellation.NONE);
            assertThat(resumed.evaluated()).isEqualTo(prompt.length - kept);
            try (InferenceState cold = backend.newState(512)) {
                float[] expected = generator.prefill(cold, new TokenHistory(), prompt, Cancellation.NONE).logits();
                assertThat(resumed.logits()).containsExactly(expected);
            }
        }
    }

    @Test
    void anEmptyPromptIsRejectedWithAClearMessage() {
        try (InferenceState state = backend.newState(512)) {
            assertThatThrownBy(() -> new Generator(backend).prefill(state, new TokenHistory(), new int[0], Cancellation.NONE))
                    .hasMessageContaining("empty prompt");
        }
    }

    /** A cancellation that fires once it has been checked {@code n} times: a deterministic point. */
    private static Cancellation afterChecks(int n) {
        return new Cancellation() {
            private int checks;

            @Override
            public boolean isCancelled() {
                return ++checks > n;
            }
        };
    }
}

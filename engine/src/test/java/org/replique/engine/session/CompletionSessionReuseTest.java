package org.replique.engine.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.replique.engine.session.TestModels.coldLogits;
import static org.replique.engine.session.TestModels.maxAbsDiff;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.cpu.CpuBackend;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.model.Model;
import org.replique.engine.sampling.SamplingParams;

/** A reused cache gives the logits of a cold evaluation, whatever changed in the prompt. */
class CompletionSessionReuseTest {
    private static final int CONTEXT = 512;
    /**
     * Reused and cold evaluations group tokens differently, and a token evaluated among several
     * sums its attention values in another order than a token alone (as in llama.cpp): logits of
     * about 10 agree to float rounding, not to the bit.
     */
    private static final double F32_TOLERANCE = 5e-5;
    private static final String STORY = "Once upon a time, there was a little girl named Lily. She loved to play outside"
            + " in the park with her friends. One day, she saw a big red ball under a tree. She ran to the tree and"
            + " picked up the ball. It was soft and round. Lily was very happy.";

    private static Model stories;
    private static CpuBackend backend;

    @BeforeAll
    static void load() {
        stories = TestModels.stories();
        backend = TestModels.cpu(stories);
    }

    @AfterAll
    static void close() {
        stories.close();
    }

    private static int[] tokens(String text) {
        return stories.tokenizer().encode(text);
    }

    /** Warms a session on {@code first}, then asks for {@code second} and checks it against a cold run. */
    private static RequestCost reuse(String first, String second) {
        try (CompletionSession session = new CompletionSession(backend, CONTEXT)) {
            session.warm(tokens(first), Cancellation.NONE);
            int[] prompt = tokens(second);
            SessionResult result = session.warm(prompt, Cancellation.NONE);
            assertThat(maxAbsDiff(result.generation().promptLogits(), coldLogits(backend, prompt, CONTEXT)))
                    .isLessThanOrEqualTo(F32_TOLERANCE);
            assertThat(session.tokens()).isEqualTo(prompt);
            RequestCost cost = result.cost();
            assertThat(cost.reusedTokens() + cost.evaluatedTokens()).isEqualTo(prompt.length);
            return cost;
        }
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }

    @Test
    void appendedTextEvaluatesOnlyTheNewTokens() {
        String longer = STORY + " She took it home to show her mom.";
        RequestCost cost = reuse(STORY, longer);
        int common = commonPrefix(tokens(STORY), tokens(longer));
        assertThat(common).isGreaterThan(tokens(STORY).length - 3);
        assertThat(cost.reusedTokens()).isEqualTo(common);
    }

    @Test
    void editedMiddleTextReusesUpToTheEdit() {
        String edited = STORY.replace("a big red ball", "a small blue kite");
        RequestCost cost = reuse(STORY, edited);
        int common = commonPrefix(tokens(STORY), tokens(edited));
        assertThat(common).isPositive();
        assertThat(cost.reusedTokens()).isEqualTo(common);
        assertThat(cost.evaluatedTokens()).isEqualTo(tokens(edited).length - common);
    }

    @Test
    void deletedMiddleTextReusesUpToTheDeletion() {
        String deleted = STORY.replace(" It was soft and round.", "");
        RequestCost cost = reuse(STORY, deleted);
        assertThat(cost.reusedTokens()).isEqualTo(commonPrefix(tokens(STORY), tokens(deleted)));
    }

    @Test
    void deletedEndTextEvaluatesOneToken() {
        String shorter = STORY.substring(0, STORY.indexOf(" It was soft"));
        RequestCost cost = reuse(STORY, shorter);
        assertThat(cost.evaluatedTokens()).isEqualTo(1);
    }

    @Test
    void theSamePromptAgainEvaluatesOneToken() {
        RequestCost cost = reuse(STORY, STORY);
        assertThat(cost.evaluatedTokens()).isEqualTo(1);
        assertThat(cost.reusedTokens()).isEqualTo(tokens(STORY).length - 1);
    }

    @Test
    void aContextCutReusesTheStableHeadOnly() {
        String head = "Lily and Tom.\n";
        String[] turns = {"Lily: Look at the ball!\n", "Tom: It is big and red.\n", "Lily: Let us play with it.\n",
                "Tom: I will throw it to you.\n"};
        String full = head + String.join("", turns) + "Lily:";
        String cut = head + turns[2] + turns[3] + "Lily:";
        RequestCost cost = reuse(full, cut);
        int common = commonPrefix(tokens(full), tokens(cut));
        // The head is shared; the first kept turn differs from the first dropped one after a few tokens.
        assertThat(common).isGreaterThanOrEqualTo(tokens(head).length - 1).isLessThan(tokens(head + turns[0]).length);
        assertThat(cost.reusedTokens()).isEqualTo(common);
    }

    @Test
    void aCutOfTheFirstTokensRestartsFromZero() {
        RequestCost cost = reuse(STORY, STORY.substring(STORY.indexOf("She loved")));
        // Both start with BOS; the second text's first word differs.
        assertThat(cost.reusedTokens()).isLessThanOrEqualTo(2);
    }

    @Test
    void generatedTokensStayInTheCacheSoTypingThemThroughCostsOneToken() {
        try (CompletionSession session = new CompletionSession(backend, CONTEXT)) {
            int[] prompt = tokens(STORY);
            GenerationRequest request = GenerationRequest.of(SamplingParams.greedyDecoding(), 8).withStopAtEos(false);
            SessionResult first = session.complete(prompt, request, TokenListener.NONE, Cancellation.NONE);
            int[] generated = first.generation().first().tokens();
            assertThat(generated).hasSize(8);
            // The last sampled token is never evaluated; the seven before it are in the cache.
            assertThat(session.tokens()).isEqualTo(concat(prompt, Arrays.copyOf(generated, 7)));

            int[] typedThrough = concat(prompt, Arrays.copyOf(generated, 5));
            SessionResult next = session.warm(typedThrough, Cancellation.NONE);
            assertThat(next.cost().evaluatedTokens()).isEqualTo(1);
            assertThat(maxAbsDiff(next.generation().promptLogits(), coldLogits(backend, typedThrough, CONTEXT)))
                    .isLessThanOrEqualTo(F32_TOLERANCE);
        }
    }

    @Test
    void typingTheGeneratedTextThroughEvaluatesOnlyWhereTheTokenizationDiffers() {
        try (CompletionSession session = new CompletionSession(backend, CONTEXT)) {
            GenerationRequest request = GenerationRequest.of(SamplingParams.greedyDecoding(), 12).withStopAtEos(false);
            String text = session.complete(tokens(STORY), request, TokenListener.NONE, Cancellation.NONE)
                    .generation().first().text();
            int[] typed = tokens(STORY + text);
            SessionResult next = session.warm(typed, Cancellation.NONE);
            assertThat(next.cost().evaluatedTokens()).isLessThanOrEqualTo(3);
            assertThat(maxAbsDiff(next.generation().promptLogits(), coldLogits(backend, typed, CONTEXT)))
                    .isLessThanOrEqualTo(F32_TOLERANCE);
        }
    }

    @Test
    void generationFromAReusedCacheEqualsGenerationFromAColdOne() {
        GenerationRequest request = new GenerationRequest(SamplingParams.modelCard(7), 10, true, java.util.List.of(), 3);
        int[] prompt = tokens(STORY);
        SessionResult warm;
        try (CompletionSession session = new CompletionSession(backend, CONTEXT)) {
            session.complete(tokens(STORY.substring(0, 120)), request, TokenListener.NONE, Cancellation.NONE);
            warm = session.complete(prompt, request, TokenListener.NONE, Cancellation.NONE);
        }
        SessionResult cold;
        try (CompletionSession session = new CompletionSession(backend, CONTEXT)) {
            cold = session.complete(prompt, request, TokenListener.NONE, Cancellation.NONE);
        }
        assertThat(warm.cost().evaluatedTokens()).isLessThan(cold.cost().evaluatedTokens());
        for (int c = 0; c < 3; c++) {
            assertThat(warm.generation().completions().get(c).tokens())
                    .isEqualTo(cold.generation().completions().get(c).tokens());
        }
    }

    @Test
    void theCostAddsUp() {
        try (CompletionSession session = new CompletionSession(backend, CONTEXT)) {
            int[] prompt = tokens(STORY);
            GenerationRequest request = GenerationRequest.of(SamplingParams.greedyDecoding(), 4).withStopAtEos(false);
            RequestCost cost = session.complete(prompt, request, TokenListener.NONE, Cancellation.NONE).cost();
            assertThat(cost.promptTokens()).isEqualTo(prompt.length);
            assertThat(cost.evaluatedTokens()).isEqualTo(prompt.length);
            assertThat(cost.generatedTokens()).isEqualTo(4);
            assertThat(cost.prefillNanos()).isPositive().isLessThanOrEqualTo(cost.firstTokenNanos());
            assertThat(cost.firstTokenNanos()).isLessThanOrEqualTo(cost.totalNanos());
        }
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

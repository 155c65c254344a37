package org.replique.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.Model;
import org.replique.engine.session.CompletionSession;

/** The typing replay's token accounting (its latencies are measured by hand, not asserted). */
class TypingReplayTest {
    private static final int CONTEXT = 512;
    private static final String DIALOGUE = """
            [Alceste:] Laissez-moi, je vous prie, et courez vous cacher.
            [Philinte:] Mais on entend les gens au moins sans se fâcher.
            [Alceste:] Moi, je veux me fâcher, et ne veux point entendre.
            [Philinte:] Dans vos brusques chagrins je ne puis vous comprendre.
            [Alceste:] Non, je ne puis souffrir cette lâche méthode.
            """;

    private static Model demo;
    private static Backend backend;

    @BeforeAll
    static void load() {
        demo = Model.load(EmbeddedModel.path());
        backend = Backends.create("cpu", demo, new BackendOptions(1, "scalar"));
    }

    @AfterAll
    static void close() {
        demo.close();
    }

    private static TypingReplay replay(CompletionSession session, Function<String, String> promptOf, int tokens) {
        return new TypingReplay(session, demo.tokenizer(), promptOf, TypingReplay.nextTokens(tokens));
    }

    @Test
    void theFirstRequestIsColdAndTheOthersEvaluateAFewTokens() {
        try (CompletionSession session = new CompletionSession(backend, CONTEXT)) {
            TypingReplay.Report report = replay(session, Function.identity(), 1).replayAtEnd(DIALOGUE, 40);
            assertThat(report.steps()).hasSize(41);
            TypingReplay.Step cold = report.steps().getFirst();
            assertThat(cold.evaluatedTokens()).isEqualTo(cold.promptTokens());
            for (TypingReplay.Step step : report.steps()) {
                assertThat(step.reusedTokens() + step.evaluatedTokens()).isEqualTo(step.promptTokens());
            }
            assertThat(report.steps().getLast().promptTokens()).isEqualTo(demo.tokenizer().encode(DIALOGUE).length);
            assertThat(report.evaluatedTokensMedian()).isLessThanOrEqualTo(2);
            assertThat(report.evaluatedTokensMax()).isLessThanOrEqualTo(6);
        }
    }

    @Test
    void typingInTheMiddleReusesTheTextBeforeTheCursor() {
        int at = DIALOGUE.indexOf("[Philinte:] Dans");
        try (CompletionSession session = new CompletionSession(backend, CONTEXT)) {
            TypingReplay.Report report = replay(session, Function.identity(), 1)
                    .replay(DIALOGUE.substring(0, at), "[Éliante:] Oui.\n", DIALOGUE.substring(at));
            assertThat(report.steps()).hasSize(17);
            int after = demo.tokenizer().encode(DIALOGUE.substring(at)).length;
            // What follows the cursor is evaluated again on every keystroke, and little else.
            assertThat(report.evaluatedTokensMedian()).isLessThanOrEqualTo(after + 3);
        }
    }

    @Test
    void aLongDocumentCutToTheBudgetStaysWarm() {
        StringBuilder play = new StringBuilder();
        for (int i = 0; i < 40; i++) play.append(DIALOGUE);
        int budget = CONTEXT - 4 - 1; // room for BOS and the generated tokens
        var prompts = PromptAtEnd.forDocument("misanthrope.txt", demo.tokenizer(), budget);
        try (CompletionSession session = new CompletionSession(backend, CONTEXT)) {
            TypingReplay.Report report = replay(session, prompts, 4)
                    .replayAtEnd(play.toString(), 120);
            assertThat(report.steps()).allSatisfy(s -> assertThat(s.promptTokens()).isLessThanOrEqualTo(budget + 1));
            assertThat(report.evaluatedTokensMedian()).isLessThanOrEqualTo(16);
        }
    }
}

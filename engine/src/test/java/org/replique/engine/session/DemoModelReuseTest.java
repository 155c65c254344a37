package org.replique.engine.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.replique.engine.session.TestModels.coldLogits;
import static org.replique.engine.session.TestModels.maxAbsDiff;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.cpu.CpuBackend;
import org.replique.engine.model.Model;

/** Reuse on the French dialogue model, with the turn format and the context cuts it is used with. */
class DemoModelReuseTest {
    private static final int CONTEXT = 512;
    private static final List<String> TURNS = List.of(
            "[Alceste:] Laissez-moi, je vous prie, et courez vous cacher.\n",
            "[Philinte:] Mais on entend les gens au moins sans se fâcher.\n",
            "[Alceste:] Moi, je veux me fâcher, et ne veux point entendre.\n",
            "[Philinte:] Dans vos brusques chagrins je ne puis vous comprendre.\n",
            "[Alceste:] Je veux qu'on soit sincère, et qu'en homme d'honneur, on ne lâche aucun mot qui ne parte du cœur.\n",
            "[Philinte:] Lorsqu'un homme vous vient embrasser avec joie, il faut bien le payer de la même monnoie.\n");

    private static Model demo;
    private static CpuBackend backend;

    @BeforeAll
    static void load() {
        demo = TestModels.demo();
        backend = TestModels.cpu(demo);
    }

    @AfterAll
    static void close() {
        demo.close();
    }

    private static int[] tokens(String text) {
        return demo.tokenizer().encode(text);
    }

    private static RequestCost check(CompletionSession session, String text) {
        return check(session, text, true);
    }

    private static RequestCost check(CompletionSession session, String text, boolean againstCold) {
        int[] prompt = tokens(text);
        SessionResult result = session.warm(prompt, Cancellation.NONE);
        if (againstCold) {
            assertThat(maxAbsDiff(result.generation().promptLogits(), coldLogits(backend, prompt, CONTEXT)))
                    .isLessThanOrEqualTo(1e-5);
        }
        return result.cost();
    }

    @Test
    void typingANewTurnLetterByLetterEvaluatesAFewTokensEach() {
        String dialogue = String.join("", TURNS);
        try (CompletionSession session = new CompletionSession(backend, CONTEXT)) {
            check(session, dialogue);
            String typed = "[Alceste:] Non, je ne puis souffrir";
            for (int i = 1; i <= typed.length(); i++) {
                // A cold evaluation of the whole prompt costs what the test can afford every few letters.
                RequestCost cost = check(session, dialogue + typed.substring(0, i), i % 6 == 0 || i == typed.length());
                assertThat(cost.evaluatedTokens()).isBetween(1, 4);
            }
        }
    }

    @Test
    void droppingTheOldestTurnsMatchesAColdEvaluation() {
        String head = "Le Misanthrope, acte I, scène 1.\n";
        String tail = "[Alceste:] Non";
        String all = head + String.join("", TURNS) + tail;
        // The prompt once its window has moved past the first two turns: the head stays.
        String cut = head + String.join("", TURNS.subList(2, TURNS.size())) + tail;
        try (CompletionSession session = new CompletionSession(backend, CONTEXT)) {
            check(session, all);
            RequestCost cost = check(session, cut);
            assertThat(cost.reusedTokens()).isGreaterThanOrEqualTo(tokens(head).length - 1);
            assertThat(cost.evaluatedTokens()).isLessThan(tokens(cut).length);
        }
    }
}

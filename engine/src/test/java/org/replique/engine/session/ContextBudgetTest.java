package org.replique.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.replique.engine.model.Model;
import org.replique.engine.tokenizer.Tokenizer;

/** Cutting dialogue prompts at turn boundaries, in steps that keep the prefix stable while typing. */
class ContextBudgetTest {
    /** Words as tokens: exactly additive over turns that end with a newline. */
    private static final ToIntFunction<String> WORDS =
            text -> (int) java.util.Arrays.stream(text.trim().split("\\s+")).filter(w -> !w.isEmpty()).count();

    private static List<String> turns(int count, int words) {
        List<String> out = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            StringBuilder sb = new StringBuilder("T" + t + ":");
            for (int w = 1; w < words; w++) sb.append(" w").append(w);
            out.add(sb.append('\n').toString());
        }
        return out;
    }

    private static final String HEAD = "Title. Scene one. Cast: many.\n"; // 5 words
    private static final String TAIL = "T99: I am"; // 3 words

    @Test
    void aPromptThatFitsIsKeptWhole() {
        ContextBudget budget = new ContextBudget(100, 25, WORDS);
        ContextCut cut = budget.fit(HEAD, turns(5, 10), TAIL, null);
        assertThat(cut.firstTurn()).isZero();
        assertThat(cut.text()).isEqualTo(HEAD + String.join("", turns(5, 10)) + TAIL);
        assertThat(cut.tokens()).isEqualTo(58);
    }

    @Test
    void anOverlongPromptDropsTheOldestTurnsAndLeavesAStepFree() {
        ContextBudget budget = new ContextBudget(100, 25, WORDS);
        List<String> turns = turns(20, 10);
        ContextCut cut = budget.fit(HEAD, turns, TAIL, null);
        // 5 + 3 + 6 turns of 10 = 68 ≤ 100 - 25; a seventh turn would make 78.
        assertThat(cut.firstTurn()).isEqualTo(14);
        assertThat(cut.tokens()).isEqualTo(68);
        assertThat(cut.text()).startsWith(HEAD + turns.get(14)).endsWith(turns.get(19) + TAIL);
    }

    @Test
    void typingAtTheEndKeepsTheCutForAsLongAsThePromptFits() {
        ContextBudget budget = new ContextBudget(100, 25, WORDS);
        List<String> turns = turns(20, 10);
        ContextCut cut = budget.fit(HEAD, turns, TAIL, null);
        String tail = TAIL;
        int keystrokes = 0;
        while (true) {
            tail += " more";
            ContextCut next = budget.fit(HEAD, turns, tail, cut);
            assertThat(next.tokens()).isLessThanOrEqualTo(100);
            if (next.firstTurn() != cut.firstTurn()) {
                assertThat(next.firstTurn()).isGreaterThanOrEqualTo(cut.firstTurn() + 3);
                break;
            }
            assertThat(next.text()).startsWith(HEAD + String.join("", turns.subList(14, 20)));
            cut = next;
            keystrokes++;
        }
        // From 68 to 100 words: 32 more words before the next cut.
        assertThat(keystrokes).isEqualTo(32);
    }

    @Test
    void editsAmongTheDroppedTurnsDoNotMoveTheCut() {
        ContextBudget budget = new ContextBudget(100, 25, WORDS);
        List<String> turns = turns(20, 10);
        ContextCut cut = budget.fit(HEAD, turns, TAIL, null);
        List<String> edited = new ArrayList<>(turns);
        edited.add(0, "T-1: a new first turn\n");
        edited.remove(3);
        edited.add(5, "T4b: another\n");
        ContextCut next = budget.fit(HEAD, edited, TAIL, cut);
        assertThat(next.text()).isEqualTo(cut.text());
    }

    @Test
    void deletingTheLastTurnsBringsBackOlderOnes() {
        ContextBudget budget = new ContextBudget(100, 25, WORDS);
        List<String> turns = turns(20, 10);
        ContextCut cut = budget.fit(HEAD, turns, TAIL, null);
        // Deleting one turn leaves the cut where it is; deleting four leaves too little after it.
        assertThat(budget.fit(HEAD, turns.subList(0, 19), TAIL, cut).firstTurn()).isEqualTo(14);
        ContextCut next = budget.fit(HEAD, turns.subList(0, 16), TAIL, cut);
        assertThat(next.firstTurn()).isEqualTo(10);
        assertThat(next.tokens()).isEqualTo(68);
    }

    @Test
    void aHeadOfMoreThanHalfTheBudgetIsDropped() {
        ContextBudget budget = new ContextBudget(100, 25, WORDS);
        String head = "word ".repeat(51) + "\n";
        ContextCut cut = budget.fit(head, turns(3, 10), TAIL, null);
        assertThat(cut.headKept()).isFalse();
        assertThat(cut.text()).isEqualTo(String.join("", turns(3, 10)) + TAIL);
    }

    @Test
    void aTailLongerThanTheBudgetKeepsItsEndFromTheStartOfAWord() {
        ContextBudget budget = new ContextBudget(100, 25, WORDS);
        StringBuilder tail = new StringBuilder("T0:");
        for (int i = 0; i < 300; i++) tail.append(" word").append(i);
        ContextCut cut = budget.fit(HEAD, List.of(), tail.toString(), null);
        assertThat(cut.tailStart()).isPositive();
        assertThat(tail.charAt(cut.tailStart() - 1)).isEqualTo(' ');
        assertThat(cut.tokens()).isLessThanOrEqualTo(75);
        assertThat(cut.text()).startsWith(HEAD).endsWith(" word299");
        // Typing on keeps the tail's cut while it fits.
        ContextCut next = budget.fit(HEAD, List.of(), tail + " more", cut);
        assertThat(next.tailStart()).isEqualTo(cut.tailStart());
    }

    /** A long play in the model's {@code [Name:] text} format, generated from a seed. */
    private static String play(int turns, long seed) {
        String[] names = {"Alceste", "Philinte", "Célimène", "Éliante", "Oronte"};
        String[] words = ("je vous dis que le monde est plein de gens qui parlent trop et ne pensent guère à ce qu'ils"
                + " font ; mais enfin, madame, il faut bien vivre avec eux, et l'honneur veut qu'on les souffre")
                .split(" ");
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < turns; t++) {
            sb.append('[').append(names[random.nextInt(names.length)]).append(":]");
            int n = 4 + random.nextInt(30);
            for (int w = 0; w < n; w++) sb.append(' ').append(words[random.nextInt(words.length)]);
            sb.append(random.nextBoolean() ? " !" : ".").append('\n');
        }
        return sb.toString();
    }

    /** The complete lines of {@code document}, each with its newline. */
    static List<String> lines(String document) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int nl = document.indexOf('\n'); nl >= 0; nl = document.indexOf('\n', start)) {
            out.add(document.substring(start, nl + 1));
            start = nl + 1;
        }
        return out;
    }

    static String lastLine(String document) {
        return document.substring(document.lastIndexOf('\n') + 1);
    }

    @Test
    void typingAtTheEndOfALongPlayKeepsTheStartStableAndFitsTheBudget() {
        try (Model demo = TestModels.demo()) {
            Tokenizer tokenizer = demo.tokenizer();
            int limit = 400;
            ContextBudget budget = new ContextBudget(limit, ContextBudget.tokenCounter(tokenizer));
            String document = play(400, 1);
            String typed = document.substring(document.length() - 1500);
            String before = document.substring(0, document.length() - typed.length());

            ContextCut cut = null;
            List<Integer> starts = new ArrayList<>();
            int changes = 0;
            String stablePart = null;
            for (int i = 0; i <= typed.length(); i++) {
                String text = before + typed.substring(0, i);
                List<String> turns = lines(text);
                ContextCut next = budget.fit("", turns, lastLine(text), cut);
                assertThat(tokenizer.encode(next.text(), false, false).length).isLessThanOrEqualTo(limit);
                if (cut != null && next.anchor().equals(cut.anchor())) {
                    // Same cut: what the previous prompt kept before its tail is still the start.
                    assertThat(next.text()).startsWith(stablePart);
                } else if (cut != null) {
                    changes++;
                }
                starts.add(next.firstTurn());
                stablePart = next.text().substring(0, next.text().length() - lastLine(text).length());
                cut = next;
            }
            int typedTokens = tokenizer.encode(typed, false, false).length;
            assertThat(changes).isPositive().isLessThanOrEqualTo(typedTokens / budget.step() + 1);
            assertThat(Collections.max(starts)).isGreaterThan(Collections.min(starts));
        }
    }
}

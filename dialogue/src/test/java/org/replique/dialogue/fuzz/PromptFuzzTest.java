package org.replique.dialogue.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.InRange;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.claire.LabelStyle;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.prompt.ContinuationKind;
import org.replique.dialogue.prompt.DirectionPolicy;
import org.replique.dialogue.prompt.Prompt;
import org.replique.dialogue.prompt.PromptBuilder;
import org.replique.dialogue.prompt.PromptOptions;
import org.replique.dialogue.prompt.TokenCounters;

/**
 * The prompt builder at any cursor of any document, with any options: a prompt in Claire's turn
 * format (one turn per line, a label or a dash first), inside its budget unless the cursor's own
 * turn alone exceeds it, whose stable part is a prefix, counted with the options' counter.
 */
class PromptFuzzTest {
    static Stream<Arguments> seeds() {
        List<Arguments> seeds = new ArrayList<>();
        int format = 0;
        for (String folder : List.of("documents/fountain", "documents/plays", "documents/dialogues")) {
            int f = format++;
            DocumentInvariants.seeds(folder, folder.endsWith("fountain") ? ".fountain" : ".txt").limit(4).forEach(a -> {
                String text = (String) a.get()[0];
                int lines = (int) text.lines().count();
                seeds.add(Arguments.of(text, f, lines, 0, 2048, 0, false, 0));
                seeds.add(Arguments.of(text, f, lines / 2, 3, 64, 2, true, 3));
            });
        }
        return seeds.stream();
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void anyCursorGivesAPromptInClairesFormat(@NotNull @WithUtf8Length(max = 8192) String text, @InRange(min = 0, max = 2) int format, int line,
                                              int column, @InRange(min = 1, max = 5000) int budget,
                                              @InRange(min = 0, max = 3) int labels, boolean keepDirections,
                                              @InRange(min = 0, max = 20) int voiceLines) {
        DialogueDocument doc = Dialogue.parse(text, DocumentFormat.values()[format]);
        // The server clamps a position into the document before it builds a prompt: do the same.
        int l = Math.floorMod(line, doc.lines().size() + 1);
        int c = Math.floorMod(column, doc.line(l).length() + 1);
        PromptOptions options = PromptOptions.defaults().withBudget(budget, TokenCounters.approximate())
                .withLabels(LabelStyle.values()[labels])
                .withDirections(keepDirections ? DirectionPolicy.KEEP : DirectionPolicy.DROP)
                .withVoiceLines(voiceLines);
        Prompt p = PromptBuilder.build(doc, l, c, options);

        assertThat(p.cursor().historyEnd()).isBetween(0, doc.turns().size());
        if (p.kind() == ContinuationKind.NONE) {
            assertThat(p.text()).isEmpty();
            return;
        }
        assertThat(p.labels()).isNotEqualTo(LabelStyle.AUTO);
        assertThat(p.firstTurn()).isBetween(0, p.cursor().historyEnd());
        assertThat(p.stableLength()).isBetween(0, p.text().length());
        assertThat(p.tokens()).isEqualTo(options.tokens().applyAsInt(p.text()));
        assertThat(p.tokens() <= budget || p.firstTurn() == p.cursor().historyEnd())
                .as("%d tokens for a budget of %d with turns kept from %d", p.tokens(), budget, p.firstTurn()).isTrue();
        assertThat(p.text()).doesNotContain("\r");
        for (String turn : p.text().split("\n")) {
            if (!turn.isEmpty()) {
                assertThat(turn).as("a turn line of %s", p.text()).matches("(?s)(-|\\[[^\\n]+:\\]).*");
            }
        }
    }
}

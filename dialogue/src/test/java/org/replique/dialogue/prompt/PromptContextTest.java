package org.replique.dialogue.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.replique.dialogue.prompt.PromptCasesTest.at;
import static org.replique.dialogue.prompt.PromptCasesTest.doc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.TestDocuments;
import org.replique.dialogue.claire.LabelStyle;
import org.replique.dialogue.document.DialogueDocument;

/** What the context holds: labels, scenes, the budget, the stable prefix, the character's voice. */
class PromptContextTest {

    private static final Pattern LABEL = Pattern.compile("^\\[([^\\]]+):] ", Pattern.MULTILINE);

    private static int endOf(DialogueDocument doc) {
        return doc.lines().size() - 1;
    }

    @Test
    void namesAreTitleCasedAsClaireSawThemIncludingTheCastListsFullNames() {
        DialogueDocument doc = doc(PromptCasesTest.PRECIEUSES);
        Prompt prompt = at(doc, endOf(doc), 0, PromptOptions.defaults().withBudget(100_000, TokenCounters.approximate()));
        assertThat(prompt.text()).contains("\n[La Grange:] ", "\n[Du Croisy:] ", "\n[Le Marquis de Mascarille:] ", "\n[Le Vicomte de Jodelet:] ")
                .doesNotContain("[LA GRANGE:]", "[Mascarille:]");
        assertThat(prompt.speakers().documentName("Le Marquis de Mascarille")).isEqualTo("MASCARILLE");
    }

    @Test
    void labelsMatchTheClaireTranscriptOfTheSamePlay() {
        for (String play : List.of("moliere-precieuses-ridicules", "racine-plaideurs", "marivaux-jeu-de-l-amour-et-du-hasard")) {
            DialogueDocument doc = doc("plays/" + play + ".play.txt");
            Prompt prompt = at(doc, endOf(doc), 0, PromptOptions.defaults().withBudget(1_000_000, TokenCounters.approximate()));
            List<String> ours = labels(prompt.text());
            List<String> claire = labels(TestDocuments.read("plays/" + play + ".named.txt"));
            assertThat(ours).as(play).isEqualTo(claire);
        }
    }

    private static List<String> labels(String text) {
        List<String> labels = new ArrayList<>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            labels.add(m.group(1));
        }
        return labels;
    }

    @Test
    void intervenantNumbersFollowFirstAppearanceAndNeverChange() {
        DialogueDocument doc = doc(PromptCasesTest.PRECIEUSES);
        Prompt prompt = at(doc, 121, 0, PromptOptions.defaults().withLabels(LabelStyle.INTERVENANT)
                .withBudget(100_000, TokenCounters.approximate()));
        List<String> labels = labels(prompt.text());
        assertThat(labels.getFirst()).isEqualTo("Intervenant 1");
        Map<String, String> nameOfLabel = new HashMap<>();
        prompt.speakers().labels().forEach(nameOfLabel::put);
        assertThat(nameOfLabel).containsEntry("Intervenant 1", "DU CROISY").containsEntry("Intervenant 2", "LA GRANGE")
                .containsEntry("Intervenant 3", "GORGIBUS");
        assertThat(nameOfLabel.values()).doesNotHaveDuplicates();
        assertThat(labels).allMatch(nameOfLabel::containsKey);
    }

    @Test
    void aDashTranscriptStaysInDashes() {
        DialogueDocument doc = doc("dialogues/moliere-george-dandin.dash.txt");
        Prompt prompt = at(doc, 5, doc.line(5).length(), PromptOptions.defaults());
        assertThat(prompt.labels()).isEqualTo(LabelStyle.DASH);
        assertThat(prompt.text()).startsWith("- Que diantre ce drôle-là vient-il faire chez moi ?\n- Voilà un homme qui me regarde.\n")
                .endsWith("\n- J'ai peur qu'il n'aille dire qu'il m'a vu sortir de là-dedans.");
        assertThat(prompt.kind()).isEqualTo(ContinuationKind.MID_SPEECH);
    }

    @Test
    void dashesOnlyForTwoSpeakers() {
        PromptOptions dash = PromptOptions.defaults().withLabels(LabelStyle.DASH);
        Prompt two = at(doc(PromptCasesTest.BRICK), 23, 0, dash);
        assertThat(two.labels()).isEqualTo(LabelStyle.DASH);
        assertThat(two.text()).isEqualTo("- Beer's ready!\n- Are they cold?\n");
        Prompt three = at(doc(PromptCasesTest.PRECIEUSES), 121, 0, dash);
        assertThat(three.labels()).isEqualTo(LabelStyle.NAMED);
    }

    @Test
    void scenesAreSeparatedByABlankLine() {
        Prompt prompt = at(PromptCasesTest.PRECIEUSES, 53, 0);
        assertThat(prompt.text()).contains("faire ? Il faut... mais sortons d'ici auparavant.\n\n[Gorgibus:] Eh bien vous avez vu ma nièce");
    }

    @Test
    void screenplayTextLosesEmphasisNotesAndParentheticals() {
        Prompt prompt = at(PromptCasesTest.BRICK, 63, 0);
        assertThat(prompt.text()).contains("\n[Jack:] Did you know Brick and Steel are retired?\n[Dan:] Then let's retire them. Permanently.\n")
                .doesNotContain("Vietnamese", "*", "_");
    }

    @Test
    void noBreakSpacesAndCurlyApostrophesBecomePlain() {
        DialogueDocument doc = Dialogue.parse("x.play", "ALCESTE\u00A0: Quoi\u202F? L\u2019homme\u00A0!\n\n");
        assertThat(at(doc, 2, 0, PromptOptions.defaults()).text()).isEqualTo("[Alceste:] Quoi ? L'homme !\n");
    }

    @Test
    void theBudgetIsKeptAndCutsFallBetweenTurns() {
        DialogueDocument doc = doc("plays/marivaux-jeu-de-l-amour-et-du-hasard.play.txt");
        for (int budget : new int[] {200, 1000, 3000}) {
            Prompt prompt = at(doc, 900, 0, PromptOptions.defaults().withBudget(budget, TokenCounters.approximate()));
            // Unused: at most one window step (a quarter of the budget) and what a next turn would have needed.
            assertThat(prompt.tokens()).as("budget " + budget).isLessThanOrEqualTo(budget).isGreaterThan(budget / 3);
            for (String line : prompt.text().split("\n")) {
                assertThat(line).as("a whole turn").matches("(\\[[^\\]]+:] .*)?");
            }
            String[] lines = prompt.text().split("\n");
            assertThat(lines[lines.length - 1]).startsWith("[Monsieur Orgon:] Tu la verras si tu veux");
        }
        // Less than one turn's worth: no context rather than half a turn.
        assertThat(at(doc, 900, 0, PromptOptions.defaults().withBudget(10, TokenCounters.approximate())).text()).isEmpty();
    }

    @Test
    void theCallersTokenizerIsUsed() {
        ToIntFunction<String> words = text -> text.isBlank() ? 0 : text.strip().split("\\s+").length;
        DialogueDocument doc = doc("plays/marivaux-jeu-de-l-amour-et-du-hasard.play.txt");
        Prompt prompt = at(doc, 900, 0, PromptOptions.defaults().withBudget(300, words));
        assertThat(prompt.tokens()).isEqualTo(words.applyAsInt(prompt.text())).isLessThanOrEqualTo(300).isGreaterThan(100);
    }

    @Test
    void thePrefixStaysPutWhileTheWriterTypes() {
        String play = TestDocuments.read("plays/marivaux-jeu-de-l-amour-et-du-hasard.play.txt");
        String speech = "SILVIA. Je ne sais pas ce que tu veux dire, Lisette, et je crois que tu te moques de moi depuis le début de cette affaire.";
        PromptOptions options = PromptOptions.defaults().withBudget(400, TokenCounters.approximate()).withWindowSteps(4);
        Prompt previous = null;
        int moves = 0;
        for (int typed = "SILVIA. ".length(); typed <= speech.length(); typed++) {
            String text = play + "\n" + speech.substring(0, typed);
            DialogueDocument doc = Dialogue.parse("jeu.play", text);
            Prompt prompt = at(doc, doc.lines().size() - 1, typed, options);
            assertThat(prompt.text().substring(prompt.stableLength())).startsWith("[Silvia:]");
            if (previous != null) {
                assertThat(prompt.firstTurn()).isGreaterThanOrEqualTo(previous.firstTurn());
                if (prompt.firstTurn() == previous.firstTurn()) {
                    assertThat(prompt.text().substring(0, prompt.stableLength()))
                            .isEqualTo(previous.text().substring(0, previous.stableLength()));
                } else {
                    moves++;
                }
            }
            previous = prompt;
        }
        // About 120 keystrokes; the window moved only when the budget forced a whole step.
        assertThat(moves).isLessThanOrEqualTo(3);
    }

    @Test
    void theCharactersVoiceComesFirstAsItsOwnConversation() {
        DialogueDocument doc = doc(PromptCasesTest.PRECIEUSES);
        Prompt prompt = at(doc, 360, 11, PromptOptions.defaults().withBudget(600, TokenCounters.approximate()).withVoiceLines(2));
        assertThat(prompt.speaker()).isEqualTo("MASCARILLE");
        String[] blocks = prompt.text().split("\n\n", 2);
        String[] voice = blocks[0].split("\n");
        assertThat(voice).hasSize(2).allMatch(line -> line.startsWith("[Le Marquis de Mascarille:] "));
        // The voice lines are earlier speeches of his, absent from the context that follows.
        for (String line : voice) {
            assertThat(blocks[1]).doesNotContain(line);
            assertThat(TestDocuments.read(PromptCasesTest.PRECIEUSES)).contains(line.substring(line.indexOf("] ") + 2));
        }
        Prompt without = at(doc, 360, 11, PromptOptions.defaults().withBudget(600, TokenCounters.approximate()));
        assertThat(without.text()).doesNotStartWith(blocks[0]);
        assertThat(prompt.tokens()).isLessThanOrEqualTo(600);
    }

    @Test
    void aNewTurnsVoiceIsTheSpeakerBeforeTheLast() {
        DialogueDocument doc = doc(PromptCasesTest.PRECIEUSES);
        Prompt prompt = at(doc, 49, 0, PromptOptions.defaults().withBudget(120, TokenCounters.approximate()).withVoiceLines(1));
        assertThat(prompt.kind()).isEqualTo(ContinuationKind.NEW_TURN);
        // La Grange spoke last, Du Croisy before him: the model should hear Du Croisy.
        assertThat(prompt.text()).startsWith("[Du Croisy:] ");
        assertThat(Arrays.asList(prompt.text().split("\n"))).contains("");
    }
}

package org.replique.dialogue.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.TestDocuments;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.prompt.ContinuationKind;
import org.replique.dialogue.prompt.PromptBuilder;
import org.replique.dialogue.prompt.PromptOptions;

/** While a cue is being typed, the ghost text completes the cue, never speech glued to the name. */
class CueCompletionTest {
    private static final String SCENE = "SCÈNE I. Sganarelle, Lemercier.\n\nSGANARELLE. Qui va là ?\n\n"
            + "LEMERCIER. Un ami.\n\nSGANARELLE. Votre nom ?\n\n";

    private static DialogueDocument play(String text) {
        return Dialogue.parse("scene.play.txt", text);
    }

    private static int lastLine(String text) {
        return (int) text.chars().filter(c -> c == '\n').count();
    }

    @Test
    void aWholeNameWithoutPunctuationGetsThePlaysCuePunctuation() {
        String text = SCENE + "LEMERCIER";
        DialogueDocument doc = play(text);
        assertThat(CueCompletion.at(doc, lastLine(text), "LEMERCIER".length())).contains(".");
        // No speech is asked of the model there: it would be glued to the name.
        assertThat(PromptBuilder.build(doc, lastLine(text), "LEMERCIER".length(), PromptOptions.defaults()).kind())
                .isEqualTo(ContinuationKind.NONE);
    }

    @Test
    void theBeginningOfANameGetsTheRestOfItThenThePunctuation() {
        String text = SCENE + "LEM";
        assertThat(CueCompletion.at(play(text), lastLine(text), 3)).contains("ERCIER.");
        String twoWords = "SCÈNE I.\n\nLA GRANGE. Quoi ?\n\nDU CROISY. Rien.\n\nLA ";
        assertThat(CueCompletion.at(play(twoWords), lastLine(twoWords), 3)).contains("GRANGE.");
    }

    @Test
    void theFrenchColonStyleIsKept() {
        String file = "plays/moliere-precieuses-ridicules.play-colon-fr.txt";
        String text = TestDocuments.read(file).stripTrailing() + "\n\nLA GR";
        assertThat(CueCompletion.at(Dialogue.parse(file, text), lastLine(text), 5)).contains("ANGE :");
    }

    @Test
    void theSpeakerBeforeTheLastOneComesFirst() {
        // SGANARELLE spoke last, LEMERCIER before him: "L" is taken as the start of LEMERCIER, not LA FLÈCHE.
        String text = "SCÈNE I.\n\nLA FLÈCHE. Bonjour.\n\nLEMERCIER. Un ami.\n\nSGANARELLE. Votre nom ?\n\nL";
        assertThat(CueCompletion.at(play(text), lastLine(text), 1)).contains("EMERCIER.");
    }

    @Test
    void inAScreenplayOnlyTheRestOfTheNameIsOffered() {
        String text = TestDocuments.read("fountain/brick-and-steel.fountain").lines().limit(23)
                .reduce((a, b) -> a + "\n" + b).orElseThrow() + "\n\nSTE";
        DialogueDocument doc = Dialogue.parse("brick.fountain", text);
        assertThat(CueCompletion.at(doc, lastLine(text), 3)).contains("EL");
        String whole = text + "EL";
        // A whole cue needs nothing more: the model writes the speech below it.
        assertThat(CueCompletion.at(Dialogue.parse("brick.fountain", whole), lastLine(whole), 5)).isEmpty();
    }

    @Test
    void nothingIsOfferedOutsideACueBeingTyped() {
        String lower = SCENE + "Lem";
        assertThat(CueCompletion.at(play(lower), lastLine(lower), 3)).isEmpty();
        String unknown = SCENE + "XAVIER";
        assertThat(CueCompletion.at(play(unknown), lastLine(unknown), 6)).isEmpty();
        String textAfter = SCENE + "LEM ici";
        assertThat(CueCompletion.at(play(textAfter), lastLine(textAfter), 3)).isEmpty();
        String midParagraph = SCENE + "SGANARELLE. Et\nLEM";
        assertThat(CueCompletion.at(play(midParagraph), lastLine(midParagraph), 3)).isEmpty();
        String transcript = "[Marie:] Bonjour.\n[Pa";
        assertThat(CueCompletion.at(Dialogue.parse("x.transcript", transcript), 1, 3)).isEmpty();
    }
}

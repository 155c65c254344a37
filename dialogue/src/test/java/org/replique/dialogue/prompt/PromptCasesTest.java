package org.replique.dialogue.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.TestDocuments;
import org.replique.dialogue.document.DialogueDocument;

/** The four cursor cases of the prompt, on real documents. */
class PromptCasesTest {

    static final String BRICK = "fountain/brick-and-steel.fountain";
    static final String SITH = "fountain/cyber-bob-sith-super-informal-language.fountain";
    static final String PRECIEUSES = "plays/moliere-precieuses-ridicules.play.txt";
    static final String PRECIEUSES_COLON = "plays/moliere-precieuses-ridicules.play-colon-fr.txt";
    static final String PLAIDEURS = "plays/racine-plaideurs.play.txt";

    static DialogueDocument doc(String file) {
        return Dialogue.parse(file, TestDocuments.read(file));
    }

    static Prompt at(String file, int line, int column) {
        return PromptBuilder.build(doc(file), line, column, PromptOptions.defaults());
    }

    static Prompt at(DialogueDocument doc, int line, int column, PromptOptions options) {
        return PromptBuilder.build(doc, line, column, options);
    }

    // Case 1: an empty line after a speech.

    @Test
    void newTurnAfterASpeechInAScreenplay() {
        Prompt prompt = at(BRICK, 20, 0);
        assertThat(prompt.kind()).isEqualTo(ContinuationKind.NEW_TURN);
        assertThat(prompt.text()).isEqualTo("[Steel:] Beer's ready!\n");
        assertThat(prompt.speaker()).isNull();
    }

    @Test
    void newTurnAfterASpeechInAPlay() {
        Prompt prompt = at(PRECIEUSES, 23, 0);
        assertThat(prompt.kind()).isEqualTo(ContinuationKind.NEW_TURN);
        assertThat(prompt.text()).isEqualTo("[Du Croisy:] Seigneur la Grange.\n");
    }

    @Test
    void newTurnInANewSceneOpensANewConversation() {
        Prompt prompt = at(BRICK, 55, 0);
        assertThat(prompt.kind()).isEqualTo(ContinuationKind.NEW_TURN);
        assertThat(prompt.text()).endsWith("[Brick:] Screw retirement.\n\n");
    }

    // Case 2: right after a cue, or on the cue line after the name.

    @Test
    void fixedSpeakerOnTheCueLine() {
        Prompt prompt = at(BRICK, 21, 5);
        assertThat(prompt.kind()).isEqualTo(ContinuationKind.FIXED_SPEAKER);
        assertThat(prompt.speaker()).isEqualTo("BRICK");
        assertThat(prompt.text()).isEqualTo("[Steel:] Beer's ready!\n[Brick:]");
        assertThat(prompt.stableLength()).isEqualTo("[Steel:] Beer's ready!\n".length());
    }

    @Test
    void fixedSpeakerForACueTheWriterIsTyping() {
        String text = String.join("\n", TestDocuments.read(BRICK).lines().limit(23).toList()) + "\n\nSTEEL";
        DialogueDocument doc = Dialogue.parse("brick.fountain", text);
        Prompt onTheCue = at(doc, 24, 5, PromptOptions.defaults());
        assertThat(onTheCue.kind()).isEqualTo(ContinuationKind.FIXED_SPEAKER);
        assertThat(onTheCue.text()).isEqualTo("[Steel:] Beer's ready!\n[Brick:] Are they cold?\n[Steel:]");

        DialogueDocument below = Dialogue.parse("brick.fountain", text + "\n");
        assertThat(at(below, 25, 0, PromptOptions.defaults()).text()).endsWith("[Brick:] Are they cold?\n[Steel:]");
    }

    @Test
    void aCapitalisedActionLineIsNotTakenForACue() {
        DialogueDocument doc = Dialogue.parse("x.fountain", "STEEL\nHello.\n\nTHE LIGHTS FAIL\n");
        assertThat(at(doc, 3, 15, PromptOptions.defaults()).kind()).isEqualTo(ContinuationKind.NONE);
        assertThat(at(doc, 4, 0, PromptOptions.defaults()).kind()).isEqualTo(ContinuationKind.NEW_TURN);
    }

    @Test
    void aNewCharactersFirstCueFixesTheSpeaker() {
        DialogueDocument doc = Dialogue.parse("x.fountain", "STEEL\nHello.\n\nPAUL\n");
        Prompt onTheCue = at(doc, 3, 4, PromptOptions.defaults());
        assertThat(onTheCue.kind()).isEqualTo(ContinuationKind.FIXED_SPEAKER);
        assertThat(onTheCue.text()).isEqualTo("[Steel:] Hello.\n[Paul:]");
        assertThat(at(doc, 4, 0, PromptOptions.defaults()).kind()).isEqualTo(ContinuationKind.FIXED_SPEAKER);
    }

    @Test
    void fixedSpeakerForAPlayCueBeingTyped() {
        String start = String.join("\n", TestDocuments.read(PRECIEUSES_COLON).lines().limit(23).toList());
        DialogueDocument doc = Dialogue.parse("precieuses.txt", start + "\n\nLA GRANGE :");
        Prompt prompt = at(doc, 24, 11, PromptOptions.defaults());
        assertThat(prompt.kind()).isEqualTo(ContinuationKind.FIXED_SPEAKER);
        assertThat(prompt.text()).isEqualTo("[Du Croisy:] Seigneur la Grange.\n[La Grange:]");
    }

    @Test
    void insideTheNameIsNoPlaceForDialogue() {
        assertThat(at(BRICK, 21, 2).kind()).isEqualTo(ContinuationKind.NONE);
    }

    // Case 3: inside a speech.

    @Test
    void midSpeechEndsInsideTheSpeakersLine() {
        Prompt prompt = at(BRICK, 22, 9);
        assertThat(prompt.kind()).isEqualTo(ContinuationKind.MID_SPEECH);
        assertThat(prompt.text()).isEqualTo("[Steel:] Beer's ready!\n[Brick:] Are they");
    }

    @Test
    void midSpeechJoinsTheVerseLinesTypedSoFar() {
        Prompt prompt = at(PLAIDEURS, 708, 16);
        assertThat(prompt.kind()).isEqualTo(ContinuationKind.MID_SPEECH);
        assertThat(prompt.speaker()).isEqualTo("L'INTIMÉ");
        assertThat(prompt.text()).endsWith("\n[L'Intimé:] Il ne dort non plus que votre père, Il se tourmente.");
    }

    // Case 4: after a parenthetical or a stage direction.

    @Test
    void afterAParentheticalBeforeAnyWordsTheSpeakerIsFixed() {
        Prompt dropped = at(BRICK, 30, 13);
        assertThat(dropped.kind()).isEqualTo(ContinuationKind.FIXED_SPEAKER);
        assertThat(dropped.text()).endsWith("[Steel:] Does a bear crap in the woods?\n[Steel:]");
        Prompt kept = PromptBuilder.build(doc(BRICK), 30, 13, PromptOptions.defaults().withDirections(DirectionPolicy.KEEP));
        assertThat(kept.kind()).isEqualTo(ContinuationKind.MID_SPEECH);
        assertThat(kept.text()).endsWith("\n[Steel:] (beer raised)");
    }

    @Test
    void afterAParentheticalInsideASpeechTheSpeechGoesOn() {
        Prompt prompt = at(SITH, 57, 15);
        assertThat(prompt.kind()).isEqualTo(ContinuationKind.MID_SPEECH);
        assertThat(prompt.text()).endsWith("\n[Bob:] Yeah, now I think it was a bad idea, too.");

        DialogueDocument onTheNextLine = Dialogue.parse("x.fountain", "BOB\nYeah, a bad idea.\n(To Cyber Boss)\n\n");
        Prompt next = at(onTheNextLine, 3, 0, PromptOptions.defaults());
        assertThat(next.kind()).isEqualTo(ContinuationKind.MID_SPEECH);
        assertThat(next.text()).isEqualTo("[Bob:] Yeah, a bad idea.");
    }

    @Test
    void afterAStageDirectionInsideAVerseSpeech() {
        Prompt dropped = at(PLAIDEURS, 709, 24);
        assertThat(dropped.kind()).isEqualTo(ContinuationKind.MID_SPEECH);
        assertThat(dropped.text()).endsWith("\n[L'Intimé:] Il ne dort non plus que votre père, Il se tourmente. Il vous...");
        Prompt kept = PromptBuilder.build(doc(PLAIDEURS), 709, 24, PromptOptions.defaults().withDirections(DirectionPolicy.KEEP));
        assertThat(kept.text()).endsWith("Il vous... (Apercevant Chicanneau.)");
    }

    // Where no dialogue belongs.

    @Test
    void noDialogueInHeadingsOrTheTitlePage() {
        assertThat(at(BRICK, 52, 10).kind()).isEqualTo(ContinuationKind.NONE);
        assertThat(at(BRICK, 0, 3).kind()).isEqualTo(ContinuationKind.NONE);
        assertThat(at(BRICK, 52, 10).text()).isEmpty();
    }
}

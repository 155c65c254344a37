package org.replique.dialogue.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.TestDocuments;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.prompt.ContinuationKind;
import org.replique.dialogue.prompt.Prompt;
import org.replique.dialogue.prompt.PromptBuilder;
import org.replique.dialogue.prompt.PromptOptions;
import org.replique.dialogue.render.Rendering.RenderedTurn;

class RendererTest {

    static final String BRICK = "fountain/brick-and-steel.fountain";
    static final String PRECIEUSES = "plays/moliere-precieuses-ridicules.play.txt";

    private static Rendering render(DialogueDocument doc, int line, int column, String output, RenderOptions options) {
        Prompt prompt = PromptBuilder.build(doc, line, column, PromptOptions.defaults());
        return Renderer.render(doc, prompt, output, options);
    }

    private static Rendering render(String file, int line, int column, String output) {
        return render(Dialogue.parse(file, TestDocuments.read(file)), line, column, output, RenderOptions.defaults());
    }

    private static Rendering render(String file, int line, int column, String output, RenderOptions options) {
        return render(Dialogue.parse(file, TestDocuments.read(file)), line, column, output, options);
    }

    // Fountain

    @Test
    void aNewSpeechIsACueBlockSeparatedByBlankLines() {
        Rendering rendering = render(BRICK, 20, 0, "[Brick:] Are they cold?\n");
        assertThat(rendering.text()).isEqualTo("\nBRICK\nAre they cold?\n");
        assertThat(rendering.complete()).isTrue();
        assertThat(rendering.turns()).containsExactly(new RenderedTurn("BRICK", "Are they cold?"));
    }

    @Test
    void theSameSpeakerAfterActionIsContinued() {
        assertThat(render(BRICK, 28, 0, "[Steel:] Cheers.\n").text()).isEqualTo("\nSTEEL (CONT'D)\nCheers.\n");
        assertThat(render(BRICK, 28, 0, "[Steel:] Cheers.\n", new RenderOptions(StopRule.ONE_SPEECH, false, false)).text())
                .isEqualTo("\nSTEEL\nCheers.\n");
    }

    @Test
    void cueBlocksTakeTheIndentationOfTheBlockAbove() {
        assertThat(render(BRICK, 63, 0, "[Jack:] And then?\n").text()).isEqualTo("\n\t\t\tJACK\n\tAnd then?\n");
    }

    @Test
    void theNextSpeechAfterTheEndOfASpeechIsANewBlockNeverGluedToIt() {
        // The cursor at the end of a speech; the model ends that speech at once and writes the next one.
        String scene = "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n\nPAUL\nLe train.";
        DialogueDocument doc = Dialogue.parse("scene.fountain", scene);
        Rendering fountain = render(doc, 6, 9, "\n[Marie:] Encore ?\n", new RenderOptions(StopRule.turns(2), true, false));
        assertThat(fountain.text()).isEqualTo("\n\nMARIE\nEncore ?");
        String play = "SCÈNE I.\n\nMARIE. Tu es en retard.\n\nPAUL. Le train.";
        Rendering inPlay = render(Dialogue.parse("scene.play.txt", play), 4, 15, "\n[Marie:] Encore ?\n",
                new RenderOptions(StopRule.turns(2), true, false));
        assertThat(inPlay.text()).isEqualTo("\n\nMARIE. Encore ?");
        String transcript = "[Marie:] Tu es en retard.\n[Paul:] Le train.";
        Rendering inTranscript = render(Dialogue.parse("scene.transcript", transcript), 1, 18, "\n[Marie:] Encore ?\n",
                new RenderOptions(StopRule.turns(2), true, false));
        assertThat(inTranscript.text()).isEqualTo("\n[Marie:] Encore ?");
    }

    @Test
    void onTheCueLineTheSpeechStartsOnTheNextLine() {
        assertThat(render(BRICK, 21, 5, " Are they cold?\n").text()).isEqualTo("\nAre they cold?");
    }

    @Test
    void insideASpeechTheWordsJoinTheTypedOnes() {
        assertThat(render(BRICK, 22, 14, " Really cold?\n").text()).isEqualTo(" Really cold?");
        assertThat(render(BRICK, 22, 9, " warm?\n").text()).isEqualTo("warm?");
    }

    @Test
    void aNewSpeakerIsWrittenInCapitals() {
        Rendering rendering = render(BRICK, 20, 0, "[Jérôme:] Salut.\n");
        assertThat(rendering.text()).isEqualTo("\nJÉRÔME\nSalut.\n");
        assertThat(rendering.turns().getFirst().speaker()).isEqualTo("Jérôme");
    }

    @Test
    void anUnknownIntervenantIsTheMostFrequentCharacterNotInThePrompt() {
        Rendering rendering = render(BRICK, 20, 0, "[Intervenant 4:] Hello.\n");
        // STEEL is the only one in the prompt; BRICK speaks most after him.
        assertThat(rendering.turns().getFirst().speaker()).isEqualTo("BRICK");
    }

    // Plays

    @Test
    void aPlayGetsItsOwnCueStyle() {
        assertThat(render(PRECIEUSES, 23, 0, "[La Grange:] Quoi ?\n").text()).isEqualTo("\nLA GRANGE. Quoi ?\n");
        assertThat(render("plays/moliere-precieuses-ridicules.play-colon-fr.txt", 23, 0, "[La Grange:] Quoi ?\n").text())
                .isEqualTo("\nLA GRANGE : Quoi ?\n");
    }

    @Test
    void punctuationAModelLeavesAtTheEndOfALabelIsNotPartOfTheName() {
        assertThat(render(PRECIEUSES, 23, 0, "[Le Second Fland,:] Il y a de moi-même.\n").text().strip())
                .isEqualTo("LE SECOND FLAND. Il y a de moi-même.");
    }

    @Test
    void aCastListNameComesBackAsTheCue() {
        assertThat(render(PRECIEUSES, 359, 0, "[Le Marquis de Mascarille:] Ah, ma foi.\n").turns().getFirst().speaker())
                .isEqualTo("MASCARILLE");
    }

    @Test
    void frenchTypographyFollowsTheDocument() {
        String play = """
                ALCESTE\u00A0: Qu\u2019est-ce donc\u00A0? Je ne veux point\u00A0; «\u00A0non\u00A0»\u00A0!

                PHILINTE\u00A0: L\u2019homme\u00A0! L\u2019ami\u00A0? Écoutez\u00A0: qu\u2019y faire\u00A0?

                """;
        DialogueDocument doc = Dialogue.parse("misanthrope.play", play);
        Rendering rendering = render(doc, 4, 0, "[Alceste:] Qu'avez-vous ? Rien : \"rien\" !\n", RenderOptions.defaults());
        assertThat(rendering.text()).isEqualTo("ALCESTE\u00A0: Qu\u2019avez-vous\u00A0? Rien\u00A0: «\u00A0rien\u00A0»\u00A0!");
    }

    @Test
    void plainSpacesStayPlainAndMissingOnesAreAdded() {
        assertThat(render(PRECIEUSES, 23, 0, "[La Grange:] Quoi? Vraiment!\n").text()).isEqualTo("\nLA GRANGE. Quoi ? Vraiment !\n");
    }

    @Test
    void afterAPlayCueTheSpeechFollowsOnTheLine() {
        DialogueDocument doc = Dialogue.parse("x.play", "ALCESTE. Laissez-moi.\n\nPHILINTE.");
        assertThat(render(doc, 2, 9, " Mais encore ?\n", RenderOptions.defaults()).text()).isEqualTo(" Mais encore ?");
        DialogueDocument bare = Dialogue.parse("x.play", "ALCESTE. Laissez-moi.\n\nPHILINTE. ");
        assertThat(render(bare, 2, 10, " Mais encore ?\n", RenderOptions.defaults()).text()).isEqualTo("Mais encore ?");
    }

    // Transcripts

    @Test
    void transcriptsKeepTheirLineFormat() {
        DialogueDocument named = Dialogue.parse("x.txt", "[Camille:] Bonjour Dominique.\n[Dominique:] Bonjour Camille.\n");
        assertThat(render(named, 2, 0, "[Camille:] Qu'allez-vous cuisiner ?\n[Dominique:] Une daube.\n",
                RenderOptions.defaults().withStop(StopRule.turns(2))).text())
                .isEqualTo("[Camille:] Qu'allez-vous cuisiner ?\n[Dominique:] Une daube.");
        DialogueDocument dash = Dialogue.parse("x.txt", "- Bonjour.\n- Salut.\n");
        assertThat(render(dash, 2, 0, "- Ça va ?\n", RenderOptions.defaults()).text()).isEqualTo("- Ça va ?");
        DialogueDocument typed = Dialogue.parse("x.txt", "[Camille:] Bonjour Dominique.\n[Dominique:]");
        assertThat(render(typed, 1, 12, " Bonjour Camille.\n", RenderOptions.defaults()).text()).isEqualTo(" Bonjour Camille.");
    }

    @Test
    void aDashPromptMapsBackToTheTwoSpeakersInTurn() {
        DialogueDocument doc = Dialogue.parse(BRICK, TestDocuments.read(BRICK));
        Prompt prompt = PromptBuilder.build(doc, 23, 0, PromptOptions.defaults().withLabels(org.replique.dialogue.claire.LabelStyle.DASH));
        Rendering rendering = Renderer.render(doc, prompt, "- Yes.\n- Good.\n", RenderOptions.defaults().withStop(StopRule.turns(2)));
        assertThat(rendering.turns()).extracting(RenderedTurn::speaker).containsExactly("STEEL", "BRICK");
    }

    // Stop rules

    @Test
    void oneSpeechStopsAtTheEndOfItsLine() {
        Rendering partial = render(BRICK, 20, 0, "[Brick:] Are they");
        assertThat(partial.complete()).isFalse();
        assertThat(partial.text()).isEqualTo("\nBRICK\nAre they\n");
        Rendering two = render(BRICK, 20, 0, "[Brick:] Yes.\n[Steel:] No.\n");
        assertThat(two.turns()).hasSize(1);
        assertThat(two.complete()).isTrue();
    }

    @Test
    void oneLineStopsAtTheFirstSentence() {
        RenderOptions line = RenderOptions.defaults().withStop(StopRule.ONE_LINE);
        Rendering done = render(BRICK, 22, 14, " Really? I hope so.\n", line);
        assertThat(done.text()).isEqualTo(" Really?");
        assertThat(done.complete()).isTrue();
        Rendering waiting = render(BRICK, 22, 14, " Really cold", line);
        assertThat(waiting.complete()).isFalse();
        assertThat(render(PRECIEUSES, 23, 0, "[La Grange:] « Quoi. » Non.\n", line).text()).isEqualTo("\nLA GRANGE. « Quoi. »\n");
    }

    @Test
    void nTurnsForGeneratingADialogue() {
        Rendering rendering = render(BRICK, 20, 0, "[Brick:] A.\n[Steel:] B.\n[Brick:] C.\n[Steel:] D.\n",
                RenderOptions.defaults().withStop(StopRule.turns(3)));
        assertThat(rendering.text()).isEqualTo("\nBRICK\nA.\n\nSTEEL\nB.\n\nBRICK\nC.\n");
        assertThat(rendering.complete()).isTrue();
    }

    @Test
    void theEndOfTheConversationEndsTheRendering() {
        Rendering rendering = render(BRICK, 20, 0, "[Brick:] A.\n\n[Steel:] B.\n", RenderOptions.defaults().withStop(StopRule.turns(3)));
        assertThat(rendering.turns()).hasSize(1);
        assertThat(rendering.complete()).isTrue();
    }

    @Test
    void neverAHeadingOrATransition() {
        RenderOptions three = RenderOptions.defaults().withStop(StopRule.turns(3));
        assertThat(render(BRICK, 20, 0, "[Brick:] A.\nINT. HOUSE - DAY\n", three).turns()).hasSize(1);
        assertThat(render(BRICK, 20, 0, "[Brick:] A.\n[Steel:] CUT TO:\n", three).turns()).hasSize(1);
        Rendering act = render(PRECIEUSES, 23, 0, "[La Grange:] A.\n[Acte II:] B.\n", three);
        assertThat(act.turns()).hasSize(1);
        assertThat(act.complete()).isTrue();
    }

    @Test
    void anUnfinishedLabelWaits() {
        Rendering rendering = render(BRICK, 20, 0, "[Brick:] A.\n[Ste", RenderOptions.defaults().withStop(StopRule.turns(3)));
        assertThat(rendering.turns()).hasSize(1);
        assertThat(rendering.complete()).isFalse();
    }

    @Test
    void onlySpeakersOfTheSceneWhenAsked() {
        RenderOptions present = RenderOptions.defaults().withStop(StopRule.turns(3)).withOnlyPresentSpeakers(true);
        Rendering rendering = render(BRICK, 20, 0, "[Brick:] A.\n[Cognito:] B.\n", present);
        assertThat(rendering.turns()).extracting(RenderedTurn::speaker).containsExactly("BRICK");
        assertThat(rendering.complete()).isTrue();
        // A play's heading lists who is on stage: Gorgibus may speak in scene II before he has.
        Rendering listed = render(PRECIEUSES, 51, 0, "[Gorgibus:] Eh bien ?\n", present);
        assertThat(listed.turns()).extracting(RenderedTurn::speaker).containsExactly("GORGIBUS");
    }

    @Test
    void nothingWhereNoDialogueBelongs() {
        Rendering rendering = render(BRICK, 52, 5, "[Brick:] A.\n");
        assertThat(rendering.text()).isEmpty();
        assertThat(rendering.complete()).isTrue();
    }

    @Test
    void consecutiveTurnsOfOneSpeakerBecomeOneSpeech() {
        Rendering rendering = render(BRICK, 20, 0, "[Brick:] A.\n[Brick:] B.\n[Steel:] C.\n", RenderOptions.defaults().withStop(StopRule.turns(2)));
        assertThat(rendering.turns()).containsExactly(new RenderedTurn("BRICK", "A. B."), new RenderedTurn("STEEL", "C."));
        assertThat(ContinuationKind.NEW_TURN).isEqualTo(PromptBuilder.build(Dialogue.parse(BRICK, TestDocuments.read(BRICK)), 20, 0,
                PromptOptions.defaults()).kind());
    }
}

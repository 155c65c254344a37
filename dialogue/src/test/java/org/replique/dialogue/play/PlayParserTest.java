package org.replique.dialogue.play;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.replique.dialogue.TestDocuments;
import org.replique.dialogue.document.CastMember;
import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.Scene;
import org.replique.dialogue.document.TextRange;
import org.replique.dialogue.document.Turn;

class PlayParserTest {

    private static List<ElementType> types(DialogueDocument doc) {
        return doc.elements().stream().map(Element::type).toList();
    }

    @Test
    void readsTheFrontMatterOfAFrenchPlay() {
        DialogueDocument doc = PlayParser.parse(TestDocuments.read("plays/moliere-precieuses-ridicules.play.txt"));
        assertThat(types(doc).subList(0, 3)).containsExactly(ElementType.TITLE, ElementType.CAST_LIST, ElementType.CAST_LIST);
        assertThat(doc.cast()).hasSize(12);
        assertThat(doc.cast().getFirst()).returns("LA GRANGE", CastMember::name).returns("amant rebuté.", CastMember::description);
        assertThat(doc.cast()).extracting(CastMember::name).contains("LE MARQUIS DE MASCARILLE", "DEUX PORTEURS DE CHAISE", "VIOLONS");
        Scene second = doc.scenes().get(1);
        assertThat(second.heading().text()).isEqualTo("SCÈNE II. Gorgibus, du Croisy, La Grange.");
        assertThat(second.onStage()).containsExactly("Gorgibus", "du Croisy", "La Grange");
    }

    @Test
    void cuesAndSpeechesKeepTheirRanges() {
        DialogueDocument doc = PlayParser.parse(TestDocuments.read("plays/racine-plaideurs.play.txt"));
        Turn first = doc.turns().getFirst();
        // "PETIT JEAN, traînant un gros sac de procès. Ma foi, sur l'avenir, bien fou qui se fiera." on line 19.
        assertThat(first.cue().range()).isEqualTo(TextRange.onLine(18, 0, 10));
        assertThat(first.cue().direction()).isEqualTo("traînant un gros sac de procès");
        assertThat(first.parts().getFirst()).returns(ElementType.STAGE_DIRECTION, Element::type)
                .returns(TextRange.onLine(18, 12, 42), Element::range);
        Element verse = first.parts().get(1);
        assertThat(verse.range().startLine()).isEqualTo(18);
        assertThat(verse.range().startColumn()).isEqualTo(44);
        assertThat(verse.text()).startsWith("Ma foi, sur l'avenir, bien fou qui se fiera.\nTel qui rit vendredi");
        assertThat(verse.range().endLine()).isEqualTo(66);
    }

    @Test
    void colonCuesWithFrenchSpacing() {
        DialogueDocument doc = PlayParser.parse(TestDocuments.read("plays/moliere-precieuses-ridicules.play-colon-fr.txt"));
        Turn first = doc.turns().getFirst();
        assertThat(first.cue().name()).isEqualTo("DU CROISY");
        assertThat(first.parts().getFirst().text()).isEqualTo("Seigneur la Grange.");
        assertThat(first.parts().getFirst().range()).isEqualTo(TextRange.onLine(22, 12, 31));
    }

    @Test
    void englishConventions() {
        DialogueDocument doc = PlayParser.parse("""
                HAMLET

                DRAMATIS PERSONAE

                HAMLET, Prince of Denmark.
                HORATIO, friend to Hamlet.

                ACT I

                Scene ii. A room of state in the castle.

                Enter HAMLET and HORATIO.

                HAMLET. [Aside.] A little more than kin, and less than kind.

                HORATIO: Hail to your lordship!

                [Exeunt.]
                """);
        assertThat(types(doc)).containsExactly(ElementType.TITLE, ElementType.CAST_LIST, ElementType.CAST_LIST, ElementType.CAST_LIST,
                ElementType.ACT, ElementType.SCENE, ElementType.STAGE_DIRECTION,
                ElementType.CHARACTER, ElementType.STAGE_DIRECTION, ElementType.DIALOGUE,
                ElementType.CHARACTER, ElementType.DIALOGUE, ElementType.STAGE_DIRECTION);
        assertThat(doc.cues()).extracting(Cue::name).containsExactly("HAMLET", "HORATIO");
        assertThat(doc.turns().getFirst().parts()).extracting(Element::text)
                .containsExactly("Aside.", "A little more than kin, and less than kind.");
        // A single name after the scene number is kept only when it is a character's.
        assertThat(doc.scenes().get(1).onStage()).isEmpty();
    }

    @Test
    void actAndSceneOnOneLine() {
        DialogueDocument doc = PlayParser.parse("Act 1, Scene 2\n\nBOB. Hi.\n");
        assertThat(types(doc)).containsExactly(ElementType.SCENE, ElementType.CHARACTER, ElementType.DIALOGUE);
    }

    @Test
    void aSpeechOnTheLineUnderItsCue() {
        DialogueDocument doc = PlayParser.parse("ALCESTE.\nLaissez-moi, je vous prie.\n\nPHILINTE.\nMais encore ?\n");
        assertThat(doc.turns()).hasSize(2);
        assertThat(doc.turns().get(1).parts().getFirst().range()).isEqualTo(TextRange.onLine(4, 0, 13));
    }

    @Test
    void anActingEditionCueAloneAboveItsSpeech() {
        DialogueDocument doc = PlayParser.parse("""
                PERSONNAGES

                ALCESTE, amant de Célimène.

                ALCESTE
                Laissez-moi, je vous prie.
                """);
        assertThat(doc.cues()).extracting(Cue::name).containsExactly("ALCESTE");
    }

    @Test
    void mixedCaseCuesWhenTheDocumentUsesThemThroughout() {
        DialogueDocument doc = PlayParser.parse("Alceste. Laissez-moi.\n\nPhilinte. Mais encore ?\n\nAlceste. Non.\n\nPhilinte. Si.\n\nAlceste. Non !\n\nPhilinte. Bon.\n");
        assertThat(doc.cues()).extracting(Cue::name).containsExactly("Alceste", "Philinte", "Alceste", "Philinte", "Alceste", "Philinte");
    }

    @Test
    void aDirectionBetweenSpeechesEndsTheSpeechAndAParagraphAfterASpeechContinuesIt() {
        DialogueDocument doc = PlayParser.parse("ALCESTE. Laissez-moi.\n\nEt je le dis encore.\n\n(Il sort.)\n\nPHILINTE. Bon.\n");
        assertThat(doc.turns()).hasSize(2);
        assertThat(doc.turns().getFirst().parts()).extracting(Element::text).containsExactly("Laissez-moi.", "Et je le dis encore.");
        assertThat(doc.elements()).filteredOn(e -> e.type() == ElementType.STAGE_DIRECTION).extracting(Element::text)
                .containsExactly("Il sort.");
    }

    @Test
    void aCueAloneIsASpeechBeingWrittenButNotATitleOrTheEnd() {
        DialogueDocument doc = PlayParser.parse("LE MISANTHROPE.\n\nALCESTE. Laissez-moi.\n\nPHILINTE.\n\nFIN.\n");
        assertThat(types(doc)).containsExactly(ElementType.TITLE, ElementType.CHARACTER, ElementType.DIALOGUE,
                ElementType.CHARACTER, ElementType.STAGE_DIRECTION);
        assertThat(doc.turns()).extracting(t -> t.cue().name()).containsExactly("ALCESTE", "PHILINTE");
        assertThat(doc.turns().get(1).parts()).isEmpty();
    }

    @Test
    void parsesATenMegabytePlay() {
        String play = TestDocuments.read("plays/marivaux-jeu-de-l-amour-et-du-hasard.play.txt");
        StringBuilder big = new StringBuilder(11_000_000);
        int copies = 0;
        while (big.length() < 10_000_000) {
            big.append(play).append("\n\n");
            copies++;
        }
        DialogueDocument doc = PlayParser.parse(big.toString());
        assertThat(doc.turns().size()).isEqualTo(721 * copies);
    }
}

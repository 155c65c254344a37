package org.replique.dialogue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.document.ElementType;

class FormatDetectorTest {

    @ParameterizedTest
    @CsvSource({
        "fountain/brick-and-steel.fountain, FOUNTAIN",
        "fountain/cyber-bob-ep01-traffic-control-dogs.fountain, FOUNTAIN",
        "fountain/cyber-bob-sith-super-informal-language.fountain, FOUNTAIN",
        "plays/moliere-precieuses-ridicules.play.txt, PLAY",
        "plays/moliere-precieuses-ridicules.play-colon-fr.txt, PLAY",
        "plays/racine-plaideurs.play.txt, PLAY",
        "plays/marivaux-jeu-de-l-amour-et-du-hasard.play.txt, PLAY",
        "plays/racine-plaideurs.named.txt, TRANSCRIPT",
        "dialogues/moliere-george-dandin.dash.txt, TRANSCRIPT",
        "dialogues/marivaux-ile-des-esclaves.intervenant.txt, TRANSCRIPT",
        "dialogues/marivaux-ile-des-esclaves.named.txt, TRANSCRIPT",
    })
    void tellsTheCorpusFilesApart(String file, DocumentFormat expected) {
        assertThat(Dialogue.detectFormat(file, TestDocuments.read(file))).isEqualTo(expected);
    }

    @Test
    void aPlayInAFountainFileIsNotSwallowedAsATitlePage() {
        String play = """
                ALCESTE: Laissez-moi, je vous prie.

                PHILINTE: Mais encore, dites-moi, quelle bizarrerie…
                """;
        assertThat(Dialogue.detectFormat("misanthrope.fountain", play)).isEqualTo(DocumentFormat.PLAY);
        DialogueDocument doc = Dialogue.parse("misanthrope.fountain", play);
        assertThat(doc.cues()).extracting(c -> c.name()).containsExactly("ALCESTE", "PHILINTE");
        assertThat(doc.elements()).noneMatch(e -> e.type() == ElementType.TITLE_ENTRY);
    }

    @Test
    void aSingleSpeechIsEnoughEvidence() {
        assertThat(Dialogue.detectFormat("scene.fountain", "ALCESTE: Laissez-moi, je vous prie.")).isEqualTo(DocumentFormat.PLAY);
    }

    @Test
    void aScreenplayWithATitlePageStaysFountainWhateverItsExtension() {
        String screenplay = """
                Title: Brick & Steel
                Author: Stu Maschwitz

                EXT. BRICK'S PATIO - DAY

                STEEL
                Beer's ready!
                """;
        assertThat(Dialogue.detectFormat("script.txt", screenplay)).isEqualTo(DocumentFormat.FOUNTAIN);
    }

    @Test
    void withoutEvidenceTheExtensionDecides() {
        assertThat(Dialogue.detectFormat("empty.fountain", "")).isEqualTo(DocumentFormat.FOUNTAIN);
        assertThat(Dialogue.detectFormat("empty.play", "")).isEqualTo(DocumentFormat.PLAY);
        assertThat(Dialogue.detectFormat("notes.txt", "Some thoughts about act two.")).isEqualTo(DocumentFormat.FOUNTAIN);
    }

    @Test
    void theFormatCanBeForced() {
        String play = "ALCESTE: Laissez-moi, je vous prie.\n";
        DialogueDocument asFountain = Dialogue.parse(play, DocumentFormat.FOUNTAIN);
        assertThat(asFountain.format()).isEqualTo(DocumentFormat.FOUNTAIN);
        assertThat(asFountain.cues()).isEmpty();
    }
}

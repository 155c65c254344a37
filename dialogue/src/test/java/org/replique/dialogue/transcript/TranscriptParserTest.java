package org.replique.dialogue.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.dialogue.TestDocuments;
import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.TextRange;
import org.replique.dialogue.document.Turn;

class TranscriptParserTest {

    @ParameterizedTest
    @ValueSource(strings = {"dialogues/moliere-george-dandin.dash.txt", "dialogues/moliere-george-dandin.intervenant.txt",
        "dialogues/moliere-george-dandin.named.txt", "dialogues/marivaux-ile-des-esclaves.named.txt", "plays/racine-plaideurs.named.txt"})
    void oneTurnPerLineAndOneSceneperConversation(String file) {
        String text = TestDocuments.read(file);
        DialogueDocument doc = TranscriptParser.parse(text);
        long lines = Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).count();
        long conversations = Arrays.stream(text.strip().split("\n\\s*\n")).count();
        assertThat((long) doc.turns().size()).isEqualTo(lines);
        assertThat((long) doc.scenes().size()).isEqualTo(conversations);
    }

    @Test
    void namedLinesHaveCuesAndDashLinesNone() {
        DialogueDocument named = TranscriptParser.parse(TestDocuments.read("dialogues/moliere-george-dandin.named.txt"));
        assertThat(named.cues().getFirst().name()).isEqualTo("George Dandin");
        assertThat(named.cues().getFirst().range()).isEqualTo(TextRange.onLine(0, 0, 16));
        DialogueDocument dash = TranscriptParser.parse(TestDocuments.read("dialogues/moliere-george-dandin.dash.txt"));
        assertThat(dash.cues()).isEmpty();
        assertThat(dash.turns().getFirst().parts().getFirst())
                .returns("Que diantre ce drôle-là vient-il faire chez moi ?", Element::text)
                .returns(TextRange.onLine(0, 2, 51), Element::range);
    }

    @Test
    void intervenantLabelsAreNames() {
        DialogueDocument doc = TranscriptParser.parse("[Intervenant 1:] Bonjour Dominique.\n[Intervenant 2:] Bonjour Camille,\n");
        assertThat(doc.cues()).extracting(Cue::name).containsExactly("Intervenant 1", "Intervenant 2");
    }

    @Test
    void aLineWithoutMarkContinuesTheTurnAbove() {
        DialogueDocument doc = TranscriptParser.parse("[Camille:] Bonjour Dominique,\nqu'allez-vous nous cuisiner ?\n[Dominique:] Une daube.\n");
        assertThat(doc.turns()).hasSize(2);
        assertThat(doc.turns().getFirst().parts()).extracting(Element::text)
                .containsExactly("Bonjour Dominique,", "qu'allez-vous nous cuisiner ?");
    }

    @Test
    void aMonologueIsATurnWithoutCue() {
        DialogueDocument doc = TranscriptParser.parse("Mesdames et messieurs les députés, chers collègues, bonsoir.\n");
        Turn turn = doc.turns().getFirst();
        assertThat(turn.cue()).isNull();
        assertThat(turn.parts()).extracting(Element::type).containsExactly(ElementType.DIALOGUE);
    }

    @Test
    void aCueTypedWithoutWordsYetIsATurn() {
        DialogueDocument doc = TranscriptParser.parse("[Camille:] Bonjour.\n[Dominique:]");
        assertThat(doc.turns()).hasSize(2);
        assertThat(doc.turns().get(1).parts()).isEmpty();
    }
}

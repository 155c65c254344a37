package org.replique.dialogue.roster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.TestDocuments;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.roster.Roster.Entry;

class RosterTest {

    private static Roster of(String file) {
        return Roster.of(Dialogue.parse(file, TestDocuments.read(file)));
    }

    @Test
    void charactersByNumberOfSpeeches() {
        Roster roster = of("fountain/brick-and-steel.fountain");
        assertThat(roster.entries()).startsWith(new Entry("STEEL", 9), new Entry("BRICK", 4), new Entry("COGNITO", 3));
        assertThat(roster.names()).containsExactlyInAnyOrder("STEEL", "BRICK", "COGNITO", "JACK", "DAN", "MINION", "HANDSOME MAN");
    }

    @Test
    void theCastListAddsSilentRolesButNotLongerNamesOfSpeakers() {
        Roster roster = of("plays/moliere-precieuses-ridicules.play.txt");
        assertThat(roster.names().getFirst()).isEqualTo("MASCARILLE");
        assertThat(roster.names()).contains("DEUX PORTEURS DE CHAISE", "VOISINES", "LUCILE")
                .doesNotContain("LE MARQUIS DE MASCARILLE", "LE VICOMTE DE JODELET");
        assertThat(roster.entries()).contains(new Entry("VOISINES", 0));
    }

    @Test
    void theSpeakerBeforeTheLastComesFirstAndTheLastComesLast() {
        Roster roster = of("fountain/brick-and-steel.fountain");
        // After STEEL (line 19) then BRICK (line 22): STEEL first, BRICK last.
        assertThat(roster.rankedAt(24)).startsWith("STEEL").endsWith("BRICK");
        // In the trailer home, after JACK then DAN.
        assertThat(roster.rankedAt(64)).startsWith("JACK", "STEEL").endsWith("DAN");
    }

    @Test
    void atTheStartEveryoneByFrequency() {
        Roster roster = of("fountain/brick-and-steel.fountain");
        assertThat(roster.rankedAt(0)).isEqualTo(roster.names());
    }

    @Test
    void speechesSaidTogetherCountForEachSpeaker() {
        DialogueDocument doc = Dialogue.parse("x.play", "CHICANNEAU, LA COMTESSE. Oui.\n\nLA COMTESSE. Non.\n");
        assertThat(Roster.of(doc).entries()).containsExactly(new Entry("LA COMTESSE", 2), new Entry("CHICANNEAU", 1));
    }

    @Test
    void findsNamesHoweverTheyAreWritten() {
        Roster roster = of("plays/racine-plaideurs.play.txt");
        assertThat(roster.find("Petit-Jean")).isEqualTo("PETIT JEAN");
        assertThat(roster.find("l'intimé")).isEqualTo("L'INTIMÉ");
        assertThat(roster.find("Alceste")).isNull();
    }
}

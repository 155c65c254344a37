package org.replique.dialogue.claire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.replique.dialogue.document.CastMember;
import org.replique.dialogue.document.TextRange;

class ClaireNamesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ALCESTE|Alceste",
        "LA GRANGE|La Grange",
        "DU CROISY|Du Croisy",
        "L'INTIMÉ|L'Intimé",
        "LE MARQUIS DE MASCARILLE|Le Marquis de Mascarille",
        "MONSIEUR D'ARTAGNAN|Monsieur d'Artagnan",
        "JEAN-CLAUDE|Jean-Claude",
        "DR. BENNET|Dr. Bennet",
        "LOUIS XIV|Louis XIV",
        "ÉLODIE|Élodie",
        "HANDSOME MAN|Handsome Man",
        "McCLANE|McCLANE",
        "Camille Durand|Camille Durand",
        "Intervenant 2|Intervenant 2",
    })
    void titleCasesCapitalisedNamesAndKeepsWrittenOnes(String name, String label) {
        assertThat(ClaireNames.label(name)).isEqualTo(label);
    }

    @Test
    void aSpeechSaidTogetherJoinsTheNames() {
        assertThat(ClaireNames.label(List.of("CHICANNEAU", "LA COMTESSE"))).isEqualTo("Chicanneau et La Comtesse");
    }

    @Test
    void labelsCannotBreakTheLineSyntax() {
        assertThat(ClaireNames.label("BOB [BUILDER] : JR")).isEqualTo("Bob Builder Jr");
    }

    @Test
    void theMapGivesOneLabelPerPersonAndTheWayBack() {
        List<CastMember> cast = List.of(new CastMember("ALCESTE", "", TextRange.onLine(0, 0, 7)),
                new CastMember("LE MARQUIS DE MASCARILLE", "valet", TextRange.onLine(1, 0, 24)));
        SpeakerMap map = new SpeakerMap(LabelStyle.NAMED, cast);
        assertThat(map.label("ALCESTE", List.of("ALCESTE"))).isEqualTo("Alceste");
        assertThat(map.label("Alceste", List.of("Alceste"))).isEqualTo("Alceste");
        assertThat(map.label("MASCARILLE", List.of("MASCARILLE"))).isEqualTo("Le Marquis de Mascarille");
        assertThat(map.documentName("alceste")).isEqualTo("ALCESTE");
        assertThat(map.documentName("Le Marquis de Mascarille")).isEqualTo("MASCARILLE");
        assertThat(map.documentName("Philinte")).isNull();
        assertThat(map.documentNames()).containsExactly("ALCESTE", "MASCARILLE");
    }

    @Test
    void intervenantNumbersCountPeopleInOrder() {
        SpeakerMap map = new SpeakerMap(LabelStyle.INTERVENANT, List.of());
        assertThat(map.label("BRICK", List.of("BRICK"))).isEqualTo("Intervenant 1");
        assertThat(map.label("STEEL", List.of("STEEL"))).isEqualTo("Intervenant 2");
        assertThat(map.label("BRICK", List.of("BRICK"))).isEqualTo("Intervenant 1");
        assertThat(map.documentName("Intervenant 2")).isEqualTo("STEEL");
    }

    @Test
    void theSamePeopleInAnotherOrderKeepTheirLabel() {
        SpeakerMap map = new SpeakerMap(LabelStyle.NAMED, List.of());
        String first = map.label("CHICANNEAU, LA COMTESSE et L'INTIMÉ", List.of("CHICANNEAU", "LA COMTESSE", "L'INTIMÉ"));
        String second = map.label("CHICANNEAU, L'INTIMÉ et LA COMTESSE", List.of("CHICANNEAU", "L'INTIMÉ", "LA COMTESSE"));
        assertThat(second).isEqualTo(first).isEqualTo("Chicanneau et La Comtesse et L'Intimé");
    }

    @Test
    void aCastListNamesTheCharacterOfAShorterCue() {
        List<CastMember> cast = List.of(new CastMember("LE MARQUIS DE MASCARILLE", "", TextRange.onLine(0, 0, 24)),
                new CastMember("LE VICOMTE DE JODELET", "", TextRange.onLine(1, 0, 21)),
                new CastMember("PREMIER PORTEUR", "", TextRange.onLine(2, 0, 15)),
                new CastMember("SECOND PORTEUR", "", TextRange.onLine(3, 0, 14)));
        assertThat(ClaireNames.castLabel(cast, "MASCARILLE")).isEqualTo("Le Marquis de Mascarille");
        assertThat(ClaireNames.castLabel(cast, "Jodelet")).isEqualTo("Le Vicomte de Jodelet");
        assertThat(ClaireNames.castLabel(cast, "PORTEUR")).as("two candidates").isNull();
        assertThat(ClaireNames.castLabel(cast, "PREMIER PORTEUR")).as("the cast name itself").isNull();
    }

    @Test
    void claireTextIsOneLineWithPlainSpaces() {
        assertThat(ClaireText.normalize("  Ma foi,\nsur l\u2019avenir\u00A0!  ")).isEqualTo("Ma foi, sur l'avenir !");
    }
}

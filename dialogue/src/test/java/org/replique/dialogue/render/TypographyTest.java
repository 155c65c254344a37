package org.replique.dialogue.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.Dialogue;

class TypographyTest {

    private static Typography of(String text) {
        return Typography.of(Dialogue.parse(text, DocumentFormat.PLAY), 0);
    }

    @Test
    void narrowAndWideNoBreakSpacesAsTheDocumentUsesThem() {
        Typography typography = of("A\u202F? B\u202F! C\u202F; D\u00A0: E\u00A0: F\u00A0: G\u202F?");
        assertThat(typography.apply("Quoi ? Non ! Oui : si ; bon", '\n')).isEqualTo("Quoi\u202F? Non\u202F! Oui\u00A0: si\u202F; bon");
    }

    @Test
    void marksKeepTogetherAndTimesAreNotColons() {
        Typography typography = of("A\u00A0? B\u00A0! C\u00A0: D\u00A0; E\u00A0: F\u00A0?");
        assertThat(typography.apply("Quoi ?! À 10:30 ...", '\n')).isEqualTo("Quoi\u00A0?! À 10:30 ...");
    }

    @Test
    void aLeadingMarkTakesTheSpaceAfterAWordOfTheDocument() {
        Typography typography = of("A\u00A0? B\u00A0? C\u00A0?");
        assertThat(typography.apply(" ?", 'i')).isEqualTo("\u00A0?");
        assertThat(typography.apply("?", ' ')).isEqualTo("?");
    }

    @Test
    void tooLittleEvidenceLeavesTheModelsText() {
        assertThat(of("Quoi\u00A0?").apply("Quoi ? Non !", '\n')).isEqualTo("Quoi ? Non !");
    }

    @Test
    void englishSpacingRemovesTheSpace() {
        assertThat(of("What? Why? Now! How? Yes!").apply("Quoi ? Non !", '\n')).isEqualTo("Quoi? Non!");
    }

    @Test
    void apostrophesAndQuotes() {
        Typography typography = of("l\u2019homme, l\u2019ami, qu\u2019il, «\u00A0oui\u00A0», «\u00A0non\u00A0», «\u00A0si\u00A0»");
        assertThat(typography.apply("l'air \"de rien\"", '\n')).isEqualTo("l\u2019air «\u00A0de rien\u00A0»");
    }
}

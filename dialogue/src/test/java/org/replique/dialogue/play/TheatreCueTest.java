package org.replique.dialogue.play;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class TheatreCueTest {

    @Test
    void readsTheFrenchAndEnglishCueStyles() {
        assertThat(TheatreCue.match("ALCESTE. Laissez-moi, je vous prie.", KnownNames.none()))
                .returns("ALCESTE", TheatreCue::name).returns(".", TheatreCue::punctuation).returns(9, TheatreCue::textStart);
        assertThat(TheatreCue.match("PHILINTE : Mais encore, dites-moi", KnownNames.none()))
                .returns("PHILINTE", TheatreCue::name).returns(" :", TheatreCue::punctuation).returns(11, TheatreCue::textStart);
        assertThat(TheatreCue.match("PHILINTE\u00A0: Mais encore", KnownNames.none()))
                .returns("PHILINTE", TheatreCue::name).returns("\u00A0:", TheatreCue::punctuation);
        assertThat(TheatreCue.match("HAMLET: To be, or not to be", KnownNames.none()))
                .returns("HAMLET", TheatreCue::name).returns(":", TheatreCue::punctuation);
    }

    @Test
    void aDirectionAfterACommaOrInParentheses() {
        TheatreCue aside = TheatreCue.match("DORANTE, à part. Cette fille-ci m'étonne.", KnownNames.none());
        assertThat(aside.name()).isEqualTo("DORANTE");
        assertThat(aside.direction()).isEqualTo("à part");
        assertThat(aside.directionStart()).isEqualTo(9);
        assertThat(aside.textStart()).isEqualTo(17);
        TheatreCue laughing = TheatreCue.match("BOB (laughing): You wish.", KnownNames.none());
        assertThat(laughing.name()).isEqualTo("BOB");
        assertThat(laughing.direction()).isEqualTo("laughing");
        assertThat(laughing.punctuation()).isEqualTo(":");
    }

    @Test
    void aSpeechSaidTogether() {
        TheatreCue together = TheatreCue.match("CHICANNEAU, LA COMTESSE et L'INTIMÉ. Monsieur je viens ici", KnownNames.none());
        assertThat(together.name()).isEqualTo("CHICANNEAU, LA COMTESSE et L'INTIMÉ");
        assertThat(together.speakers()).containsExactly("CHICANNEAU", "LA COMTESSE", "L'INTIMÉ");
        assertThat(together.direction()).isNull();
    }

    @Test
    void anInnerPeriodNeedsAKnownNameOrTwoLetters() {
        assertThat(TheatreCue.match("M. JOURDAIN. Bonjour, Monsieur.", KnownNames.none()).name()).isEqualTo("M. JOURDAIN");
        KnownNames cast = new KnownNames();
        cast.add("DR. KNOCK");
        assertThat(TheatreCue.match("DR. KNOCK. Asseyez-vous.", cast).name()).isEqualTo("DR. KNOCK");
        assertThat(TheatreCue.match("DR. Asseyez-vous.", cast).name()).isEqualTo("DR");
    }

    @Test
    void mixedCaseCuesOnlyWhenKnown() {
        assertThat(TheatreCue.match("Hamlet. To be, or not to be.", KnownNames.none())).isNull();
        KnownNames known = new KnownNames();
        known.add("Hamlet");
        assertThat(TheatreCue.match("Hamlet. To be, or not to be.", known).name()).isEqualTo("Hamlet");
    }

    @Test
    void sentencesAreNotCues() {
        for (String line : List.of("Je vous dis. Non.", "A. Non.", "Non, pas du tout.", "(Il sort.)", "LES PRÉCIEUSES RIDICULES")) {
            assertThat(TheatreCue.match(line, KnownNames.none())).as(line).isNull();
        }
    }

    @Test
    void aCueAloneOnItsLine() {
        TheatreCue alone = TheatreCue.match("ALCESTE.", KnownNames.none());
        assertThat(alone.name()).isEqualTo("ALCESTE");
        assertThat(alone.textStart()).isEqualTo(8);
    }
}

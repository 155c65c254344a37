package org.replique.dialogue.document;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinesTest {

    @Test
    void splitsLikeAnEditorCountsLines() {
        assertThat(Lines.split("a\nb\r\nc\rd")).containsExactly("a", "b", "c", "d");
        assertThat(Lines.split("a\n")).containsExactly("a", "");
        assertThat(Lines.split("")).containsExactly("");
        assertThat(Lines.split("a\r\n\r\nb")).containsExactly("a", "", "b");
    }

    @Test
    void readsOnlyTheLinesAsked() {
        assertThat(Lines.split("a\nb\nc\nd", 2)).containsExactly("a", "b");
    }

    @Test
    void blankMeansSpacesTabsAndNoBreakSpaces() {
        assertThat(Lines.isBlank(" \t\u00A0")).isTrue();
        assertThat(Lines.isBlank(" x ")).isFalse();
        assertThat(Lines.indent("\t  word  ")).isEqualTo(3);
        assertThat(Lines.contentEnd("\t  word  ")).isEqualTo(7);
    }

    @Test
    void rangesCompareByLineThenColumn() {
        TextRange range = new TextRange(2, 4, 3, 1);
        assertThat(range.touches(2, 4)).isTrue();
        assertThat(range.touches(3, 1)).isTrue();
        assertThat(range.touches(3, 2)).isFalse();
        assertThat(range.endsBefore(3, 1)).isTrue();
        assertThat(range.union(TextRange.onLine(1, 0, 2))).isEqualTo(new TextRange(1, 0, 3, 1));
    }

    @Test
    void namesCompareAsWritersVaryThem() {
        assertThat(Names.key("Petit-Jean")).isEqualTo(Names.key("PETIT JEAN")).isEqualTo(Names.key("petit\u00A0jean"));
        assertThat(Names.key("L\u2019Intimé")).isEqualTo(Names.key("L'INTIMÉ"));
    }
}

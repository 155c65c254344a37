package org.replique.dialogue.fountain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class EmphasisTest {

    /** Emphasis as HTML, the way the fountain-tools formatting case prints it. */
    static String html(String text) {
        StringBuilder out = new StringBuilder();
        String[] lines = text.split("\n", -1);
        for (int l = 0; l < lines.length; l++) {
            if (l > 0) {
                out.append('\n');
            }
            String line = lines[l];
            List<Emphasis.Span> spans = Emphasis.spans(line);
            String[] before = new String[line.length() + 1];
            boolean[] marker = new boolean[line.length()];
            for (Emphasis.Span span : spans) {
                String open = switch (span.style()) {
                    case BOLD_ITALIC -> "<b><i>";
                    case BOLD -> "<b>";
                    case ITALIC -> "<i>";
                    case UNDERLINE -> "<u>";
                };
                String close = switch (span.style()) {
                    case BOLD_ITALIC -> "</i></b>";
                    case BOLD -> "</b>";
                    case ITALIC -> "</i>";
                    case UNDERLINE -> "</u>";
                };
                before[span.start()] = open;
                before[span.end() - span.marker()] = close;
                for (int k = 0; k < span.marker(); k++) {
                    marker[span.start() + k] = true;
                    marker[span.end() - 1 - k] = true;
                }
            }
            for (int i = 0; i < line.length(); i++) {
                if (before[i] != null) {
                    out.append(before[i]);
                }
                char c = line.charAt(i);
                boolean escape = c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '*' || line.charAt(i + 1) == '_');
                if (!marker[i] && !escape) {
                    out.append(c);
                }
            }
        }
        return out.toString();
    }

    @Test
    void readsTheFourStyles() {
        assertThat(html("*it* **bold** ***both*** _under_")).isEqualTo("<i>it</i> <b>bold</b> <b><i>both</i></b> <u>under</u>");
    }

    @Test
    void nestsItalicsInsideUnderline() {
        assertThat(html("_Steel's face FILLS the *Leupold Mark 4* scope_."))
                .isEqualTo("<u>Steel's face FILLS the <i>Leupold Mark 4</i> scope</u>.");
    }

    @Test
    void markerNextToASpaceDoesNothing() {
        assertThat(Emphasis.spans("He dialed *69 and then *23, and then hung up.")).isEmpty();
        assertThat(Emphasis.spans("a * b * c")).isEmpty();
        assertThat(Emphasis.spans("He dialed _69 and then 23 _, and then hung up.")).isEmpty();
    }

    @Test
    void escapedMarkersAreLiteral() {
        assertThat(html("**\\*9765\\***")).isEqualTo("<b>*9765*</b>");
        assertThat(Emphasis.strip("price \\*not\\* emphasis")).isEqualTo("price *not* emphasis");
    }

    @Test
    void neverSpansLines() {
        assertThat(Emphasis.strip("*share a look.\nThis is going to be BAD.*")).isEqualTo("*share a look.\nThis is going to be BAD.*");
    }

    @Test
    void stripKeepsTheWordsOnly() {
        assertThat(Emphasis.strip("Then let's retire them.\n_Permanently_.")).isEqualTo("Then let's retire them.\nPermanently.");
        assertThat(Emphasis.strip("*Did you know Brick and Steel are retired?*")).isEqualTo("Did you know Brick and Steel are retired?");
    }

    @Test
    void spansGiveMarkerPositions() {
        assertThat(Emphasis.spans("a **b** c")).containsExactly(new Emphasis.Span(Emphasis.Style.BOLD, 2, 7, 2));
    }
}

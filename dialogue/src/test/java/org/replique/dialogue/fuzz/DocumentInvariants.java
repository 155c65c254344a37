package org.replique.dialogue.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.Lines;
import org.replique.dialogue.document.Scene;
import org.replique.dialogue.document.TextRange;
import org.replique.dialogue.document.Turn;
import org.replique.fixtures.fuzz.FuzzSeeds;

/** What every parse of any text must satisfy: the parsers' contract, checked by the fuzz targets. */
final class DocumentInvariants {
    /** Seeds are cut to this many characters: the fuzzer mutates short inputs much faster. */
    static final int SEED_LENGTH = 3_000;

    private DocumentInvariants() {}

    /** The texts of the fixtures whose names end with {@code suffix}, cut, as JUnit arguments. */
    static Stream<Arguments> seeds(String folder, String suffix) {
        return FuzzSeeds.texts(folder, suffix).stream()
                .map(t -> t.length() > SEED_LENGTH ? t.substring(0, SEED_LENGTH) : t)
                .map(t -> Arguments.of(t));
    }

    /**
     * The document keeps the text's lines as LSP counts them, and every range it gives (elements,
     * cues, turns and their parts, scene headings, cast entries) lies inside those lines, in order.
     */
    static void check(String text, DialogueDocument doc) {
        List<String> lines = doc.lines();
        assertThat(lines).isEqualTo(Lines.split(text));
        TextRange previous = null;
        for (Element e : doc.elements()) {
            inside(lines, e.range(), "element " + e);
            assertThat(e.text()).isNotNull();
            if (previous != null) {
                assertThat(startsAtOrAfter(e.range(), previous)).as("elements in order: %s after %s", e, previous).isTrue();
            }
            previous = e.range();
        }
        for (Cue c : doc.cues()) {
            inside(lines, c.range(), "cue " + c);
            assertThat(c.name()).isNotNull();
            assertThat(c.speakers()).isNotEmpty();
        }
        int turns = 0;
        for (Scene s : doc.scenes()) {
            if (s.heading() != null) inside(lines, s.heading().range(), "scene heading " + s.heading());
            for (Turn t : s.turns()) {
                turns++;
                inside(lines, t.range(), "turn " + t);
                if (t.cue() != null) within(t.cue().range(), t.range(), "cue of " + t);
                for (Element part : t.parts()) {
                    inside(lines, part.range(), "part " + part);
                    within(part.range(), t.range(), "part " + part + " of its turn");
                }
            }
        }
        assertThat(doc.turns()).hasSize(turns);
        doc.cast().forEach(m -> inside(lines, m.range(), "cast entry " + m));
    }

    private static void inside(List<String> lines, TextRange r, String what) {
        assertThat(r.endLine()).as("%s ends on a line of the document", what).isLessThan(lines.size());
        assertThat(r.startColumn()).as("%s starts inside its line", what).isLessThanOrEqualTo(lines.get(r.startLine()).length());
        assertThat(r.endColumn()).as("%s ends inside its line", what).isLessThanOrEqualTo(lines.get(r.endLine()).length());
    }

    private static void within(TextRange inner, TextRange outer, String what) {
        assertThat(startsAtOrAfter(inner, outer) && endsAtOrBefore(inner, outer))
                .as("%s: %s lies within %s", what, inner, outer).isTrue();
    }

    private static boolean startsAtOrAfter(TextRange a, TextRange b) {
        return a.startLine() != b.startLine() ? a.startLine() > b.startLine() : a.startColumn() >= b.startColumn();
    }

    private static boolean endsAtOrBefore(TextRange a, TextRange b) {
        return a.endLine() != b.endLine() ? a.endLine() < b.endLine() : a.endColumn() <= b.endColumn();
    }
}

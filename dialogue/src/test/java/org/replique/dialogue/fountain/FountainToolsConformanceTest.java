package org.replique.dialogue.fountain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.fixtures.Fixtures;

class FountainToolsConformanceTest {

    record Case(String name, String input, String expected, boolean mergeActions, boolean mergeDialogue) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("Scratch", "Scratch.fountain", "Scratch.txt", true, true),
                new Case("SceneHeading", "SceneHeading.fountain", "SceneHeading.txt", true, true),
                new Case("ActionMerged", "Action.fountain", "Action-Merged.txt", true, true),
                new Case("ActionUnmerged", "Action.fountain", "Action-Unmerged.txt", false, true),
                new Case("Character", "Character.fountain", "Character.txt", true, true),
                new Case("DialogueMerged", "Dialogue.fountain", "Dialogue-Merged.txt", true, true),
                new Case("DialogueUnmerged", "Dialogue.fountain", "Dialogue-Unmerged.txt", true, false),
                new Case("Parenthetical", "Parenthetical.fountain", "Parenthetical.txt", true, true),
                new Case("Lyrics", "Lyrics.fountain", "Lyrics.txt", true, true),
                new Case("Transition", "Transition.fountain", "Transition.txt", true, true),
                new Case("TitlePage", "TitlePage.fountain", "TitlePage.txt", true, true),
                new Case("PageBreak", "PageBreak.fountain", "PageBreak.txt", true, true),
                new Case("LineBreaks", "LineBreaks.fountain", "LineBreaks.txt", true, true),
                new Case("Notes", "Notes.fountain", "Notes.txt", true, true),
                new Case("Boneyards", "Boneyards.fountain", "Boneyards.txt", true, true),
                new Case("Sections", "Sections.fountain", "Sections.txt", true, true),
                new Case("UTF8", "UTF8.fountain", "UTF8.txt", true, true),
                new Case("Tags", "Tags.fountain", "Tags.txt", true, true));
    }

    /**
     * Where we read an input differently on purpose: a fragment of the suite's expected dump and
     * what we produce in its place.
     */
    record Deviation(String testCase, String reason, String theirs, String ours) {
    }

    private static final String CONT_D = "(CONT'D) is an extension like (V.O.): we keep it as written (fountain-tools drops it)";
    private static final String NOTES = "notes are cut out of the text and kept as elements with their own ranges "
            + "(fountain-tools leaves [[n]] markers); a line holding only a note is not action";
    private static final String BLANK_ENDS_DIALOGUE = "a blank line ends a dialogue block even after a note (fountain-tools runs on); "
            + "a note cannot cross a blank line (fountain.io wants two spaces there), so [[This … line.]] stays text";

    static final List<Deviation> DEVIATIONS = List.of(
            new Deviation("Character", CONT_D,
                    "CHARACTER:\"STEEL\"\nDIALOGUE:\"Ignoring cont.\"",
                    "CHARACTER:\"STEEL\" \"(CONT'D)\"\nDIALOGUE:\"Ignoring cont.\""),
            new Deviation("Character", CONT_D,
                    "CHARACTER:\"STEEL\" \"(V.O.)\"\nDIALOGUE:\"Does this work with contd?\"",
                    "CHARACTER:\"STEEL\" \"(V.O.) (CONT'D)\"\nDIALOGUE:\"Does this work with contd?\""),
            new Deviation("Character", CONT_D,
                    "CHARACTER:\"STEEL\" \"(V.O.)\"\nDIALOGUE:\"And this?\"",
                    "CHARACTER:\"STEEL\" \"(V.O.) (CONT\u2019D)\"\nDIALOGUE:\"And this?\""),
            new Deviation("Character",
                    "a name needs a letter, not a leading letter: 3CPO is a cue like C3PO (fountain.io: \"R2D2\" works, \"23\" does not)",
                    "ACTION:\"3CPO\nNot work.\"",
                    "CHARACTER:\"3CPO\"\nDIALOGUE:\"Not work.\""),
            new Deviation("Parenthetical",
                    "every line of a dialogue block wholly in parentheses is a parenthetical, the second of two in a row too",
                    "DIALOGUE:\"(bouncy)\nAlso trying this?\"",
                    "PARENTHETICAL:\"bouncy\"\nDIALOGUE:\"Also trying this?\""),
            new Deviation("Notes", NOTES, "JACK[[0]]. They", "JACK. They"),
            new Deviation("Notes", NOTES, "strewn about the table.\n\n[[1]]\"", "strewn about the table.\""),
            new Deviation("Notes", BLANK_ENDS_DIALOGUE,
                    "retired?*\n\nHis hand is an inch from the receiver when the phone RINGS. Scott pauses for a moment, "
                            + "suspicious for some reason.[[2]] He looks around. Phone ringing.\nTesting a note without spaces[[3]]\n",
                    "retired?*\"\nACTION:\"His hand is an inch from the receiver when the phone RINGS. Scott pauses for a moment, "
                            + "suspicious for some reason.\n He looks around. Phone ringing.\n\nTesting a note without spaces[[This\n"
                            + "doesn't have spaces. Shouldn't work.\n\n"),
            new Deviation("Notes", BLANK_ENDS_DIALOGUE,
                    "\n[[3]]NOTE:\"This\ndoesn't have spaces. Shouldn't work.\"", ""),
            new Deviation("Boneyards",
                    "a boneyard that removes whole paragraphs leaves a paragraph break, so CUT TO: before it is a transition; "
                            + "no /*n*/ markers in the text",
                    "BAD.\n\nCUT TO:\n/*0*/\"",
                    "BAD.\"\nTRANSITION:\"CUT TO:\""),
            new Deviation("Sections",
                    "a title page starts only with a known key or one with a lower-case letter, so a first line CUT TO: is a transition",
                    "TITLEENTRY:\"CUT TO\":\"\"",
                    "TRANSITION:\"CUT TO:\""),
            new Deviation("Sections",
                    "a scene heading needs a blank line after it (fountain.io); with text right under it the line is a cue, as in screenplain",
                    "HEADING:\"INT. PALACE HALLWAY - NIGHT\"\nACTION:",
                    "CHARACTER:\"INT. PALACE HALLWAY - NIGHT\"\nDIALOGUE:"),
            new Deviation("Tags",
                    "#tags are a fountain-tools extension (useTags), not Fountain 1.1: we keep them as text",
                    null, """
                    HEADING:"INT. SCEHE 1 - DAY #scene1Day #mook:music #hababibibi"
                    ACTION:"This is scene 1, we think! #taggy

                                DAVE #tagtag
                        Nice day, right? #niceday?

                                CUT TO: #this_is_also_a_tag"
                    SECTION:"This is a Section" (1)
                    HEADING:"ext. OLYMPIA CIRCUS - NIGHT #tagtagtag #anothertag  #taggy"
                    ACTION:"...where the second-rate carnival is parked for the moment in an Alabama field. #carnivalfield"
                    HEADING:"FORCED HEADER #headeher"
                    ACTION:"JIM #jimtag
                    Bye! #bye:jim"
                    SECTION:"Another Sequence #hoopla" (2)
                    SECTION:"Another Act #actTag" (1)
                    HEADING:"INT./EXT. HEADER WITH SCENENUM #3# #tagtag"
                    HEADING:"EST BUCKET LIST #A3-1# #oohbutisthisatag?"
                    ACTION:". NOT A HEADER #bah\""""));

    static Stream<Case> conforming() {
        return cases().filter(c -> deviations(c).isEmpty());
    }

    static Stream<Case> deviating() {
        return cases().filter(c -> !deviations(c).isEmpty());
    }

    private static List<Deviation> deviations(Case c) {
        return DEVIATIONS.stream().filter(d -> d.testCase.equals(c.name)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conforming")
    void matchesTheSuite(Case c) throws IOException {
        assertThat(entries(ours(c))).isEqualTo(entries(read(c.expected)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deviating")
    void deviatesOnlyWhereDocumented(Case c) throws IOException {
        String theirs = read(c.expected);
        String expected = theirs;
        for (Deviation d : deviations(c)) {
            if (d.theirs == null) {
                expected = d.ours;
            } else {
                assertThat(expected).as("the suite's text that " + d.reason).contains(d.theirs);
                expected = expected.replace(d.theirs, d.ours);
            }
        }
        assertThat(entries(ours(c))).isEqualTo(entries(expected)).isNotEqualTo(entries(theirs));
    }

    @Test
    void countsEveryCaseOnce() {
        assertThat(cases().count()).isEqualTo(18);
        assertThat(conforming().count() + deviating().count()).isEqualTo(18);
    }

    /**
     * The suite's formatting case: emphasis to HTML. A closing marker followed by a space still
     * closes ({@code *Leupold Mark 4* scope}); fountain-tools wants no space after it.
     */
    @Test
    void emphasisMatchesTheFormattingCaseButForAClosingMarkerBeforeASpace() throws IOException {
        String theirs = read("Formatted.txt");
        String expected = theirs.replace("FILLS the *Leupold Mark 4* scope", "FILLS the <i>Leupold Mark 4</i> scope");
        assertThat(expected).isNotEqualTo(theirs);
        assertThat(EmphasisTest.html(read("Formatted.fountain"))).isEqualTo(expected);
    }

    private static String ours(Case c) throws IOException {
        return PeerDumps.fountainTools(FountainParser.parse(read(c.input)), c.mergeActions, c.mergeDialogue);
    }

    static String read(String name) throws IOException {
        Path path = Fixtures.file("documents/fountain/peer-fixtures/fountain-tools/" + name);
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    private static final Pattern ENTRY_START = Pattern.compile(
            "^(\\[\\[\\d+]]|/\\*\\d+\\*/)?(TITLEENTRY|HEADING|ACTION|CHARACTER|DIALOGUE|PARENTHETICAL|LYRIC|TRANSITION|PAGEBREAK|NOTE|BONEYARD|SECTION|SYNOPSIS):");

    /**
     * The dump split into entries. Whitespace at the edges of title-page values and centered text
     * is not compared: fountain-tools keeps it, Jouvence trims it, and so do we.
     */
    static List<String> entries(String dump) {
        List<String> entries = new ArrayList<>();
        for (String line : dump.split("\n", -1)) {
            if (entries.isEmpty() || ENTRY_START.matcher(line).find()) {
                entries.add(line);
            } else {
                entries.add(entries.removeLast() + "\n" + line);
            }
        }
        return entries.stream().map(FountainToolsConformanceTest::normalized).toList();
    }

    private static String normalized(String entry) {
        if (entry.startsWith("TITLEENTRY:")) {
            int valueStart = entry.indexOf("\":\"") + 3;
            String value = entry.substring(valueStart, entry.length() - 1);
            List<String> lines = new ArrayList<>();
            for (String line : value.split("\n", -1)) {
                if (!(lines.isEmpty() && line.isBlank())) {
                    lines.add(line.strip());
                }
            }
            return entry.substring(0, valueStart) + String.join("\n", lines) + "\"";
        }
        if (entry.endsWith("\" (centered)")) {
            String inner = entry.substring("ACTION:\"".length(), entry.length() - "\" (centered)".length());
            return "ACTION:\"" + inner.strip() + "\" (centered)";
        }
        return entry;
    }
}

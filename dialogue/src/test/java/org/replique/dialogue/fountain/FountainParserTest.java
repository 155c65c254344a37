package org.replique.dialogue.fountain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.replique.dialogue.TestDocuments;
import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.Scene;
import org.replique.dialogue.document.TextRange;

class FountainParserTest {

    private static List<ElementType> types(DialogueDocument doc) {
        return doc.elements().stream().map(Element::type).toList();
    }

    private static Element only(DialogueDocument doc, ElementType type) {
        List<Element> found = doc.elements().stream().filter(e -> e.type() == type).toList();
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    @Test
    void aHeadingWithTextRightUnderItIsACue() {
        DialogueDocument doc = FountainParser.parse("INT. SOMEWHERE - DAY\nThis is dialogue.\n");
        assertThat(types(doc)).containsExactly(ElementType.CHARACTER, ElementType.DIALOGUE);
        assertThat(doc.cues().getFirst().name()).isEqualTo("INT. SOMEWHERE - DAY");
    }

    @Test
    void aHeadingNeedsBlankLinesAroundIt() {
        DialogueDocument doc = FountainParser.parse("\nINT. HOUSE - DAY #12A#\n\nShe waits.\n");
        Element heading = only(doc, ElementType.SCENE_HEADING);
        assertThat(heading.text()).isEqualTo("INT. HOUSE - DAY");
        assertThat(heading.label()).isEqualTo("12A");
        assertThat(heading.range()).isEqualTo(TextRange.onLine(1, 0, 22));
        assertThat(doc.scenes()).extracting(Scene::heading).containsExactly(heading);
    }

    @Test
    void aForcedHeadingNeedsALetterOrDigitAfterTheDot() {
        DialogueDocument doc = FountainParser.parse(".SNIPER SCOPE POV\n\n...where the carnival is parked.\n");
        assertThat(types(doc)).containsExactly(ElementType.SCENE_HEADING, ElementType.ACTION);
        assertThat(doc.elements().getFirst().forced()).isTrue();
        assertThat(doc.elements().getFirst().text()).isEqualTo("SNIPER SCOPE POV");
    }

    @Test
    void aShoutedLineInsideDialogueIsDialogue() {
        DialogueDocument doc = FountainParser.parse("YORBLEF\nWHAT THE ACTUAL?!\nOkay.\n");
        assertThat(doc.cues()).hasSize(1);
        assertThat(only(doc, ElementType.DIALOGUE).text()).isEqualTo("WHAT THE ACTUAL?!\nOkay.");
    }

    @Test
    void mixedCaseNamesNeedTheAt() {
        DialogueDocument plain = FountainParser.parse("McCLANE\nYippee ki-yay.\n");
        assertThat(plain.cues()).isEmpty();
        DialogueDocument forced = FountainParser.parse("@McCLANE\nYippee ki-yay.\n");
        assertThat(forced.cues()).singleElement().satisfies(cue -> {
            assertThat(cue.name()).isEqualTo("McCLANE");
            assertThat(cue.forced()).isTrue();
        });
    }

    @Test
    void aNameNeedsALetter() {
        assertThat(FountainParser.parse("23 (O.S.)\nHello.\n").cues()).isEmpty();
        assertThat(FountainParser.parse("R2D2\nBeep.\n").cues()).extracting(Cue::name).containsExactly("R2D2");
        assertThat(FountainParser.parse("ÉLODIE\nBonjour.\n").cues()).extracting(Cue::name).containsExactly("ÉLODIE");
    }

    @Test
    void extensionsAreKeptAsWrittenAndLeftOutOfTheName() {
        Cue cue = FountainParser.parse("STEEL (V.O.) (CONT'D)\nDoes this work?\n").cues().getFirst();
        assertThat(cue.name()).isEqualTo("STEEL");
        assertThat(cue.extension()).isEqualTo("(V.O.) (CONT'D)");
        assertThat(FountainParser.parse("HANS (on the radio)\nWhat?\n").cues().getFirst().extension()).isEqualTo("(on the radio)");
    }

    @Test
    void aCueNeedsTextUnderItAndABlankLineAboveIt() {
        assertThat(FountainParser.parse("THE LIGHTS FAIL\n\nDarkness.\n").cues()).isEmpty();
        assertThat(FountainParser.parse("He turns.\nSTEEL\nHello.\n").cues()).isEmpty();
        assertThat(FountainParser.parse("He turns.\n\nSTEEL").cues()).isEmpty();
    }

    @Test
    void aLineEndingInTwoSpacesIsNotACue() {
        assertThat(FountainParser.parse("SCANNING THE AISLES...  \nWhere is that pit boss?\n").cues()).isEmpty();
    }

    @Test
    void aLineEndingInToIsNeverACue() {
        DialogueDocument doc = FountainParser.parse("CUT TO:\nThe next morning.\n");
        assertThat(doc.cues()).isEmpty();
        assertThat(types(doc)).containsExactly(ElementType.ACTION);
    }

    @Test
    void transitionsNeedBlankLinesAndNothingAfterTheColon() {
        assertThat(types(FountainParser.parse("\n    CUT TO:\n\n"))).containsExactly(ElementType.TRANSITION);
        assertThat(types(FountainParser.parse("\nNOT A TRANSITION TO:  \n\n"))).containsExactly(ElementType.ACTION);
        Element forced = only(FountainParser.parse("> Burn to White.\n"), ElementType.TRANSITION);
        assertThat(forced.text()).isEqualTo("Burn to White.");
        assertThat(forced.forced()).isTrue();
    }

    @Test
    void theDualCaretCountsOnlyRightAfterAnotherSpeech() {
        DialogueDocument paired = FountainParser.parse("STEEL\nScrew retirement.\n\nBRICK ^\nScrew retirement.\n");
        assertThat(paired.cues()).extracting(Cue::dual).containsExactly(false, true);
        assertThat(paired.cues().get(1).name()).isEqualTo("BRICK");
        DialogueDocument alone = FountainParser.parse("They drink.\n\nBRICK ^\nScrew retirement.\n");
        assertThat(alone.cues()).singleElement().satisfies(cue -> {
            assertThat(cue.name()).isEqualTo("BRICK");
            assertThat(cue.dual()).isFalse();
        });
        assertThat(FountainParser.parse("AND ^ (Dual)\nNo.\n").cues()).isEmpty();
    }

    @Test
    void twoSpacesKeepADialogueBlockGoing() {
        DialogueDocument doc = FountainParser.parse("DEALER\nTen.\n  \nHit or stand sir?\n\nHe waits.\n");
        assertThat(only(doc, ElementType.DIALOGUE).text()).isEqualTo("Ten.\n\nHit or stand sir?");
        assertThat(doc.turns()).hasSize(1);
    }

    @Test
    void parentheticalsSplitTheDialogue() {
        DialogueDocument doc = FountainParser.parse("STEEL\nThey're coming!\n(pause)\nNo, everybody!\n");
        assertThat(doc.turns().getFirst().parts()).extracting(Element::type)
                .containsExactly(ElementType.DIALOGUE, ElementType.PARENTHETICAL, ElementType.DIALOGUE);
        assertThat(doc.turns().getFirst().parts().get(1).text()).isEqualTo("(pause)");
    }

    @Test
    void theTitlePageTakesIndentedValuesAndEndsAtABlankLine() {
        DialogueDocument doc = FountainParser.parse("Title:\n\t_**BRICK & STEEL**_\n\t_**FULL RETIRED**_\nDraft date: 1/27/2012\n\nEXT. PATIO - DAY\n\nSun.\n");
        List<Element> entries = doc.elements().stream().filter(e -> e.type() == ElementType.TITLE_ENTRY).toList();
        assertThat(entries).extracting(Element::label).containsExactly("Title", "Draft date");
        assertThat(entries.getFirst().text()).isEqualTo("_**BRICK & STEEL**_\n_**FULL RETIRED**_");
        assertThat(entries.getFirst().range()).isEqualTo(new TextRange(0, 0, 2, 19));
        assertThat(types(doc)).endsWith(ElementType.SCENE_HEADING, ElementType.ACTION);
    }

    @Test
    void aCapitalisedFirstLineOpensNoTitlePage() {
        assertThat(types(FountainParser.parse("ALCESTE: Laissez-moi, je vous prie.\n"))).containsExactly(ElementType.ACTION);
        assertThat(types(FountainParser.parse("FADE IN:\n\nEXT. PARK - DAY\n\nDogs.\n")))
                .containsExactly(ElementType.ACTION, ElementType.SCENE_HEADING, ElementType.ACTION);
        assertThat(types(FountainParser.parse("TITLE: LOUD\n"))).containsExactly(ElementType.TITLE_ENTRY);
    }

    @Test
    void boneyardInsideASpeechDoesNotEndIt() {
        DialogueDocument doc = FountainParser.parse("BOB\nHello.\n/* (beat) */\nHow are you?\n");
        assertThat(doc.turns()).hasSize(1);
        assertThat(only(doc, ElementType.DIALOGUE).text()).isEqualTo("Hello.\nHow are you?");
        assertThat(only(doc, ElementType.BONEYARD).range()).isEqualTo(TextRange.onLine(2, 0, 12));
    }

    @Test
    void boneyardThatSwallowsParagraphsLeavesAParagraphBreak() {
        DialogueDocument doc = FountainParser.parse("Bad.\n\nCUT TO:\n/*\nINT. GARAGE - DAY\n\nThey drive.\n*/\nEXT. MANSION - DAY\n\nBeer.\n");
        assertThat(types(doc)).containsExactly(ElementType.ACTION, ElementType.TRANSITION, ElementType.BONEYARD,
                ElementType.SCENE_HEADING, ElementType.ACTION);
    }

    @Test
    void anUnclosedBoneyardIsText() {
        DialogueDocument doc = FountainParser.parse("BOB\nHello /* still typing\n");
        assertThat(doc.elements()).noneMatch(e -> e.type() == ElementType.BONEYARD);
        assertThat(only(doc, ElementType.DIALOGUE).text()).isEqualTo("Hello /* still typing");
    }

    @Test
    void notesAreCutOutWithTheirRanges() {
        DialogueDocument doc = FountainParser.parse("BOB\nHello[[check this]] there.\n");
        assertThat(only(doc, ElementType.DIALOGUE).text()).isEqualTo("Hello there.");
        Element note = only(doc, ElementType.NOTE);
        assertThat(note.text()).isEqualTo("check this");
        assertThat(note.range()).isEqualTo(TextRange.onLine(1, 5, 19));
        assertThat(only(doc, ElementType.DIALOGUE).range()).isEqualTo(TextRange.onLine(1, 0, 26));
    }

    @Test
    void aNoteCannotCrossABlankLine() {
        DialogueDocument doc = FountainParser.parse("Text[[one\n\ntwo]] more.\n");
        assertThat(doc.elements()).noneMatch(e -> e.type() == ElementType.NOTE);
    }

    @Test
    void lineLevelElements() {
        DialogueDocument doc = FountainParser.parse("# Act One\n\n## Sequence\n\n= The heist begins.\n\n===\n\n~Willy Wonka!\n\n> THE END <\n");
        assertThat(types(doc)).containsExactly(ElementType.SECTION, ElementType.SECTION, ElementType.SYNOPSIS,
                ElementType.PAGE_BREAK, ElementType.LYRICS, ElementType.CENTERED);
        assertThat(doc.elements()).extracting(Element::label).startsWith("1", "2");
        assertThat(doc.elements()).extracting(Element::text)
                .containsExactly("Act One", "Sequence", "The heist begins.", "", "Willy Wonka!", "THE END");
    }

    @Test
    void forcedActionKeepsCapitalsFromBecomingACue() {
        DialogueDocument doc = FountainParser.parse("!SCANNING THE AISLES...\nWhere is that pit boss?\n");
        assertThat(doc.cues()).isEmpty();
        assertThat(only(doc, ElementType.ACTION).text()).isEqualTo("SCANNING THE AISLES...\nWhere is that pit boss?");
        assertThat(only(doc, ElementType.ACTION).forced()).isTrue();
    }

    @Test
    void rangesOfARealScreenplayPointAtTheirText() {
        DialogueDocument doc = FountainParser.parse(TestDocuments.read("fountain/brick-and-steel.fountain"));
        for (Element element : doc.elements()) {
            TextRange range = element.range();
            if (range.startLine() == range.endLine() && element.type() == ElementType.DIALOGUE) {
                assertThat(doc.line(range.startLine()).substring(range.startColumn(), range.endColumn())).isEqualTo(element.text());
            }
            assertThat(range.endColumn()).isLessThanOrEqualTo(doc.line(range.endLine()).length());
        }
        // The tab-indented block of the trailer home scene: lines 57 and 58 of the file.
        Cue jack = doc.cues().stream().filter(c -> c.name().equals("JACK")).findFirst().orElseThrow();
        assertThat(jack.range()).isEqualTo(TextRange.onLine(56, 3, 7));
        // Lines end in CR LF in most of the file: no range takes the CR in.
        assertThat(doc.line(18)).isEqualTo("STEEL");
    }

    @Test
    void parsesATenMegabyteScreenplay() {
        String body = TestDocuments.read("fountain/brick-and-steel.fountain");
        body = body.substring(body.indexOf("EXT. BRICK'S PATIO"));
        StringBuilder big = new StringBuilder(11_000_000);
        int copies = 0;
        while (big.length() < 10_000_000) {
            big.append(body).append("\n\n");
            copies++;
        }
        DialogueDocument doc = FountainParser.parse(big.toString());
        // Counts, not lists: a failure must not print a million elements.
        assertThat(doc.cues().size()).isEqualTo(20 * copies);
        assertThat(doc.scenes().stream().filter(s -> s.heading() != null).count()).isEqualTo(8L * copies);
        assertThat(doc.lines().size()).isGreaterThan(500_000);
    }
}

package org.replique.dialogue.prompt;

import java.util.List;

import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.Lines;
import org.replique.dialogue.document.Scene;
import org.replique.dialogue.document.TextRange;
import org.replique.dialogue.document.Turn;
import org.replique.dialogue.fountain.CueLine;
import org.replique.dialogue.fountain.Emphasis;
import org.replique.dialogue.play.KnownNames;
import org.replique.dialogue.play.TheatreCue;

/**
 * Finds what the cursor is in: a speech (on its cue line, inside its words, or on the empty line
 * after a parenthetical or direction, which the speech goes on from), a cue being typed that the
 * parser cannot know yet (a Fountain cue needs the line after it), an empty line between
 * speeches, or somewhere no dialogue belongs.
 */
final class CursorLocator {
    private final DialogueDocument doc;
    private final List<Turn> turns;
    private final int[] sceneOfTurn;
    private final DirectionPolicy directions;

    private CursorLocator(DialogueDocument doc, DirectionPolicy directions) {
        this.doc = doc;
        this.turns = doc.turns();
        this.directions = directions;
        this.sceneOfTurn = ContextLines.sceneOfTurns(doc);
    }

    static CursorContext locate(DialogueDocument doc, int line, int column, DirectionPolicy directions) {
        return new CursorLocator(doc, directions).locate(line, column);
    }

    private CursorContext locate(int requestedLine, int requestedColumn) {
        int line = Math.clamp(requestedLine, 0, Math.max(0, doc.lines().size() - 1));
        String text = doc.line(line);
        int column = Math.clamp(requestedColumn, 0, text.length());
        boolean lineBlank = Lines.isBlank(text);

        int last = lastTurnStartingBefore(line, column);
        boolean cueLineOfLast = last >= 0 && turns.get(last).cue() != null && turns.get(last).cue().range().startLine() == line;
        if (!cueLineOfLast && playCueBeingTyped(line, column, text)) {
            // A capitalised name alone at a paragraph's start, without its punctuation yet: the
            // parser reads it as more of the speech above, but the writer is typing a cue.
            return context(line, column, text, ContinuationKind.NONE, null, List.of(), "", turnsEndingBefore(line, 0),
                    false, null);
        }
        if (last >= 0) {
            Turn turn = turns.get(last);
            TextRange range = turn.range();
            boolean inside = range.touches(line, column)
                    || range.endLine() == line && column >= range.endColumn() && text.substring(range.endColumn(), column).isBlank();
            boolean goesOn = lineBlank && line == range.endLine() + 1 && continuesAfter(turn);
            if (inside || goesOn) {
                return inTurn(last, line, column, text, goesOn);
            }
        }

        Typing cue = cueBeingTyped(line, column, text, lineBlank);
        if (cue != null) {
            int historyEnd = turnsEndingBefore(cue.line, 0);
            return context(line, column, text, ContinuationKind.FIXED_SPEAKER, cue.name, cue.speakers, "", historyEnd,
                    cue.line == line, null);
        }
        int historyEnd = turnsEndingBefore(line, column);
        ContinuationKind kind = lineBlank ? ContinuationKind.NEW_TURN : ContinuationKind.NONE;
        return context(line, column, text, kind, null, List.of(), "", historyEnd, false, null);
    }

    private CursorContext inTurn(int index, int line, int column, String text, boolean nextLine) {
        Turn turn = turns.get(index);
        StringBuilder typed = new StringBuilder();
        Element partAtCursor = null;
        for (Element part : turn.parts()) {
            TextRange range = part.range();
            boolean afterCursor = range.startLine() > line || range.startLine() == line && range.startColumn() > column;
            if (!nextLine && afterCursor) {
                break;
            }
            partAtCursor = part;
            boolean speech = part.type() == ElementType.DIALOGUE || part.type() == ElementType.LYRICS;
            if (speech) {
                append(typed, clean(source(range, line, column, nextLine)));
            } else if (directions == DirectionPolicy.KEEP && (nextLine || range.endsBefore(line, column))) {
                append(typed, part.type() == ElementType.PARENTHETICAL ? part.text() : "(" + part.text() + ")");
            }
        }
        // On the cue's line, before any of the speech's words (a play's speech may share the line).
        boolean wordsBefore = turn.parts().stream().anyMatch(p -> TurnText.isSpeech(p)
                && (p.range().startLine() < line || p.range().startLine() == line && p.range().startColumn() < column));
        boolean onCueLine = !nextLine && turn.cue() != null && turn.cue().range().startLine() == line
                && column >= turn.cue().range().startColumn() && !wordsBefore;
        if (onCueLine && column < turn.cue().range().endColumn()) {
            // Inside the name itself: that is cue completion, not dialogue.
            return context(line, column, text, ContinuationKind.NONE, null, List.of(), "", index, false, null);
        }
        String words = typed.toString().strip();
        boolean said = words.chars().anyMatch(Character::isLetterOrDigit);
        ContinuationKind kind = said ? ContinuationKind.MID_SPEECH : ContinuationKind.FIXED_SPEAKER;
        String speaker = turn.cue() == null ? null : turn.cue().name();
        List<String> speakers = turn.cue() == null ? List.of() : turn.cue().speakers();
        return context(line, column, text, kind, speaker, speakers, said ? words : "", index, onCueLine,
                onCueLine ? null : partAtCursor);
    }

    /** A cue the writer is typing, which the parser could not take for one yet. */
    private record Typing(int line, String name, List<String> speakers) {
    }

    private Typing cueBeingTyped(int line, int column, String text, boolean lineBlank) {
        int candidate = lineBlank ? line - 1 : line;
        if (candidate < 0 || (!lineBlank && !text.substring(column).isBlank())) {
            return null;
        }
        String cueText = doc.line(candidate);
        boolean paragraphStart = candidate == 0 || Lines.isBlank(doc.line(candidate - 1));
        if (!paragraphStart || Lines.isBlank(cueText)) {
            return null;
        }
        switch (doc.format()) {
            case FOUNTAIN -> {
                Element element = elementAt(candidate);
                CueLine cue = CueLine.parse(cueText);
                boolean actionLine = element != null && element.type() == ElementType.ACTION && element.range().endLine() == candidate;
                // A capitalised line alone may be action ("THE LIGHTS FAIL"): a cue if it names someone
                // who already speaks, carries a cue's marks (@, an extension), or is as short as a name
                // (a new character's first cue, the commonest thing a writer types before dialogue).
                boolean cueLike = cue != null && (cue.forced() || cue.extension() != null || speaksInDocument(cue.name())
                        || looksLikeAName(cue.name()));
                if (cueLike && actionLine) {
                    return new Typing(candidate, cue.name(), List.of(cue.name()));
                }
            }
            case PLAY -> {
                boolean lastOfParagraph = candidate + 1 >= doc.lines().size() || Lines.isBlank(doc.line(candidate + 1)) || candidate == line;
                TheatreCue cue = TheatreCue.match(cueText, KnownNames.none());
                if (cue != null && lastOfParagraph && cue.textStart() >= cueText.length()) {
                    return new Typing(candidate, cue.name(), cue.speakers());
                }
            }
            case TRANSCRIPT -> {
                // "[Name:]" is always read as a turn.
            }
        }
        return null;
    }

    /**
     * In a play, a paragraph that starts with a capitalised name and nothing else before the
     * cursor (no punctuation, nothing after it on the line): a cue on its way, as {@code LEMERCIER}.
     */
    private boolean playCueBeingTyped(int line, int column, String text) {
        if (doc.format() != DocumentFormat.PLAY || !text.substring(column).isBlank()
                || line > 0 && !Lines.isBlank(doc.line(line - 1))) {
            return false;
        }
        return org.replique.dialogue.document.Names.isCapitalisedName(text.substring(0, column).strip());
    }

    /** One or two words without sentence punctuation: PAUL, DICK STEEL, MRS. O'BRIEN. */
    private static boolean looksLikeAName(String name) {
        String[] words = name.strip().split("\\s+");
        return words.length <= 2 && !name.strip().matches(".*[!?,;]$") && !name.strip().endsWith("...");
    }

    private boolean speaksInDocument(String name) {
        String key = org.replique.dialogue.document.Names.key(name);
        return doc.cues().stream().anyMatch(c -> org.replique.dialogue.document.Names.key(c.name()).equals(key));
    }

    private CursorContext context(int line, int column, String text, ContinuationKind kind, String speaker,
                                  List<String> speakers, String typed, int historyEnd, boolean onCueLine, Element part) {
        int scene = sceneAt(line, historyEnd);
        String lastSpeaker = null;
        boolean afterAction = false;
        if (historyEnd > 0 && scene >= 0 && sceneOfTurn[historyEnd - 1] == scene) {
            Turn previous = turns.get(historyEnd - 1);
            lastSpeaker = previous.cue() == null ? null : previous.cue().name();
            afterAction = actionBetween(previous.range(), line);
        }
        boolean spaceBefore = column == 0 || Character.isWhitespace(text.charAt(column - 1)) || text.charAt(column - 1) == '\u00A0';
        boolean blankLineBefore = line == 0 || Lines.isBlank(doc.line(line - 1));
        boolean nextLineBlank = line + 1 >= doc.lines().size() || Lines.isBlank(doc.line(line + 1));
        return new CursorContext(line, column, kind, speaker, speakers, typed, historyEnd, scene, lastSpeaker, afterAction,
                onCueLine, part, spaceBefore, blankLineBefore, nextLineBlank);
    }

    /** The cursor's scene: by headings in screenplays and plays; in a transcript, a blank line starts a new one. */
    private int sceneAt(int line, int historyEnd) {
        List<Scene> scenes = doc.scenes();
        if (doc.format() == DocumentFormat.TRANSCRIPT) {
            if (historyEnd < turns.size() && turns.get(historyEnd).range().startLine() <= line) {
                return sceneOfTurn[historyEnd];
            }
            if (historyEnd == 0) {
                return -1;
            }
            Turn previous = turns.get(historyEnd - 1);
            boolean adjacent = previous.range().endLine() >= line - 1;
            return adjacent ? sceneOfTurn[historyEnd - 1] : -1;
        }
        int found = -1;
        for (int s = 0; s < scenes.size(); s++) {
            Scene scene = scenes.get(s);
            TextRange start = scene.heading() != null ? scene.heading().range()
                    : scene.turns().isEmpty() ? null : scene.turns().getFirst().range();
            if (start != null && start.startLine() <= line) {
                found = s;
            }
        }
        return found;
    }

    private boolean actionBetween(TextRange after, int line) {
        if (doc.format() != DocumentFormat.FOUNTAIN) {
            return false;
        }
        for (Element element : doc.elements()) {
            if (element.range().startLine() > line) {
                break;
            }
            if (element.type() == ElementType.ACTION && element.range().startLine() > after.endLine()) {
                return true;
            }
        }
        return false;
    }

    /** The speech goes on past its last line when it ended on a direction (case of {@code (beat)}) or has no words yet. */
    private static boolean continuesAfter(Turn turn) {
        if (turn.parts().isEmpty()) {
            return true;
        }
        ElementType last = turn.parts().getLast().type();
        return last == ElementType.PARENTHETICAL || last == ElementType.STAGE_DIRECTION;
    }

    private int lastTurnStartingBefore(int line, int column) {
        int low = 0;
        int high = turns.size() - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            TextRange range = turns.get(mid).range();
            boolean before = range.startLine() < line || range.startLine() == line && range.startColumn() <= column;
            if (before) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    private int turnsEndingBefore(int line, int column) {
        int count = 0;
        for (Turn turn : turns) {
            if (!turn.range().endsBefore(line, column)) {
                break;
            }
            count++;
        }
        return count;
    }

    private Element elementAt(int line) {
        Element found = null;
        for (Element element : doc.elements()) {
            if (element.range().startLine() > line) {
                break;
            }
            if (element.range().endLine() >= line && element.type() != ElementType.NOTE && element.type() != ElementType.BONEYARD) {
                found = element;
            }
        }
        return found;
    }

    /** Source text of a part up to the cursor, lines joined by spaces. */
    private String source(TextRange range, int line, int column, boolean wholePart) {
        int endLine = range.endLine();
        int endColumn = range.endColumn();
        if (!wholePart && (line < endLine || line == endLine && column < endColumn)) {
            endLine = line;
            endColumn = column;
        }
        StringBuilder text = new StringBuilder();
        for (int l = range.startLine(); l <= endLine; l++) {
            String source = doc.line(l);
            int from = l == range.startLine() ? range.startColumn() : 0;
            int to = l == endLine ? Math.min(endColumn, source.length()) : source.length();
            if (l > range.startLine()) {
                text.append(' ');
            }
            if (from < to) {
                text.append(source, from, to);
            }
        }
        return text.toString();
    }

    /** Fountain speech keeps no notes, boneyard or emphasis markers; other formats have none. */
    private String clean(String text) {
        if (doc.format() != DocumentFormat.FOUNTAIN) {
            return text;
        }
        String withoutNotes = text.replaceAll("\\[\\[.*?]]", "").replaceAll("/\\*.*?\\*/", "");
        return Emphasis.strip(withoutNotes);
    }

    private static void append(StringBuilder typed, String piece) {
        if (!piece.isBlank()) {
            if (!typed.isEmpty()) {
                typed.append(' ');
            }
            typed.append(piece);
        }
    }
}

package org.replique.dialogue.fountain;

import java.util.ArrayList;
import java.util.List;

import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.DocumentBuilder;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.Lines;
import org.replique.dialogue.document.TextRange;

/**
 * Parses Fountain 1.1 in one pass over the lines, looking one line back and one ahead.
 *
 * <p>Decisions where the peers disagree (each has a test): a scene heading and a transition need
 * a blank line before and after, so {@code INT. HOUSE - DAY} with text right under it is a cue;
 * any line with a letter and no lower-case letter before its first {@code (} can be a cue
 * ({@code 3CPO}, {@code R2D2}), but never one ending in {@code TO:}; extensions are kept as written,
 * {@code (CONT'D)} included; the dual caret must be the line's last character and only marks dual
 * dialogue right after another speech; consecutive parentheticals are all parentheticals.
 */
public final class FountainParser {
    private final MaskedLine[] masked;
    private final int[] shown;
    private final DocumentBuilder out;

    private final List<Piece> action = new ArrayList<>();
    private boolean actionForced;
    private final List<Piece> dialogue = new ArrayList<>();
    private boolean lastBlockWasSpeech;

    /** Part of a masked line, [from, to) in masked columns. */
    private record Piece(MaskedLine line, int from, int to) {
        String text() {
            return line.text.substring(from, to);
        }

        TextRange range() {
            return new TextRange(line.line, line.start(from), line.line, Math.max(line.start(from), line.end(to)));
        }
    }

    private FountainParser(List<String> source) {
        List<Element> asides = new ArrayList<>();
        this.masked = Masker.mask(source, asides);
        this.out = new DocumentBuilder(DocumentFormat.FOUNTAIN, source);
        asides.forEach(out::addAside);
        int count = 0;
        int[] indices = new int[masked.length];
        for (MaskedLine line : masked) {
            if (line.visibility != MaskedLine.Visibility.HIDDEN) {
                indices[count++] = line.line;
            }
        }
        this.shown = java.util.Arrays.copyOf(indices, count);
    }

    /** Parses a Fountain document. */
    public static DialogueDocument parse(String text) {
        return new FountainParser(Lines.split(text)).run();
    }

    private DialogueDocument run() {
        int body = titlePage();
        for (int k = body; k < shown.length; k++) {
            line(k, k == body || blank(k - 1), k + 1 >= shown.length || blank(k + 1));
        }
        closeBlocks();
        return out.build();
    }

    private MaskedLine at(int k) {
        return masked[shown[k]];
    }

    private boolean blank(int k) {
        return at(k).isBlank();
    }

    /** Reads the title page, if the document opens with one; returns the index of the body's first line. */
    private int titlePage() {
        if (shown.length == 0 || !TitlePage.opens(at(0).text)) {
            return 0;
        }
        int k = 0;
        String key = null;
        MaskedLine keyLine = null;
        List<String> value = new ArrayList<>();
        TextRange range = null;
        for (; k < shown.length; k++) {
            MaskedLine line = at(k);
            String[] entry = TitlePage.entry(line.text);
            if (line.isBlank()) {
                k++;
                break;
            }
            if (entry != null && !TitlePage.isContinuation(line.text)) {
                addTitleEntry(key, keyLine, value, range);
                key = entry[0];
                keyLine = line;
                value = new ArrayList<>();
                if (!entry[1].isEmpty()) {
                    value.add(entry[1]);
                }
                range = contentRange(line);
            } else if (key != null && TitlePage.isContinuation(line.text)) {
                value.add(line.text.strip());
                range = range.union(contentRange(line));
            } else {
                break;
            }
        }
        addTitleEntry(key, keyLine, value, range);
        return k;
    }

    private void addTitleEntry(String key, MaskedLine keyLine, List<String> value, TextRange range) {
        if (key != null) {
            out.add(new Element(ElementType.TITLE_ENTRY, range, String.join("\n", value), key, false));
        }
    }

    private static TextRange contentRange(MaskedLine line) {
        return new Piece(line, Lines.indent(line.text), Math.max(Lines.indent(line.text), Lines.contentEnd(line.text))).range();
    }

    private void line(int k, boolean blankBefore, boolean blankAfter) {
        MaskedLine line = at(k);
        if (line.isBlank()) {
            closeBlocks();
            return;
        }
        String text = line.text;
        String trimmed = text.strip();
        int indent = Lines.indent(text);
        Piece content = new Piece(line, indent, Math.max(indent, Lines.contentEnd(text)));

        if (out.inTurn()) {
            speechLine(line, trimmed, content);
            return;
        }
        if (trimmed.startsWith("!")) {
            closeDialogue();
            if (action.isEmpty()) {
                actionForced = true;
            }
            // The '!' is syntax, not text: the action's text and range start after it.
            action.add(new Piece(line, text.indexOf('!') + 1, text.length()));
            return;
        }
        if (trimmed.startsWith("@") && trimmed.length() > 1 && !blankAfter) {
            CueLine cue = CueLine.parse(text);
            if (cue != null) {
                startTurn(cue, content);
                return;
            }
        }
        if (FountainShapes.isPageBreak(text)) {
            single(ElementType.PAGE_BREAK, content, "", null, false);
        } else if (trimmed.startsWith("~")) {
            single(ElementType.LYRICS, content, trimmed.substring(1).strip(), null, false);
        } else if (trimmed.startsWith("#")) {
            int depth = 0;
            while (depth < trimmed.length() && trimmed.charAt(depth) == '#') {
                depth++;
            }
            single(ElementType.SECTION, content, trimmed.substring(depth).strip(), Integer.toString(depth), false);
        } else if (FountainShapes.isSynopsis(trimmed)) {
            single(ElementType.SYNOPSIS, content, trimmed.substring(1).strip(), null, false);
        } else if (FountainShapes.isCentered(trimmed)) {
            single(ElementType.CENTERED, content, trimmed.substring(1, trimmed.length() - 1).strip(), null, false);
        } else if (trimmed.startsWith(">")) {
            single(ElementType.TRANSITION, content, trimmed.substring(1).strip(), null, true);
        } else if (blankBefore && FountainShapes.isForcedHeading(trimmed)) {
            heading(content, trimmed.substring(1), true);
        } else if (blankBefore && blankAfter && FountainShapes.hasHeadingPrefix(trimmed)) {
            heading(content, trimmed, false);
        } else if (blankBefore && blankAfter && FountainShapes.isTransition(text)) {
            single(ElementType.TRANSITION, content, trimmed, null, false);
        } else if (blankBefore && !blankAfter && CueLine.parse(text) != null) {
            startTurn(CueLine.parse(text), content);
        } else {
            closeDialogue();
            if (action.isEmpty()) {
                actionForced = false;
            }
            action.add(new Piece(line, 0, text.length()));
        }
    }

    private void speechLine(MaskedLine line, String trimmed, Piece content) {
        if (trimmed.startsWith("~")) {
            closeDialogue();
            out.addPart(new Element(ElementType.LYRICS, content.range(), trimmed.substring(1).strip()));
        } else if (FountainShapes.isParenthetical(trimmed)) {
            closeDialogue();
            out.addPart(new Element(ElementType.PARENTHETICAL, content.range(), trimmed));
        } else {
            dialogue.add(content);
        }
    }

    private void startTurn(CueLine cue, Piece content) {
        boolean dual = cue.caret() && lastBlockWasSpeech;
        closeBlocks();
        Cue parsed = new Cue(content.range(), cue.name(), cue.extension(), dual, cue.forced(), null, List.of(cue.name()));
        out.startTurn(parsed, new Element(ElementType.CHARACTER, content.range(), content.text(), null, cue.forced()));
    }

    private void heading(Piece content, String heading, boolean forced) {
        closeBlocks();
        String[] split = FountainShapes.splitSceneNumber(heading);
        out.startScene(new Element(ElementType.SCENE_HEADING, content.range(), split[0], split[1], forced), List.of());
        lastBlockWasSpeech = false;
    }

    private void single(ElementType type, Piece content, String text, String label, boolean forced) {
        closeBlocks();
        out.add(new Element(type, content.range(), text, label, forced));
        lastBlockWasSpeech = false;
    }

    private void closeBlocks() {
        closeDialogue();
        if (out.inTurn()) {
            out.endTurn();
            lastBlockWasSpeech = true;
        }
        if (!action.isEmpty()) {
            out.add(new Element(ElementType.ACTION, span(action), joined(action, false), null, actionForced));
            action.clear();
            lastBlockWasSpeech = false;
        }
    }

    private void closeDialogue() {
        if (!dialogue.isEmpty()) {
            out.addPart(new Element(ElementType.DIALOGUE, span(dialogue), joined(dialogue, true)));
            dialogue.clear();
        }
    }

    private static TextRange span(List<Piece> pieces) {
        TextRange range = pieces.getFirst().range();
        for (Piece piece : pieces) {
            range = range.union(piece.range());
        }
        return range;
    }

    private static String joined(List<Piece> pieces, boolean strip) {
        StringBuilder text = new StringBuilder();
        for (Piece piece : pieces) {
            if (!text.isEmpty() || piece != pieces.getFirst()) {
                text.append('\n');
            }
            text.append(strip ? piece.text().strip() : piece.text());
        }
        return text.toString();
    }
}

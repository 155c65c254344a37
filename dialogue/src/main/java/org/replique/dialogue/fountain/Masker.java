package org.replique.dialogue.fountain;

import java.util.ArrayList;
import java.util.List;

import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.TextRange;

/**
 * Cuts boneyard ({@code /* … *}{@code /}) and notes ({@code [[ … ]]}) out of the source lines before
 * the Fountain rules run, as fountain.io prescribes, and records them as elements.
 *
 * <p>A boneyard or note left open is plain text: while the writer types {@code /*}, the rest of
 * the script does not vanish. A note cannot cross a blank line (the spec asks for two spaces
 * there). A line that held only boneyard or a note is skipped, so a commented-out line inside a
 * speech does not end it; a boneyard that swallowed whole paragraphs still separates the
 * paragraphs around it, so {@code CUT TO:} before it stays a transition.
 */
final class Masker {
    private final List<String> source;
    /** Cut intervals per line, in source columns, [from, to) pairs in order. */
    private final List<List<int[]>> cuts;
    /** Lines covered by a boneyard that held a blank line. */
    private final boolean[] paragraphBoneyard;
    final List<Element> asides = new ArrayList<>();

    private Masker(List<String> source) {
        this.source = source;
        this.cuts = new ArrayList<>(source.size());
        for (int i = 0; i < source.size(); i++) {
            cuts.add(null);
        }
        this.paragraphBoneyard = new boolean[source.size()];
    }

    /** Masks the lines; boneyard and note elements go to {@code asides}. */
    static MaskedLine[] mask(List<String> source, List<Element> asides) {
        Masker masker = new Masker(source);
        masker.cutBoneyards();
        MaskedLine[] lines = new MaskedLine[source.size()];
        for (int l = 0; l < lines.length; l++) {
            lines[l] = masker.build(l);
        }
        boolean[] noted = masker.cutNotes(lines);
        for (int l = 0; l < lines.length; l++) {
            if (noted[l]) {
                lines[l] = masker.build(l);
            }
        }
        asides.addAll(masker.asides);
        return lines;
    }

    private void cutBoneyards() {
        int line = 0;
        int column = 0;
        while (line < source.size()) {
            int open = source.get(line).indexOf("/*", column);
            if (open < 0) {
                line++;
                column = 0;
                continue;
            }
            int[] close = find(line, open + 2, "*/");
            if (close == null) {
                return; // nothing closes it, nor any later opening
            }
            TextRange range = new TextRange(line, open, close[0], close[1] + 2);
            String inner = between(line, open + 2, close[0], close[1]);
            asides.add(new Element(ElementType.BONEYARD, range, inner));
            boolean swallowsParagraphs = false;
            for (int l = line + 1; l < close[0]; l++) {
                swallowsParagraphs |= source.get(l).isBlank() && !source.get(l).equals("  ");
            }
            cut(range);
            if (swallowsParagraphs) {
                for (int l = line; l <= close[0]; l++) {
                    paragraphBoneyard[l] = true;
                }
            }
            line = close[0];
            column = close[1] + 2;
        }
    }

    private int[] find(int line, int column, String marker) {
        for (int l = line; l < source.size(); l++) {
            int at = source.get(l).indexOf(marker, l == line ? column : 0);
            if (at >= 0) {
                return new int[] {l, at};
            }
        }
        return null;
    }

    /** Cuts the notes out; returns the lines that had one. */
    private boolean[] cutNotes(MaskedLine[] lines) {
        boolean[] noted = new boolean[lines.length];
        int l = 0;
        int from = 0;
        while (l < lines.length) {
            String text = lines[l].text;
            int open = text.indexOf("[[", from);
            if (open < 0) {
                l++;
                from = 0;
                continue;
            }
            int[] close = findNoteEnd(lines, l, open + 2);
            if (close == null) {
                from = open + 2;
                continue;
            }
            MaskedLine last = lines[close[0]];
            TextRange range = new TextRange(l, lines[l].start(open), close[0], last.end(close[1] + 2));
            StringBuilder inner = new StringBuilder();
            for (int k = l; k <= close[0]; k++) {
                String t = lines[k].text;
                int a = k == l ? open + 2 : 0;
                int b = k == close[0] ? close[1] : t.length();
                if (k > l) {
                    inner.append('\n');
                }
                inner.append(t, a, b);
                cutMasked(lines[k], k == l ? open : 0, k == close[0] ? close[1] + 2 : t.length());
                noted[k] = true;
            }
            asides.add(new Element(ElementType.NOTE, range, inner.toString().strip()));
            l = close[0];
            from = close[1] + 2;
        }
        return noted;
    }

    /** The end of a note opened at (line, column): its {@code ]]}, unless a blank line comes first. */
    private static int[] findNoteEnd(MaskedLine[] lines, int line, int column) {
        for (int l = line; l < lines.length; l++) {
            if (l > line && lines[l].isBlank()) {
                return null;
            }
            int at = lines[l].text.indexOf("]]", l == line ? column : 0);
            if (at >= 0) {
                return new int[] {l, at};
            }
        }
        return null;
    }

    private void cutMasked(MaskedLine line, int from, int to) {
        if (from >= to) {
            return;
        }
        // Cut the source columns of the masked characters from..to, one run at a time.
        int runStart = line.start(from);
        int previous = runStart;
        for (int i = from + 1; i < to; i++) {
            int column = line.start(i);
            if (column != previous + 1) {
                addCut(line.line, runStart, previous + 1);
                runStart = column;
            }
            previous = column;
        }
        addCut(line.line, runStart, previous + 1);
    }

    private void cut(TextRange range) {
        for (int l = range.startLine(); l <= range.endLine(); l++) {
            int from = l == range.startLine() ? range.startColumn() : 0;
            int to = l == range.endLine() ? range.endColumn() : source.get(l).length();
            addCut(l, from, to);
        }
    }

    private void addCut(int line, int from, int to) {
        if (from >= to) {
            return;
        }
        List<int[]> list = cuts.get(line);
        if (list == null) {
            list = new ArrayList<>(2);
            cuts.set(line, list);
        }
        list.add(new int[] {from, to});
    }

    private String between(int line, int column, int endLine, int endColumn) {
        if (line == endLine) {
            return source.get(line).substring(column, endColumn);
        }
        StringBuilder text = new StringBuilder(source.get(line).substring(column));
        for (int l = line + 1; l < endLine; l++) {
            text.append('\n').append(source.get(l));
        }
        return text.append('\n').append(source.get(endLine), 0, endColumn).toString();
    }

    private MaskedLine build(int l) {
        String original = source.get(l);
        List<int[]> list = cuts.get(l);
        if (list == null) {
            return new MaskedLine(l, original, null, original.length(), MaskedLine.Visibility.SHOWN);
        }
        boolean[] removed = new boolean[original.length()];
        for (int[] cut : list) {
            for (int c = cut[0]; c < cut[1]; c++) {
                removed[c] = true;
            }
        }
        StringBuilder text = new StringBuilder(original.length());
        int[] origin = new int[original.length()];
        int kept = 0;
        for (int c = 0; c < original.length(); c++) {
            if (!removed[c]) {
                text.append(original.charAt(c));
                origin[kept++] = c;
            }
        }
        MaskedLine.Visibility visibility = MaskedLine.Visibility.SHOWN;
        if (text.toString().isBlank()) {
            visibility = paragraphBoneyard[l] ? MaskedLine.Visibility.BREAK : MaskedLine.Visibility.HIDDEN;
        }
        return new MaskedLine(l, text.toString(), java.util.Arrays.copyOf(origin, kept), original.length(), visibility);
    }
}

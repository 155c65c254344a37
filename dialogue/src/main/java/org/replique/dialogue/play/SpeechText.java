package org.replique.dialogue.play;

import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.TextRange;

/**
 * Splits the text of a speech, over one or several lines, into what is said (dialogue) and the
 * directions set inside it in parentheses or brackets ({@code (À part.)}, {@code [Aside]}).
 */
final class SpeechText {
    private SpeechText() {}

    private static final Pattern DIRECTION = Pattern.compile("\\(([^()]*)\\)|\\[([^\\[\\]]*)]");

    /** Emits the parts of the text from (firstLine, column) to the end of lastLine, in order. */
    static void parts(List<String> lines, int firstLine, int column, int lastLine, Consumer<Element> sink) {
        boolean directions = false;
        for (int l = firstLine; l <= lastLine && !directions; l++) {
            String line = lines.get(l);
            directions = line.indexOf('(') >= 0 || line.indexOf('[') >= 0;
        }
        if (!directions) {
            plain(lines, firstLine, column, lastLine, sink); // most speeches: no copy of the whole speech
            return;
        }
        StringBuilder flat = new StringBuilder();
        int[] lineStart = new int[lastLine - firstLine + 2];
        for (int l = firstLine; l <= lastLine; l++) {
            if (l > firstLine) {
                flat.append('\n');
            }
            lineStart[l - firstLine] = flat.length() - (l == firstLine ? column : 0);
            flat.append(l == firstLine ? lines.get(l).substring(Math.min(column, lines.get(l).length())) : lines.get(l));
        }
        lineStart[lastLine - firstLine + 1] = Integer.MAX_VALUE;
        Flat text = new Flat(flat.toString(), firstLine, lineStart);
        int from = 0;
        Matcher m = DIRECTION.matcher(text.value);
        while (m.find()) {
            dialogue(text, from, m.start(), sink);
            String inner = (m.group(1) != null ? m.group(1) : m.group(2)).strip().replaceAll("\\s+", " ");
            sink.accept(new Element(ElementType.STAGE_DIRECTION, text.range(m.start(), m.end()), inner));
            from = m.end();
        }
        dialogue(text, from, text.value.length(), sink);
    }

    /** A speech without directions: one dialogue element, its lines stripped. */
    private static void plain(List<String> lines, int firstLine, int column, int lastLine, Consumer<Element> sink) {
        StringBuilder joined = new StringBuilder();
        int startLine = -1;
        int startColumn = 0;
        int endLine = 0;
        int endColumn = 0;
        for (int l = firstLine; l <= lastLine; l++) {
            String line = lines.get(l);
            int from = l == firstLine ? Math.min(column, line.length()) : 0;
            while (from < line.length() && Character.isWhitespace(line.charAt(from))) {
                from++;
            }
            int to = line.length();
            while (to > from && Character.isWhitespace(line.charAt(to - 1))) {
                to--;
            }
            if (from >= to) {
                continue;
            }
            if (startLine < 0) {
                startLine = l;
                startColumn = from;
            } else {
                joined.append('\n');
            }
            joined.append(line, from, to);
            endLine = l;
            endColumn = to;
        }
        if (startLine >= 0) {
            sink.accept(new Element(ElementType.DIALOGUE, new TextRange(startLine, startColumn, endLine, endColumn), joined.toString()));
        }
    }

    private static void dialogue(Flat text, int from, int to, Consumer<Element> sink) {
        while (from < to && Character.isWhitespace(text.value.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(text.value.charAt(to - 1))) {
            to--;
        }
        if (from >= to) {
            return;
        }
        StringBuilder joined = new StringBuilder();
        for (String line : text.value.substring(from, to).split("\n")) {
            String stripped = line.strip();
            if (!stripped.isEmpty()) {
                if (!joined.isEmpty()) {
                    joined.append('\n');
                }
                joined.append(stripped);
            }
        }
        sink.accept(new Element(ElementType.DIALOGUE, text.range(from, to), joined.toString()));
    }

    /** The speech's lines joined by {@code \n}, with the way back to (line, column). */
    private record Flat(String value, int firstLine, int[] lineStart) {
        TextRange range(int from, int to) {
            int[] start = position(from);
            int[] end = position(to);
            return new TextRange(start[0], start[1], end[0], end[1]);
        }

        private int[] position(int offset) {
            int index = 0;
            // Few lines per speech: a linear walk is enough.
            while (index + 1 < lineStart.length && lineStart[index + 1] <= offset && lineStart[index + 1] != Integer.MAX_VALUE) {
                index++;
            }
            return new int[] {firstLine + index, offset - lineStart[index]};
        }
    }
}

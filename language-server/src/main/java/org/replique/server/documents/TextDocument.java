package org.replique.server.documents;

import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * The text of an open document at one version. Positions are LSP's: 0-based lines and UTF-16
 * code units, which are Java's {@code char} offsets; lines end at {@code \n}, {@code \r\n} or a
 * lone {@code \r}, as the protocol counts them (and as the dialogue parsers split them). Positions
 * past the end of a line or of the document are clamped, as the protocol asks.
 */
public final class TextDocument {
    private final String uri;
    private final String languageId;
    private final int version;
    private final String text;
    private int[] lineStarts;

    public TextDocument(String uri, String languageId, int version, String text) {
        this.uri = uri;
        this.languageId = languageId;
        this.version = version;
        this.text = text;
    }

    public String uri() {
        return uri;
    }

    public String languageId() {
        return languageId;
    }

    public int version() {
        return version;
    }

    public String text() {
        return text;
    }

    public int lineCount() {
        return lineStarts().length;
    }

    /** Character offset of a position, clamped into the document. */
    public int offset(Position p) {
        int[] starts = lineStarts();
        if (p.getLine() < 0) return 0;
        if (p.getLine() >= starts.length) return text.length();
        int start = starts[p.getLine()];
        return start + Math.max(0, Math.min(p.getCharacter(), lineEnd(p.getLine()) - start));
    }

    /** The position of a character offset. */
    public Position position(int offset) {
        int[] starts = lineStarts();
        int o = Math.max(0, Math.min(offset, text.length()));
        int line = java.util.Arrays.binarySearch(starts, o);
        if (line < 0) line = -line - 2;
        return new Position(line, o - starts[line]);
    }

    /** The text of line {@code line} without its line break, or "" past the end. */
    public String line(int line) {
        int[] starts = lineStarts();
        if (line < 0 || line >= starts.length) return "";
        return text.substring(starts[line], lineEnd(line));
    }

    /** Offset just past the last character of a line, before its line break ({@code \n}, {@code \r\n} or {@code \r}). */
    private int lineEnd(int line) {
        int[] starts = lineStarts();
        if (line + 1 >= starts.length) return text.length();
        int end = starts[line + 1] - 1;
        if (text.charAt(end) == '\n' && end > starts[line] && text.charAt(end - 1) == '\r') end--;
        return end;
    }

    /** The end of the last line that is not blank: where a writer continues the document. */
    public Position endOfText() {
        int line = lineCount() - 1;
        while (line > 0 && line(line).isBlank()) line--;
        return new Position(line, line(line).length());
    }

    /** A new version with {@code replacement} in place of {@code range} (or the whole text when null). */
    public TextDocument apply(Range range, String replacement, int newVersion) {
        if (range == null) {
            return new TextDocument(uri, languageId, newVersion, replacement);
        }
        int start = offset(range.getStart());
        int end = Math.max(start, offset(range.getEnd()));
        String next = new StringBuilder(text.length() - (end - start) + replacement.length())
                .append(text, 0, start).append(replacement).append(text, end, text.length()).toString();
        return new TextDocument(uri, languageId, newVersion, next);
    }

    /** Whether the character at {@code i} ends a line: a {@code \n}, or a {@code \r} not followed by one. */
    private boolean endsLine(int i) {
        char c = text.charAt(i);
        return c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'));
    }

    private int[] lineStarts() {
        int[] starts = lineStarts;
        if (starts == null) {
            int count = 1;
            for (int i = 0; i < text.length(); i++) if (endsLine(i)) count++;
            starts = new int[count];
            int k = 1;
            for (int i = 0; i < text.length(); i++) if (endsLine(i)) starts[k++] = i + 1;
            lineStarts = starts;
        }
        return starts;
    }
}

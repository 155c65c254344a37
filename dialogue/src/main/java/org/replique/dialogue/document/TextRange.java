package org.replique.dialogue.document;

/**
 * A span of a document: 0-based lines, columns in UTF-16 code units (Java string indices, as in
 * LSP), end exclusive.
 */
public record TextRange(int startLine, int startColumn, int endLine, int endColumn) {

    public TextRange {
        if (startLine < 0 || startColumn < 0 || endLine < startLine
                || (endLine == startLine && endColumn < startColumn)) {
            throw new IllegalArgumentException("bad range " + startLine + ":" + startColumn + "-" + endLine + ":" + endColumn);
        }
    }

    /** A span inside one line. */
    public static TextRange onLine(int line, int startColumn, int endColumn) {
        return new TextRange(line, startColumn, line, endColumn);
    }

    /** The smallest range covering both. */
    public TextRange union(TextRange other) {
        boolean thisStartsFirst = compare(startLine, startColumn, other.startLine, other.startColumn) <= 0;
        boolean thisEndsLast = compare(endLine, endColumn, other.endLine, other.endColumn) >= 0;
        return new TextRange(
                thisStartsFirst ? startLine : other.startLine, thisStartsFirst ? startColumn : other.startColumn,
                thisEndsLast ? endLine : other.endLine, thisEndsLast ? endColumn : other.endColumn);
    }

    /** Whether the position lies inside, both ends included (a cursor at the end still touches it). */
    public boolean touches(int line, int column) {
        return compare(line, column, startLine, startColumn) >= 0 && compare(line, column, endLine, endColumn) <= 0;
    }

    /** Whether this range ends at or before the position. */
    public boolean endsBefore(int line, int column) {
        return compare(endLine, endColumn, line, column) <= 0;
    }

    static int compare(int lineA, int columnA, int lineB, int columnB) {
        return lineA != lineB ? Integer.compare(lineA, lineB) : Integer.compare(columnA, columnB);
    }
}

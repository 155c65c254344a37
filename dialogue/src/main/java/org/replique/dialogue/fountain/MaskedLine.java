package org.replique.dialogue.fountain;

/**
 * A source line as the Fountain rules read it: boneyard and notes cut out, with the map back to
 * source columns so every element keeps its true range.
 */
final class MaskedLine {
    /** How a line takes part in the layout once boneyard and notes are gone. */
    enum Visibility {
        /** An ordinary line (possibly blank). */
        SHOWN,
        /** A line that held only a note or a boneyard inside a paragraph: as if it were not there. */
        HIDDEN,
        /** A line inside a boneyard that swallowed whole paragraphs: it still separates paragraphs. */
        BREAK
    }

    final int line;
    final String text;
    final Visibility visibility;
    /** Source column of each kept character; null when nothing was cut. */
    private final int[] origin;
    private final int sourceLength;

    MaskedLine(int line, String text, int[] origin, int sourceLength, Visibility visibility) {
        this.line = line;
        this.text = text;
        this.origin = origin;
        this.sourceLength = sourceLength;
        this.visibility = visibility;
    }

    /** Source column of the masked character at {@code index} (or of the line's end past the last one). */
    int start(int index) {
        if (origin == null) {
            return index;
        }
        if (index < origin.length) {
            return origin[index];
        }
        return origin.length == 0 ? sourceLength : origin[origin.length - 1] + 1;
    }

    /** Source column just after the masked character at {@code index - 1}. */
    int end(int index) {
        if (origin == null) {
            return index;
        }
        return index == 0 ? start(0) : origin[index - 1] + 1;
    }

    /** Blank for the Fountain rules: whitespace only, except a line of exactly two spaces, which continues a block. */
    boolean isBlank() {
        if (visibility == Visibility.BREAK) {
            return true;
        }
        return !text.equals("  ") && text.isBlank();
    }
}

package org.replique.server.completion;

import org.replique.dialogue.prompt.ContinuationKind;

/**
 * Where the model's text for one speech may be cut when it is shown before the model has finished:
 * after a sentence, or else after a whole word, and never before the first whole word of speech. A
 * word is known to be whole only once something that is not a letter follows it, so the text is cut
 * before that separator; a sentence is known to be over once a space follows its final mark.
 */
final class SpeechCut {
    private SpeechCut() {}

    /**
     * Where the speech's own words start in the model's text: after the {@code [Name:]} label or
     * the dash of a new turn, at 0 otherwise.
     */
    static int speechStart(CharSequence text, ContinuationKind kind) {
        if (kind != ContinuationKind.NEW_TURN) {
            return 0;
        }
        String s = text.toString();
        int start = 0;
        while (start < s.length() && s.charAt(start) == '\n') {
            start++;
        }
        if (s.startsWith("[", start)) {
            int close = s.indexOf(":]", start);
            return close < 0 ? s.length() : close + 2;
        }
        if (s.startsWith("- ", start) || s.startsWith("\u2014 ", start) || s.startsWith("\u2013 ", start)) {
            return start + 2;
        }
        return start;
    }

    /** The end of the last sentence after {@code from} that a space has followed, or -1. */
    static int lastSentenceEnd(CharSequence text, int from) {
        for (int i = text.length() - 1; i > from; i--) {
            if (!Character.isWhitespace(text.charAt(i))) {
                continue;
            }
            int end = i;
            while (end > from && isClosing(text.charAt(end - 1))) {
                end--;
            }
            int marks = end;
            while (marks > from && isFinal(text.charAt(marks - 1))) {
                marks--;
            }
            if (marks < end && hasWord(text, from, marks)) {
                return i;
            }
        }
        return -1;
    }

    /** The end of the last word after {@code from} that something other than a letter has followed, or -1. */
    static int lastWordEnd(CharSequence text, int from) {
        for (int i = text.length() - 1; i > from; i--) {
            char c = text.charAt(i);
            char before = text.charAt(i - 1);
            if (Character.isWhitespace(c) && !Character.isWhitespace(before) && hasWord(text, from, i)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The text the model has finished, cut so that it ends with whole words: as it is when the
     * speech ended (a newline, end of text, a stop string), else at its last sentence or word end.
     * Empty when not one whole word was written.
     */
    static String finished(String text, int from, boolean speechEnded) {
        if (speechEnded) {
            return hasWord(text, from, text.length()) ? text : "";
        }
        int cut = lastSentenceEnd(text, from);
        if (cut < 0) cut = lastWordEnd(text, from);
        return cut < 0 ? "" : text.substring(0, cut);
    }

    /** Whether {@code text[from, to)} holds a letter or a digit. */
    static boolean hasWord(CharSequence text, int from, int to) {
        for (int i = Math.max(0, from); i < to; i++) {
            if (Character.isLetterOrDigit(text.charAt(i))) return true;
        }
        return false;
    }

    private static boolean isFinal(char c) {
        return c == '.' || c == '!' || c == '?' || c == '\u2026';
    }

    private static boolean isClosing(char c) {
        return c == '\u00BB' || c == '"' || c == '\u201D' || c == ')' || c == '\u00A0' || c == '\u202F';
    }
}

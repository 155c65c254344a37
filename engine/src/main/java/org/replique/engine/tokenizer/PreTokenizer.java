package org.replique.engine.tokenizer;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Splits text into the words that byte-level BPE merges separately, as llama.cpp does for the
 * vocabulary's {@code tokenizer.ggml.pre}. Each style is a sequence of splitting steps; every step
 * splits each piece of the previous one on its own (a match never crosses a piece boundary) and
 * keeps the text between matches as pieces too, so no character is ever lost.
 *
 * <ul>
 * <li>{@link #FALCON}: runs of punctuation and ASCII symbols, then GPT-2's rule, then digits in
 * groups of three from the left ({@code 12345} → {@code 123}, {@code 45}).
 * <li>{@link #GPT2}: {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}.
 * <li>{@link #LLAMA3}: Llama 3's rule (case-insensitive contractions, a letter run with one
 * leading non-letter, at most three digits, newlines kept with what precedes them); its
 * vocabularies take a word that is a whole token as it is, without merging.
 * <li>{@link #DEFAULT}: what llama.cpp uses when the file names no pre-tokenizer.
 * </ul>
 *
 * <p>Character classes follow llama.cpp, which matches its first and last steps with a regular
 * expression over a text in which each non-ASCII character stands for its category: there
 * {@code \p{P}} is ASCII punctuation or a non-ASCII character of category P, and {@code [0-9]}
 * only ASCII digits.
 */
enum PreTokenizer {
    FALCON(false), GPT2(false), LLAMA3(true), DEFAULT(false);

    /** Whether a word that is itself a token skips the merges (Llama 3's {@code ignore_merges}). */
    final boolean wholeWordTokens;

    PreTokenizer(boolean wholeWordTokens) {
        this.wholeWordTokens = wholeWordTokens;
    }

    /** The style of a {@code tokenizer.ggml.pre} name (absent: {@code default}), if supported. */
    static Optional<PreTokenizer> named(String pre) {
        if (pre == null) return Optional.of(DEFAULT);
        return switch (pre) {
            case "default" -> Optional.of(DEFAULT);
            case "falcon" -> Optional.of(FALCON);
            case "gpt-2" -> Optional.of(GPT2);
            case "llama-bpe", "llama3", "llama-v3" -> Optional.of(LLAMA3);
            default -> Optional.empty();
        };
    }

    /** Whether vocabularies of this style want BOS when the file does not say. */
    boolean addsBosByDefault() {
        return this == LLAMA3;
    }

    /** The lengths (in code points) of the consecutive words of {@code cps}. */
    int[] split(int[] cps) {
        int[] pieces = {cps.length};
        return switch (this) {
            case FALCON -> digitTriples(cps, gpt2(cps, runs(cps, pieces, c -> punctuation(c, true))));
            case GPT2 -> gpt2(cps, pieces);
            case LLAMA3 -> llama3(cps, pieces);
            case DEFAULT -> digitTriples(cps, runs(cps, gpt2(cps, runs(cps, pieces, c -> punctuation(c, false))),
                    PreTokenizer::number));
        };
    }

    /**
     * {@code [\p{P}$+<=>^~|`]} (with the backtick) or {@code [\p{P}$+<=>^~|]} as llama.cpp matches
     * them: every printable ASCII character that is neither a letter nor a digit (minus the backtick
     * in the second form), and non-ASCII characters of category P.
     */
    private static boolean punctuation(int cp, boolean backtick) {
        if (cp < 128) {
            boolean symbol = (cp >= 0x21 && cp <= 0x2f) || (cp >= 0x3a && cp <= 0x40) || (cp >= 0x5b && cp <= 0x60)
                    || (cp >= 0x7b && cp <= 0x7e);
            return symbol && (backtick || cp != '`');
        }
        return !Codepoints.isWhitespace(cp) && Codepoints.category(cp) == Codepoints.Category.PUNCTUATION;
    }

    /** {@code \p{N}} as llama.cpp matches it: ASCII digits, and non-ASCII characters of category N. */
    private static boolean number(int cp) {
        if (cp < 128) return cp >= '0' && cp <= '9';
        return !Codepoints.isWhitespace(cp) && Codepoints.isNumber(cp);
    }

    private static boolean asciiDigit(int cp) {
        return cp >= '0' && cp <= '9';
    }

    /** Growable list of piece lengths. */
    private static final class Lengths {
        private int[] values = new int[16];
        private int size;

        void add(int length) {
            if (length <= 0) return;
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            values[size++] = length;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    /** {@code [class]+}: maximal runs of matching code points, and the text between them. */
    private static int[] runs(int[] cps, int[] pieces, IntPredicate inClass) {
        Lengths out = new Lengths();
        int start = 0;
        for (int length : pieces) {
            int end = start + length;
            int gap = start;
            int i = start;
            while (i < end) {
                if (!inClass.test(cps[i])) {
                    i++;
                    continue;
                }
                int j = i;
                while (j < end && inClass.test(cps[j])) j++;
                out.add(i - gap);
                out.add(j - i);
                gap = i = j;
            }
            out.add(end - gap);
            start = end;
        }
        return out.toArray();
    }

    /** {@code [0-9][0-9][0-9]}: groups of three ASCII digits from the left, and the text between them. */
    private static int[] digitTriples(int[] cps, int[] pieces) {
        Lengths out = new Lengths();
        int start = 0;
        for (int length : pieces) {
            int end = start + length;
            int gap = start;
            int i = start;
            while (i < end) {
                if (i + 2 < end && asciiDigit(cps[i]) && asciiDigit(cps[i + 1]) && asciiDigit(cps[i + 2])) {
                    out.add(i - gap);
                    out.add(3);
                    gap = i = i + 3;
                } else {
                    i++;
                }
            }
            out.add(end - gap);
            start = end;
        }
        return out.toArray();
    }

    /** One piece of text with llama.cpp's view of out-of-piece positions (no character there). */
    private record Piece(int[] cps, int start, int end) {
        static final int NONE = -1;

        int at(int pos) {
            return pos >= start && pos < end ? cps[pos] : NONE;
        }

        boolean letter(int pos) {
            int c = at(pos);
            return c != NONE && Codepoints.isLetter(c);
        }

        boolean number(int pos) {
            int c = at(pos);
            return c != NONE && Codepoints.isNumber(c);
        }

        boolean whitespace(int pos) {
            int c = at(pos);
            return c != NONE && Codepoints.isWhitespace(c);
        }

        /** A character that is neither whitespace, letter nor number: {@code [^\s\p{L}\p{N}]}. */
        boolean other(int pos) {
            int c = at(pos);
            return c != NONE && !Codepoints.isWhitespace(c) && !Codepoints.isLetter(c) && !Codepoints.isNumber(c);
        }
    }

    /** GPT-2's rule, applied to each piece. */
    private static int[] gpt2(int[] cps, int[] pieces) {
        Lengths out = new Lengths();
        int start = 0;
        for (int length : pieces) {
            Piece p = new Piece(cps, start, start + length);
            int pos = start;
            while (pos < p.end()) {
                int from = pos;
                int c = p.at(pos);
                if (c == '\'' && pos + 1 < p.end()) {
                    int next = p.at(pos + 1);
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos += 2;
                        out.add(pos - from);
                        continue;
                    }
                    int after = p.at(pos + 2);
                    if ((next == 'r' && after == 'e') || (next == 'v' && after == 'e') || (next == 'l' && after == 'l')) {
                        pos += 3;
                        out.add(pos - from);
                        continue;
                    }
                }
                int first = c == ' ' ? pos + 1 : pos; // " ?" before a letter, number or other run
                if (p.letter(first) || p.number(first) || p.other(first)) {
                    pos = first;
                    if (p.letter(first)) {
                        while (p.letter(pos)) pos++;
                    } else if (p.number(first)) {
                        while (p.number(pos)) pos++;
                    } else {
                        while (p.other(pos)) pos++;
                    }
                    out.add(pos - from);
                    continue;
                }
                int spaces = 0;
                while (p.whitespace(pos + spaces)) spaces++;
                if (spaces > 1 && p.at(pos + spaces) != Piece.NONE) {
                    pos += spaces - 1; // \s+(?!\S): the last space goes with the next word
                } else if (spaces > 0) {
                    pos += spaces;
                } else {
                    pos++;
                }
                out.add(pos - from);
            }
            start = p.end();
        }
        return out.toArray();
    }

    /** Llama 3's rule, applied to each piece. */
    private static int[] llama3(int[] cps, int[] pieces) {
        Lengths out = new Lengths();
        int start = 0;
        for (int length : pieces) {
            Piece p = new Piece(cps, start, start + length);
            int pos = start;
            while (pos < p.end()) {
                int from = pos;
                int c = p.at(pos);
                if (c == '\'' && pos + 1 < p.end()) {
                    int next = Character.toLowerCase(p.at(pos + 1));
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos += 2;
                        out.add(pos - from);
                        continue;
                    }
                    int after = pos + 2 < p.end() ? Character.toLowerCase(p.at(pos + 2)) : Piece.NONE;
                    if ((next == 'r' && after == 'e') || (next == 'v' && after == 'e') || (next == 'l' && after == 'l')) {
                        pos += 3;
                        out.add(pos - from);
                        continue;
                    }
                }
                // [^\r\n\p{L}\p{N}]?\p{L}+
                if (c != '\r' && c != '\n' && !p.number(pos) && (p.letter(pos) || p.letter(pos + 1))) {
                    pos++;
                    while (p.letter(pos)) pos++;
                    out.add(pos - from);
                    continue;
                }
                // \p{N}{1,3}
                if (p.number(pos)) {
                    int group = pos;
                    while (p.number(pos)) {
                        pos++;
                        if (pos - group >= 3) {
                            out.add(pos - group);
                            group = pos;
                        }
                    }
                    out.add(pos - group);
                    continue;
                }
                // ' ?[^\s\p{L}\p{N}]+[\r\n]*': a lone trailing space is taken here too, as llama.cpp does
                int first = c == ' ' ? pos + 1 : pos;
                if (p.other(first) || (c == ' ' && p.at(first) == Piece.NONE)) {
                    pos = first;
                    while (p.other(pos)) pos++;
                    while (p.at(pos) == '\r' || p.at(pos) == '\n') pos++;
                    out.add(pos - from);
                    continue;
                }
                int spaces = 0;
                int afterNewline = -1;
                while (p.whitespace(pos + spaces)) {
                    int s = p.at(pos + spaces);
                    if (s == '\r' || s == '\n') afterNewline = pos + spaces + 1;
                    spaces++;
                }
                if (afterNewline >= 0) {
                    pos = afterNewline; // \s*[\r\n]+
                } else if (spaces > 1 && p.at(pos + spaces) != Piece.NONE) {
                    pos += spaces - 1;
                } else if (spaces > 0) {
                    pos += spaces;
                } else {
                    pos++;
                }
                out.add(pos - from);
            }
            start = p.end();
        }
        return out.toArray();
    }
}

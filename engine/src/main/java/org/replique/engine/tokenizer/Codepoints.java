package org.replique.engine.tokenizer;

/**
 * Code points as llama.cpp's pre-tokenizers classify them: by Unicode general category (letter
 * {@code \p{L}}, number {@code \p{N}}, punctuation {@code \p{P}}, symbol, mark, separator, control,
 * unassigned) and by the Unicode {@code White_Space} property, which is not Java's
 * {@link Character#isWhitespace} (that one leaves out no-break spaces and adds U+001C–U+001F).
 * Categories come from the JDK's Unicode tables.
 */
final class Codepoints {
    /** The general categories llama.cpp distinguishes, each a group of Unicode's two-letter ones. */
    enum Category { UNDEFINED, NUMBER, LETTER, SEPARATOR, MARK, PUNCTUATION, SYMBOL, CONTROL }

    private Codepoints() {}

    static Category category(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> Category.LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> Category.NUMBER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> Category.MARK;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> Category.PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> Category.SYMBOL;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> Category.SEPARATOR;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> Category.CONTROL;
            default -> Category.UNDEFINED;
        };
    }

    static boolean isLetter(int cp) {
        return category(cp) == Category.LETTER;
    }

    static boolean isNumber(int cp) {
        return category(cp) == Category.NUMBER;
    }

    /** Unicode's {@code White_Space} property (25 code points). */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f
                || cp == 0x3000;
    }

    /**
     * The code points of {@code text}; an unpaired surrogate becomes U+FFFD, as any UTF-8 encoder
     * that replaces what it cannot encode hands such text to llama.cpp.
     */
    static int[] of(String text) {
        int[] out = new int[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            out[n++] = cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE ? 0xfffd : cp;
        }
        return java.util.Arrays.copyOf(out, n);
    }
}

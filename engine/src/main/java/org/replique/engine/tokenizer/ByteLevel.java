package org.replique.engine.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible mapping of the 256 byte values onto printable characters, in which byte-level
 * BPE vocabularies spell their pieces: printable Latin-1 bytes ({@code !}…{@code ~},
 * {@code ¡}…{@code ¬}, {@code ®}…{@code ÿ}) stand for themselves, and the 68 others (controls,
 * space, DEL, the no-break and soft hyphen) take U+0100, U+0101, … in byte order. A space is
 * therefore {@code Ġ} (U+0120) and a newline {@code Ċ} (U+010A).
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Byte of each character U+0000…U+01FF, or -1. */
    private static final int[] CHAR_TO_BYTE = new int[0x200];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    /** The character that spells byte {@code b}. */
    static char encode(int b) {
        return BYTE_TO_CHAR[b & 0xff];
    }

    /** The byte a character spells, or -1 when it is not one of the 256. */
    static int decode(int c) {
        return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The vocabulary spelling of some UTF-8 bytes: one character per byte. */
    static String encode(byte[] utf8, int from, int to) {
        char[] out = new char[to - from];
        for (int i = from; i < to; i++) out[i - from] = BYTE_TO_CHAR[utf8[i] & 0xff];
        return new String(out);
    }
}

package org.replique.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental detokenization: bytes of generated tokens are buffered until they form whole UTF-8
 * characters, so a streaming client never receives half of an {@code é} or a guillemet that a
 * model spelled with byte tokens. Bytes that can never form a character become U+FFFD.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private byte[] pending = new byte[8];
    private int pendingLength;
    /** True until the first byte: the text starts here, so a dummy-prefix space is dropped. */
    private boolean atStart;

    StreamingDecoder(Tokenizer tokenizer, boolean atStart) {
        this.tokenizer = tokenizer;
        this.atStart = atStart;
    }

    /** Adds a token and returns the text that became complete (possibly empty). */
    public String accept(int token) {
        byte[] piece = tokenizer.pieceBytes(token, false);
        if (atStart && piece.length > 0) {
            atStart = false;
            if (piece[0] == ' ') piece = Arrays.copyOfRange(piece, 1, piece.length);
        }
        if (pendingLength + piece.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + piece.length));
        }
        System.arraycopy(piece, 0, pending, pendingLength, piece.length);
        pendingLength += piece.length;
        int complete = completePrefix();
        String text = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return text;
    }

    /** Whatever is still buffered, with incomplete sequences replaced; the decoder is then empty. */
    public String flush() {
        String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        return text;
    }

    /** Bytes still waiting for the rest of a character. */
    public int pendingBytes() {
        return pendingLength;
    }

    /**
     * Length of the longest prefix that does not end inside a UTF-8 sequence that could still be
     * completed. A lead byte whose continuation is impossible is released (it decodes to U+FFFD).
     */
    private int completePrefix() {
        int end = pendingLength;
        // Look back at most 3 bytes for the lead byte of an unfinished sequence.
        for (int back = 1; back <= Math.min(3, end); back++) {
            int b = pending[end - back] & 0xff;
            if ((b & 0xc0) == 0x80) {
                continue; // continuation byte: keep looking for its lead byte
            }
            int needed = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 1;
            if (b >= 0xf5) needed = 1;
            return needed > back ? end - back : end;
        }
        return end;
    }
}

package org.replique.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE ({@code tokenizer.ggml.model = llama}) as llama.cpp applies it: spaces become
 * {@code ▁}, code points merge pairwise by highest piece score (leftmost first on ties), and
 * characters outside the vocabulary fall back to their UTF-8 bytes as {@code <0xXX>} tokens.
 */
final class SentencePieceBpe {
    static final char SPACE_MARK = '\u2581';

    private final Vocabulary vocab;

    SentencePieceBpe(Vocabulary vocab) {
        this.vocab = vocab;
    }

    /** Appends the ids of {@code text}, a fragment without special tokens (its dummy prefix already added). */
    void encode(String text, List<Integer> out) {
        text = text.replace(' ', SPACE_MARK);
        if (text.isEmpty()) return;
        List<Symbol> symbols = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            Symbol s = new Symbol();
            s.start = i;
            s.length = Character.charCount(text.codePointAt(i));
            s.prev = symbols.size() - 1;
            s.next = i + s.length < text.length() ? symbols.size() + 1 : -1;
            symbols.add(s);
            i += s.length;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < symbols.size(); i++) {
            addBigram(text, symbols, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            Symbol left = symbols.get(b.left);
            Symbol right = symbols.get(b.right);
            if (left.length == 0 || right.length == 0 || left.length + right.length != b.length) {
                continue; // one side has merged since this pair was queued
            }
            left.length += right.length;
            right.length = 0;
            left.next = right.next;
            if (right.next >= 0) symbols.get(right.next).prev = b.left;
            addBigram(text, symbols, left.prev, b.left, queue);
            addBigram(text, symbols, b.left, left.next, queue);
        }
        for (int i = 0; i != -1 && i < symbols.size(); i = symbols.get(i).next) {
            Symbol s = symbols.get(i);
            String piece = text.substring(s.start, s.start + s.length);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
            } else {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    int byteId = vocab.byteToken(b);
                    int token = byteId >= 0 ? byteId : vocab.unknown();
                    // A vocabulary with neither the byte nor an unknown token cannot encode it:
                    // the byte is dropped, as llama.cpp's BPE tokenizer drops it, never an id
                    // outside the vocabulary.
                    if (token >= 0) out.add(token);
                }
            }
        }
    }

    /** One symbol of the merge: a span of the text, linked to its neighbours. */
    private static final class Symbol {
        int start;
        int length;
        int prev;
        int next;
    }

    private record Bigram(int left, int right, float score, int length) {}

    private void addBigram(String text, List<Symbol> symbols, int left, int right, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) return;
        Symbol l = symbols.get(left);
        Symbol r = symbols.get(right);
        String joined = text.substring(l.start, l.start + l.length + r.length);
        int id = vocab.id(joined);
        if (id < 0) return;
        queue.add(new Bigram(left, right, vocab.score(id), joined.length()));
    }

    /** The bytes of a normal piece: {@code ▁} is a space. */
    static byte[] normalPieceBytes(String piece) {
        return piece.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
    }
}

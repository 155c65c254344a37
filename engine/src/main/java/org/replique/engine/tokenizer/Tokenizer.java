package org.replique.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.replique.engine.tokenizer.Vocabulary.TokenType;

/**
 * SentencePiece BPE as llama.cpp applies it to a GGUF vocabulary: spaces become {@code ▁}, a
 * dummy-prefix {@code ▁} starts every text that follows the start or a special token, code points
 * merge pairwise by highest piece score (leftmost first on ties), and characters outside the
 * vocabulary fall back to their UTF-8 bytes as {@code <0xXX>} tokens.
 */
public final class Tokenizer {
    private static final char SPACE_MARK = '\u2581';

    private final Vocabulary vocab;
    /** Pieces matched as whole tokens before BPE: control/unknown only on request, user-defined always. */
    private final List<Integer> specialTokens;

    public Tokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        List<Integer> special = new ArrayList<>();
        for (int id = 0; id < vocab.size(); id++) {
            TokenType t = vocab.type(id);
            if ((t == TokenType.CONTROL || t == TokenType.USER_DEFINED || t == TokenType.UNKNOWN)
                    && !vocab.piece(id).isEmpty()) {
                special.add(id);
            }
        }
        special.sort(Comparator.comparingInt((Integer id) -> vocab.piece(id).length()).reversed());
        this.specialTokens = List.copyOf(special);
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    /**
     * Token ids of {@code text}, with BOS first when {@code addBos} (and the vocabulary has one).
     * With {@code parseSpecial}, texts such as {@code <s>} become their control tokens.
     */
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        List<Integer> out = new ArrayList<>();
        if (addBos && vocab.bos() >= 0) {
            out.add(vocab.bos());
        }
        boolean previousSpecial = true;
        for (Fragment f : fragments(text, parseSpecial)) {
            if (f.token >= 0) {
                out.add(f.token);
                previousSpecial = true;
            } else {
                String raw = (vocab.addSpacePrefix() && previousSpecial ? " " : "") + f.text;
                encodeRaw(raw.replace(' ', SPACE_MARK), out);
                previousSpecial = false;
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Token ids of {@code text} with the vocabulary's BOS setting and no special-token parsing. */
    public int[] encode(String text) {
        return encode(text, vocab.addBos(), false);
    }

    private record Fragment(String text, int token) {}

    private List<Fragment> fragments(String text, boolean parseSpecial) {
        List<Fragment> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        outer:
        while (i < text.length()) {
            for (int id : specialTokens) {
                if (!parseSpecial && vocab.type(id) != TokenType.USER_DEFINED) continue;
                String piece = vocab.piece(id);
                if (text.startsWith(piece, i)) {
                    if (i > start) out.add(new Fragment(text.substring(start, i), -1));
                    out.add(new Fragment(piece, id));
                    i += piece.length();
                    start = i;
                    continue outer;
                }
            }
            i++;
        }
        if (start < text.length()) out.add(new Fragment(text.substring(start), -1));
        return out;
    }

    /** One symbol of the merge: a span of the text, linked to its neighbours. */
    private static final class Symbol {
        int start;
        int length;
        int prev;
        int next;
    }

    private record Bigram(int left, int right, float score, int length) {}

    private void encodeRaw(String text, List<Integer> out) {
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
                    out.add(byteId >= 0 ? byteId : vocab.unknown());
                }
            }
        }
    }

    private void addBigram(String text, List<Symbol> symbols, int left, int right, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) return;
        Symbol l = symbols.get(left);
        Symbol r = symbols.get(right);
        String joined = text.substring(l.start, l.start + l.length + r.length);
        int id = vocab.id(joined);
        if (id < 0) return;
        queue.add(new Bigram(left, right, vocab.score(id), joined.length()));
    }

    /**
     * The bytes a token stands for: {@code ▁} as a space, byte tokens as their byte, control
     * tokens as nothing (or their text when {@code special}), unknown as {@code ▅}.
     */
    public byte[] pieceBytes(int id, boolean special) {
        String piece = vocab.piece(id);
        return switch (vocab.type(id)) {
            case NORMAL, USER_DEFINED, UNDEFINED -> piece.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
            case BYTE -> new byte[] {(byte) Integer.parseInt(piece.substring(3, piece.length() - 1), 16)};
            case UNKNOWN -> "\u2585".getBytes(StandardCharsets.UTF_8);
            case CONTROL -> special ? piece.getBytes(StandardCharsets.UTF_8) : new byte[0];
            case UNUSED -> new byte[0];
        };
    }

    /**
     * The text of a whole token sequence. When it starts with BOS (or {@code atStart}), the
     * dummy-prefix space of the first piece is dropped, as SentencePiece does.
     */
    public String decode(int[] tokens, boolean atStart) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean stripSpace = atStart && vocab.addSpacePrefix();
        for (int id : tokens) {
            if (id == vocab.bos() && bytes.size() == 0) {
                stripSpace = vocab.addSpacePrefix();
                continue;
            }
            byte[] piece = pieceBytes(id, false);
            int from = stripSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            if (piece.length > 0) stripSpace = false;
            bytes.write(piece, from, piece.length - from);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A decoder for a stream of generated tokens that only ever emits whole characters. */
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this, false);
    }

    /**
     * A streaming decoder for tokens that follow {@code context}: when the context holds no text
     * (only control tokens such as BOS), the first piece's dummy-prefix space is dropped.
     */
    public StreamingDecoder streamingDecoder(int[] context) {
        boolean atStart = vocab.addSpacePrefix();
        for (int id : context) {
            if (vocab.type(id) != Vocabulary.TokenType.CONTROL) atStart = false;
        }
        return new StreamingDecoder(this, atStart);
    }
}

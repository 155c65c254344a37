package org.replique.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.replique.engine.tokenizer.Vocabulary.TokenType;

/**
 * Text to token ids and back, as llama.cpp does it for the vocabulary's kind: special tokens are
 * cut out of the text first, then each fragment between them goes through the vocabulary's
 * tokenizer ({@link SentencePieceBpe} or {@link ByteLevelBpe}). SentencePiece vocabularies start
 * each fragment that follows the start or a special token with a dummy-prefix {@code ▁}.
 */
public final class Tokenizer {
    private final Vocabulary vocab;
    /** Pieces matched as whole tokens before BPE (longest first): control/unknown only on request, user-defined always. */
    private final List<Integer> specialTokens;
    private final SentencePieceBpe sentencePiece;
    private final ByteLevelBpe byteLevel;

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
        special.sort(Comparator.comparingInt((Integer id) -> utf8Length(vocab.piece(id))).reversed());
        this.specialTokens = List.copyOf(special);
        boolean byteLevelBpe = vocab.kind() == Vocabulary.Kind.BYTE_LEVEL_BPE;
        this.sentencePiece = byteLevelBpe ? null : new SentencePieceBpe(vocab);
        this.byteLevel = byteLevelBpe ? new ByteLevelBpe(vocab) : null;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
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
            } else if (byteLevel != null) {
                byteLevel.encode(f.text, out);
            } else {
                sentencePiece.encode((vocab.addSpacePrefix() && previousSpecial ? " " : "") + f.text, out);
                previousSpecial = false;
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Token ids of {@code text} with the vocabulary's BOS setting and no special-token parsing. */
    public int[] encode(String text) {
        return encode(text, vocab.addBos(), false);
    }

    /** A stretch of text still to tokenize ({@code token} = -1), or a special token found in the text. */
    private record Fragment(String text, int token) {}

    /**
     * The text cut around its special tokens the way llama.cpp does it: one special token after
     * the other, longest first, each split out of every text fragment left by the previous ones.
     */
    private List<Fragment> fragments(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (!text.isEmpty()) fragments.add(new Fragment(text, -1));
        for (int id : specialTokens) {
            if (!parseSpecial && vocab.type(id) != TokenType.USER_DEFINED) continue;
            String piece = vocab.piece(id);
            List<Fragment> next = new ArrayList<>(fragments.size());
            for (Fragment f : fragments) {
                if (f.token >= 0 || !f.text.contains(piece)) {
                    next.add(f);
                    continue;
                }
                int from = 0;
                for (int at = f.text.indexOf(piece); at >= 0; at = f.text.indexOf(piece, from)) {
                    if (at > from) next.add(new Fragment(f.text.substring(from, at), -1));
                    next.add(new Fragment(piece, id));
                    from = at + piece.length();
                }
                if (from < f.text.length()) next.add(new Fragment(f.text.substring(from), -1));
            }
            fragments = next;
        }
        return fragments;
    }

    /**
     * The bytes a token stands for. SentencePiece: {@code ▁} as a space, byte tokens as their
     * byte, control tokens as nothing (or their text when {@code special}), unknown as {@code ▅}.
     * Byte-level BPE: a normal piece's characters as the bytes they spell, user-defined tokens as
     * their text, control and unknown tokens as nothing (or their text when {@code special}).
     */
    public byte[] pieceBytes(int id, boolean special) {
        String piece = vocab.piece(id);
        if (byteLevel != null) {
            return switch (vocab.type(id)) {
                case NORMAL -> byteLevel.normalPieceBytes(piece);
                case USER_DEFINED -> piece.getBytes(StandardCharsets.UTF_8);
                case CONTROL, UNKNOWN -> special ? piece.getBytes(StandardCharsets.UTF_8) : new byte[0];
                case BYTE -> new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
                case UNUSED, UNDEFINED -> new byte[0];
            };
        }
        return switch (vocab.type(id)) {
            case NORMAL, USER_DEFINED, UNDEFINED -> SentencePieceBpe.normalPieceBytes(piece);
            case BYTE -> new byte[] {(byte) Integer.parseInt(piece.substring(3, piece.length() - 1), 16)};
            case UNKNOWN -> "\u2585".getBytes(StandardCharsets.UTF_8);
            case CONTROL -> special ? piece.getBytes(StandardCharsets.UTF_8) : new byte[0];
            case UNUSED -> new byte[0];
        };
    }

    /** The words the pre-tokenizer makes of {@code text} (byte-level BPE only), for tests and diagnostics. */
    List<String> preTokenize(String text) {
        if (byteLevel == null) throw new IllegalStateException("a SentencePiece vocabulary has no pre-tokenizer");
        return byteLevel.words(text);
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

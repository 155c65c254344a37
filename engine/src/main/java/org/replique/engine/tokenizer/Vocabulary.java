package org.replique.engine.tokenizer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.replique.engine.gguf.GgufException;
import org.replique.engine.gguf.GgufMetadata;

/**
 * A vocabulary as GGUF stores it ({@code tokenizer.ggml.*}): pieces, token types and the special
 * ids, and what its kind of tokenizer merges by: piece scores for SentencePiece
 * ({@code tokenizer.ggml.model = llama}), a ranked list of merges and a pre-tokenizer for
 * byte-level BPE ({@code gpt2}).
 */
public final class Vocabulary {

    /** Token types as numbered in GGUF. */
    public enum TokenType { UNDEFINED, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE }

    /** The tokenizer a vocabulary is made for. */
    public enum Kind {
        /** SentencePiece BPE: {@code ▁} for spaces, merges by score, {@code <0xXX>} byte fallback. */
        SENTENCE_PIECE,
        /** GPT-2-style byte-level BPE: pieces spell bytes, merges by rank after pre-tokenization. */
        BYTE_LEVEL_BPE
    }

    /**
     * Texts that llama.cpp always treats as control tokens (end-of-generation markers), whatever
     * type the file gives them.
     */
    private static final java.util.Set<String> END_OF_GENERATION_TEXTS = java.util.Set.of(
            "<|endoftext|>", "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|end_of_text|>", "<|eom_id|>");

    private final Kind kind;
    private final String[] pieces;
    private final float[] scores;
    private final TokenType[] types;
    private final Map<String, Integer> ids;
    private final int[] byteTokens = new int[256];
    private final int bos;
    private final int eos;
    private final int unknown;
    private final boolean addBos;
    private final boolean addSpacePrefix;
    private final String[] merges;
    private final String preTokenizerName;
    private final PreTokenizer preTokenizer;

    private Vocabulary(Kind kind, String[] pieces, float[] scores, TokenType[] types, int bos, int eos, int unknown,
                       boolean addBos, boolean addSpacePrefix, String[] merges, String preTokenizerName,
                       PreTokenizer preTokenizer) {
        this.kind = kind;
        this.merges = merges;
        this.preTokenizerName = preTokenizerName;
        this.preTokenizer = preTokenizer;
        this.pieces = pieces;
        this.scores = scores;
        this.types = types;
        this.bos = bos;
        this.eos = eos;
        this.unknown = unknown;
        this.addBos = addBos;
        this.addSpacePrefix = addSpacePrefix;
        this.ids = new HashMap<>(pieces.length * 2);
        for (int i = 0; i < pieces.length; i++) {
            ids.put(pieces[i], i); // the last of duplicate pieces wins, as in llama.cpp
        }
        java.util.Arrays.fill(byteTokens, -1);
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(String.format("<0x%02X>", b));
            if (id != null) byteTokens[b] = id;
        }
    }

    /**
     * A vocabulary from its parts (a tokenizer file other than GGUF): pieces, merge scores and types
     * by id; {@code bos}, {@code eos}, {@code unknown} are ids or −1 for none.
     */
    public static Vocabulary of(String[] pieces, float[] scores, TokenType[] types, int bos, int eos, int unknown,
                                boolean addBos, boolean addSpacePrefix) {
        if (scores.length != pieces.length || types.length != pieces.length) {
            throw new IllegalArgumentException(pieces.length + " pieces, " + scores.length + " scores, "
                    + types.length + " types");
        }
        return new Vocabulary(Kind.SENTENCE_PIECE, pieces.clone(), scores.clone(), types.clone(), validId(bos, pieces.length),
                validId(eos, pieces.length), validId(unknown, pieces.length), addBos, addSpacePrefix, new String[0], null,
                null);
    }

    /** Reads the vocabulary of a SentencePiece ({@code llama}) or byte-level BPE ({@code gpt2}) GGUF. */
    public static Vocabulary from(GgufMetadata m, Path file) {
        String model = m.getString("tokenizer.ggml.model");
        Kind kind = switch (model) {
            case "llama" -> Kind.SENTENCE_PIECE;
            case "gpt2" -> Kind.BYTE_LEVEL_BPE;
            default -> throw new GgufException(GgufException.Kind.MALFORMED_METADATA, file, "tokenizer '" + model
                    + "' is not supported (this engine reads SentencePiece 'llama' and byte-level BPE 'gpt2' vocabularies)");
        };
        String[] pieces = m.getStringArray("tokenizer.ggml.tokens");
        float[] scores = m.has("tokenizer.ggml.scores") ? m.getFloatArray("tokenizer.ggml.scores") : new float[pieces.length];
        int[] rawTypes = m.has("tokenizer.ggml.token_type") ? m.getIntArray("tokenizer.ggml.token_type") : null;
        if (scores.length != pieces.length || (rawTypes != null && rawTypes.length != pieces.length)) {
            throw new GgufException(GgufException.Kind.MALFORMED_METADATA, file, "tokenizer arrays differ in length ("
                    + pieces.length + " tokens, " + scores.length + " scores, "
                    + (rawTypes == null ? 0 : rawTypes.length) + " types)");
        }
        TokenType[] types = new TokenType[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            int t = rawTypes == null ? 1 : rawTypes[i];
            types[i] = t >= 0 && t < TokenType.values().length ? TokenType.values()[t] : TokenType.UNDEFINED;
        }
        if (kind == Kind.SENTENCE_PIECE) {
            int bos = validId(m.getInt("tokenizer.ggml.bos_token_id", 1), pieces.length);
            int eos = validId(m.getInt("tokenizer.ggml.eos_token_id", 2), pieces.length);
            int unk = validId(m.getInt("tokenizer.ggml.unknown_token_id", 0), pieces.length);
            boolean addBos = m.getBoolean("tokenizer.ggml.add_bos_token", true);
            boolean addSpace = m.getBoolean("tokenizer.ggml.add_space_prefix", true);
            return new Vocabulary(kind, pieces, scores, types, bos, eos, unk, addBos, addSpace, new String[0], null, null);
        }
        if (!m.has("tokenizer.ggml.merges")) {
            throw new GgufException(GgufException.Kind.MALFORMED_METADATA, file, "byte-level BPE vocabulary without tokenizer.ggml.merges");
        }
        String[] merges = m.getStringArray("tokenizer.ggml.merges");
        String pre = m.optionalString("tokenizer.ggml.pre").orElse(null);
        PreTokenizer preTokenizer = PreTokenizer.named(pre).orElseThrow(() -> new GgufException(GgufException.Kind.MALFORMED_METADATA, file,
                "pre-tokenizer '" + pre + "' is not supported (this engine splits text as llama.cpp does for "
                        + "'falcon', 'gpt-2', 'llama-bpe' and 'default')"));
        for (int i = 0; i < pieces.length; i++) {
            if (END_OF_GENERATION_TEXTS.contains(pieces[i])) types[i] = TokenType.CONTROL;
        }
        // llama.cpp's defaults for these vocabularies: BOS = EOS = 11 (Falcon's <|endoftext|>), no
        // unknown token, BOS only where the file (or a Llama 3 pre-tokenizer) asks for it.
        int bos = validId(m.getInt("tokenizer.ggml.bos_token_id", 11), pieces.length);
        int eos = validId(m.getInt("tokenizer.ggml.eos_token_id", 11), pieces.length);
        int unk = validId(m.getInt("tokenizer.ggml.unknown_token_id", -1), pieces.length);
        boolean addBos = m.getBoolean("tokenizer.ggml.add_bos_token", preTokenizer.addsBosByDefault());
        return new Vocabulary(kind, pieces, scores, types, bos, eos, unk, addBos, false, merges,
                pre == null ? "default" : pre, preTokenizer);
    }

    /** Ids outside the vocabulary (old converters write 0xFFFFFFFF for "none") mean "none": -1. */
    private static int validId(int id, int size) {
        return id >= 0 && id < size ? id : -1;
    }

    public Kind kind() {
        return kind;
    }

    /** The {@code tokenizer.ggml.pre} of a byte-level BPE vocabulary ({@code default} when absent), else null. */
    public String preTokenizerName() {
        return preTokenizerName;
    }

    PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    /** Byte-level BPE merges, {@code "left right"}, best first; empty for SentencePiece. */
    String[] merges() {
        return merges;
    }

    public int size() {
        return pieces.length;
    }

    public String piece(int id) {
        return pieces[id];
    }

    public float score(int id) {
        return scores[id];
    }

    public TokenType type(int id) {
        return types[id];
    }

    /** The id of a piece, or -1. */
    public int id(String piece) {
        Integer id = ids.get(piece);
        return id == null ? -1 : id;
    }

    /** The {@code <0xXX>} token of a byte, or -1. */
    public int byteToken(int b) {
        return byteTokens[b & 0xff];
    }

    public int bos() {
        return bos;
    }

    public int eos() {
        return eos;
    }

    public int unknown() {
        return unknown;
    }

    public boolean addBos() {
        return addBos;
    }

    public boolean addSpacePrefix() {
        return addSpacePrefix;
    }
}

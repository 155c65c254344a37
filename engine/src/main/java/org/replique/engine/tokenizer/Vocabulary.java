package org.replique.engine.tokenizer;

import static org.replique.engine.gguf.GgufException.Kind;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.replique.engine.gguf.GgufException;
import org.replique.engine.gguf.GgufMetadata;

/**
 * A SentencePiece vocabulary as GGUF stores it ({@code tokenizer.ggml.*}): pieces, merge scores,
 * token types and the special ids.
 */
public final class Vocabulary {

    /** SentencePiece token types as numbered in GGUF. */
    public enum TokenType { UNDEFINED, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE }

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

    Vocabulary(String[] pieces, float[] scores, TokenType[] types, int bos, int eos, int unknown,
               boolean addBos, boolean addSpacePrefix) {
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
        return new Vocabulary(pieces.clone(), scores.clone(), types.clone(), validId(bos, pieces.length),
                validId(eos, pieces.length), validId(unknown, pieces.length), addBos, addSpacePrefix);
    }

    /** Reads the vocabulary of a SentencePiece ({@code tokenizer.ggml.model = llama}) GGUF. */
    public static Vocabulary from(GgufMetadata m, Path file) {
        String model = m.getString("tokenizer.ggml.model");
        if (!model.equals("llama")) {
            throw new GgufException(Kind.MALFORMED_METADATA, file,
                    "tokenizer '" + model + "' is not supported (this engine reads SentencePiece vocabularies, 'llama')");
        }
        String[] pieces = m.getStringArray("tokenizer.ggml.tokens");
        float[] scores = m.has("tokenizer.ggml.scores") ? m.getFloatArray("tokenizer.ggml.scores") : new float[pieces.length];
        int[] rawTypes = m.has("tokenizer.ggml.token_type") ? m.getIntArray("tokenizer.ggml.token_type") : null;
        if (scores.length != pieces.length || (rawTypes != null && rawTypes.length != pieces.length)) {
            throw new GgufException(Kind.MALFORMED_METADATA, file, "tokenizer arrays differ in length ("
                    + pieces.length + " tokens, " + scores.length + " scores, "
                    + (rawTypes == null ? 0 : rawTypes.length) + " types)");
        }
        TokenType[] types = new TokenType[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            int t = rawTypes == null ? 1 : rawTypes[i];
            types[i] = t >= 0 && t < TokenType.values().length ? TokenType.values()[t] : TokenType.UNDEFINED;
        }
        int bos = validId(m.getInt("tokenizer.ggml.bos_token_id", 1), pieces.length);
        int eos = validId(m.getInt("tokenizer.ggml.eos_token_id", 2), pieces.length);
        int unk = validId(m.getInt("tokenizer.ggml.unknown_token_id", 0), pieces.length);
        boolean addBos = m.getBoolean("tokenizer.ggml.add_bos_token", true);
        boolean addSpace = m.getBoolean("tokenizer.ggml.add_space_prefix", true);
        return new Vocabulary(pieces, scores, types, bos, eos, unk, addBos, addSpace);
    }

    /** Ids outside the vocabulary (old converters write 0xFFFFFFFF for "none") mean "none": -1. */
    private static int validId(int id, int size) {
        return id >= 0 && id < size ? id : -1;
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

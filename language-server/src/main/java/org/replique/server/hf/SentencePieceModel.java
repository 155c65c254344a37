package org.replique.server.hf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.replique.engine.tokenizer.Vocabulary.TokenType;

/**
 * A SentencePiece {@code tokenizer.model}: a serialized {@code sentencepiece.ModelProto}, read
 * field by field with protobuf's {@link CodedInputStream}. Only what a tokenizer needs is kept,
 * by the field numbers of SentencePiece's published {@code sentencepiece_model.proto}:
 * <pre>
 * ModelProto      1 pieces (repeated SentencePiece)  2 trainer_spec  3 normalizer_spec
 * SentencePiece   1 piece (string)  2 score (float)  3 type (enum, default NORMAL = 1)
 * TrainerSpec     3 model_type (UNIGRAM 1, BPE 2, WORD 3, CHAR 4; default UNIGRAM)
 *                 35 byte_fallback  40 unk_id (0)  41 bos_id (1)  42 eos_id (2)
 * NormalizerSpec  3 add_dummy_prefix (default true)
 * </pre>
 * Piece types number as GGUF's token types do (NORMAL 1, UNKNOWN 2, CONTROL 3, USER_DEFINED 4,
 * UNUSED 5, BYTE 6). Unknown fields are skipped, as protobuf intends.
 */
record SentencePieceModel(String[] pieces, float[] scores, TokenType[] types, int modelType, boolean byteFallback,
                          int unknownId, int bosId, int eosId, boolean addDummyPrefix) {

    static final int UNIGRAM = 1;
    static final int BPE = 2;

    /** Parses a {@code ModelProto}; throws {@link InvalidProtocolBufferException} on malformed bytes. */
    static SentencePieceModel parse(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<TokenType> types = new ArrayList<>();
        int[] trainer = {UNIGRAM, 0, 0, 1, 2}; // model_type, byte_fallback, unk, bos, eos
        boolean addDummyPrefix = true;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag) {
                case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
                    int limit = in.pushLimit(in.readRawVarint32());
                    piece(in, pieces, scores, types);
                    in.popLimit(limit);
                }
                case (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
                    int limit = in.pushLimit(in.readRawVarint32());
                    trainerSpec(in, trainer);
                    in.popLimit(limit);
                }
                case (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
                    int limit = in.pushLimit(in.readRawVarint32());
                    addDummyPrefix = normalizerSpec(in);
                    in.popLimit(limit);
                }
                default -> in.skipField(tag);
            }
        }
        if (pieces.isEmpty()) {
            throw new InvalidProtocolBufferException("no pieces: not a SentencePiece model");
        }
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) s[i] = scores.get(i);
        return new SentencePieceModel(pieces.toArray(String[]::new), s, types.toArray(TokenType[]::new),
                trainer[0], trainer[1] != 0, trainer[2], trainer[3], trainer[4], addDummyPrefix);
    }

    private static void piece(CodedInputStream in, List<String> pieces, List<Float> scores, List<TokenType> types)
            throws IOException {
        String piece = "";
        float score = 0;
        int type = 1;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag) {
                case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> piece = in.readString();
                case (2 << 3) | WireFormat.WIRETYPE_FIXED32 -> score = in.readFloat();
                case (3 << 3) | WireFormat.WIRETYPE_VARINT -> type = in.readEnum();
                default -> in.skipField(tag);
            }
        }
        TokenType[] all = TokenType.values();
        pieces.add(piece);
        scores.add(score);
        types.add(type > 0 && type < all.length ? all[type] : TokenType.UNDEFINED);
    }

    private static void trainerSpec(CodedInputStream in, int[] out) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_VARINT) {
                in.skipField(tag);
                continue;
            }
            switch (field) {
                case 3 -> out[0] = in.readEnum();
                case 35 -> out[1] = in.readBool() ? 1 : 0;
                case 40 -> out[2] = in.readInt32();
                case 41 -> out[3] = in.readInt32();
                case 42 -> out[4] = in.readInt32();
                default -> in.skipField(tag);
            }
        }
    }

    private static boolean normalizerSpec(CodedInputStream in) throws IOException {
        boolean addDummyPrefix = true;
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (tag == ((3 << 3) | WireFormat.WIRETYPE_VARINT)) {
                addDummyPrefix = in.readBool();
            } else {
                in.skipField(tag);
            }
        }
        return addDummyPrefix;
    }
}

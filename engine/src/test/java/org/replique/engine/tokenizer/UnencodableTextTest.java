package org.replique.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.replique.engine.tokenizer.Vocabulary.TokenType;

/** A SentencePiece vocabulary that cannot encode every character still gives only ids it has. */
class UnencodableTextTest {
    private static final String[] PIECES = {"<s>", "</s>", "▁", "a", "▁a"};

    private static Vocabulary vocabulary(int unknown) {
        float[] scores = {0, 0, -1, -2, -3};
        TokenType[] types = {TokenType.CONTROL, TokenType.CONTROL, TokenType.NORMAL, TokenType.NORMAL, TokenType.NORMAL};
        return Vocabulary.of(PIECES, scores, types, 0, 1, unknown, true, true);
    }

    @Test
    void withoutByteOrUnknownPiecesACharacterItCannotEncodeIsDropped() {
        int[] ids = new Tokenizer(vocabulary(-1)).encode("a é a", true, false);
        assertThat(ids).contains(4);
        assertThat(Arrays.stream(ids).boxed().toList()).allMatch(id -> id >= 0 && id < PIECES.length);
    }

    @Test
    void withAnUnknownPieceTheCharacterBecomesIt() {
        int[] ids = new Tokenizer(vocabulary(2)).encode("é", false, false);
        assertThat(ids).contains(2);
        assertThat(Arrays.stream(ids).boxed().toList()).allMatch(id -> id >= 0 && id < PIECES.length);
    }
}

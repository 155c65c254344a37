package org.replique.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.Model;

/** Streamed text is always whole characters, and the pieces add up to the decoded text. */
class StreamingDecoderTest {
    private static final Tokenizer DEMO = Model.loadTokenizer(EmbeddedModel.path());

    @Test
    void multiByteCharactersSpelledWithByteTokensAreHeldUntilComplete() {
        // « and the narrow no-break space are not pieces of the demo vocabulary: byte tokens.
        String text = "«\u202fBonjour\u202f»";
        int[] ids = DEMO.encode(text, false, false);
        StreamingDecoder decoder = DEMO.streamingDecoder();
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            String piece = decoder.accept(id);
            // Never a lone half of a character: every emitted piece is valid on its own.
            assertThat(piece.codePoints().noneMatch(cp -> cp == 0xFFFD)).isTrue();
            streamed.append(piece);
        }
        streamed.append(decoder.flush());
        assertThat(streamed.toString()).isEqualTo(" " + text);
        assertThat(ids.length).isGreaterThan(text.codePointCount(0, text.length()) - 6);
    }

    @Test
    void bytesArriveOneAtATimeAndTheCharacterComesWithTheLast() {
        StreamingDecoder decoder = DEMO.streamingDecoder();
        int first = DEMO.vocabulary().byteToken(0xC3);
        int second = DEMO.vocabulary().byteToken(0xA9); // é = C3 A9
        assertThat(decoder.accept(first)).isEmpty();
        assertThat(decoder.pendingBytes()).isEqualTo(1);
        assertThat(decoder.accept(second)).isEqualTo("é");
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void anImpossibleSequenceIsReleasedAsAReplacementCharacter() {
        StreamingDecoder decoder = DEMO.streamingDecoder();
        assertThat(decoder.accept(DEMO.vocabulary().byteToken(0xE2))).isEmpty();
        // A lead byte followed by an ASCII letter can never complete: both come out.
        assertThat(decoder.accept(DEMO.vocabulary().byteToken('a'))).isEqualTo("\uFFFDa");
    }

    @Test
    void flushReleasesAnUnfinishedTail() {
        StreamingDecoder decoder = DEMO.streamingDecoder();
        decoder.accept(DEMO.vocabulary().byteToken(0xF0));
        assertThat(decoder.flush()).isEqualTo("\uFFFD");
        assertThat(decoder.pendingBytes()).isZero();
    }
}

package org.replique.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.reference.TokenizerVectors;

/** Our tokenizer gives llama.cpp's ids on its published SentencePiece vectors and on the demo model's. */
class TokenizerVectorsTest {
    private static final Path LLAMA_VOCAB = Fixtures.file("tokenizer-vectors/ggml-vocab-llama-spm.gguf");
    private static final Tokenizer LLAMA = Model.loadTokenizer(LLAMA_VOCAB);
    private static final Tokenizer DEMO = Model.loadTokenizer(org.replique.engine.model.EmbeddedModel.path());

    static Stream<TokenizerVectors.Case> llamaCases() {
        return TokenizerVectors.load(Fixtures.file("tokenizer-vectors/ggml-vocab-llama-spm.gguf.inp"),
                Fixtures.file("tokenizer-vectors/ggml-vocab-llama-spm.gguf.out")).stream();
    }

    static Stream<TokenizerVectors.Case> demoCases() {
        return TokenizerVectors.load(Fixtures.file("reference/replique-mini-fr.tokenizer-tests.inp"),
                Fixtures.file("reference/replique-mini-fr.tokenizer-tests.out")).stream();
    }

    @Test
    void theVectorFilesHoldEveryCase() {
        assertThat(llamaCases()).hasSize(46);
        assertThat(demoCases()).hasSize(86);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("llamaCases")
    void llamaSentencePieceVectors(TokenizerVectors.Case c) {
        assertThat(LLAMA.encode(c.text(), false, false)).containsExactly(c.ids());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("demoCases")
    void demoModelVectors(TokenizerVectors.Case c) {
        assertThat(DEMO.encode(c.text(), false, false)).containsExactly(c.ids());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("demoCases")
    void decodingGivesTheTextBack(TokenizerVectors.Case c) {
        // The demo model's vocabulary covers every byte, so decoding is lossless (the dummy-prefix
        // space is dropped at the start, as SentencePiece does).
        assertThat(DEMO.decode(c.ids(), true)).isEqualTo(c.text());
    }

    @Test
    void bosComesFromTheVocabularyAndStartsTheSequence() {
        assertThat(DEMO.encode("Bonjour")).startsWith(1);
        assertThat(DEMO.encode("Bonjour", false, false)).doesNotContain(1);
    }

    @Test
    void specialTokenTextIsOrdinaryTextUnlessAsked() {
        int[] plain = LLAMA.encode("<s>a", false, false);
        int[] special = LLAMA.encode("<s>a", false, true);
        assertThat(plain).doesNotContain(1);
        assertThat(special).startsWith(1);
        // After a special token a raw fragment gets the dummy prefix again, as in llama.cpp.
        assertThat(special).containsExactly(1, LLAMA.vocabulary().id("▁a"));
    }

    @Test
    void newlinesAreByteTokensAndLaterLinesHaveNoDummyPrefix() {
        // The demo model's README: "[Alceste:] Je …\n[Philinte:]" → ▁ [ Al c este :] ▁Je … <0x0A> [ Phil inte :]
        int[] ids = DEMO.encode("[Alceste:] Je\n[Philinte:]", true, false);
        assertThat(ids).containsExactly(1, 1961, 1988, 1058, 1974, 758, 280, 360, 13, 1988, 1417, 1283, 280);
    }

    @Test
    void charactersOutsideTheVocabularyFallBackToBytes() {
        int[] ids = LLAMA.encode("🦙", false, false);
        List<String> pieces = java.util.Arrays.stream(ids).mapToObj(LLAMA.vocabulary()::piece).toList();
        assertThat(pieces).containsExactly("▁", "<0xF0>", "<0x9F>", "<0xA6>", "<0x99>");
    }

    @Test
    void sharedVocabularyFileIsTheOneCopiedHere() {
        assertThat(Fixtures.sharedFile("tokenizer-vectors/ggml-vocab-llama-spm.gguf")).hasSameBinaryContentAs(LLAMA_VOCAB);
    }
}

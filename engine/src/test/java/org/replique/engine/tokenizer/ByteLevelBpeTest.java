package org.replique.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.gguf.GgufException;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.ByteLevelVocabulary;
import org.replique.fixtures.gguf.GgufWriter;
import org.replique.fixtures.reference.TokenizerVectors;

/**
 * Byte-level BPE gives llama.cpp's ids: GPT-2's real vocabulary (with Falcon's control tokens) under
 * each supported pre-tokenizer, on 130 edge cases (runs of spaces, digits, punctuation, French
 * typography, emoji, scripts, control and invisible characters, U+FFFD) and 313 lines of French
 * plays and transcripts. The expected ids are llama.cpp's (node-llama-cpp 3.21.1), made with the
 * project's reference runner; see {@code test-fixtures/tokenizer-vectors/gpt2/README.md}.
 */
class ByteLevelBpeTest {
    /** The vocabulary files the vectors were made from, as {@link ByteLevelVocabulary} writes them. */
    private static final Map<String, String> SHA256 = Map.of(
            "falcon", "c3f72b914ddc4acc1ff392f1e18e1ea74a7518cc4755b62129608362338b2a24",
            "gpt-2", "bc8ef2fec36ec071a09445b808e0ec222153630d75bdabaefb6595999ec974f8",
            "llama-bpe", "34422b253a0577b3d5c4b37ac85215af4aeb795b78650dc96e0edd7de5b985aa",
            "default", "98dfccd2ed22c2ebf6fab74023a37cc803b6e060242ad40b930f3a51df6eb599");
    private static final List<String> STYLES = List.of("falcon", "gpt-2", "llama-bpe", "default");

    @TempDir
    static Path dir;
    private static final Map<String, Tokenizer> tokenizers = new java.util.HashMap<>();

    /** The tokenizer of the vocabulary file with pre-tokenizer {@code pre} ({@code default}: no key). */
    static synchronized Tokenizer tokenizer(String pre) {
        return tokenizers.computeIfAbsent(pre, p -> {
            Path file = dir.resolve("vocab-" + p + ".gguf");
            try {
                ByteLevelVocabulary.writeVocabularyFile(file, p.equals("default") ? null : p);
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
                        .as("the writer must make the vocabulary the vectors were made from").isEqualTo(SHA256.get(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return Model.loadTokenizer(file);
        });
    }

    static List<TokenizerVectors.Case> cases(String pre) {
        return TokenizerVectors.load(Fixtures.file("tokenizer-vectors/gpt2/bpe-vectors.inp"),
                Fixtures.file("tokenizer-vectors/gpt2/bpe-vectors." + pre + ".out"));
    }

    static Stream<Arguments> vectors() {
        return STYLES.stream().flatMap(pre -> cases(pre).stream().map(c -> Arguments.of(pre, c)));
    }

    @Test
    void theVectorFilesHoldEveryCase() {
        for (String pre : STYLES) assertThat(cases(pre)).as(pre).hasSize(443);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("vectors")
    void idsAreLlamaCpps(String pre, TokenizerVectors.Case c) {
        assertThat(tokenizer(pre).encode(c.text(), false, false)).containsExactly(c.ids());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("vectors")
    void decodingGivesTheTextBack(String pre, TokenizerVectors.Case c) {
        // Every byte is a token of a byte-level vocabulary: nothing is lost, and there is no dummy prefix.
        assertThat(tokenizer(pre).decode(c.ids(), true)).isEqualTo(c.text());
    }

    @Test
    void theVocabularyIsReadAsLlamaCppReadsIt() {
        Vocabulary v = tokenizer("falcon").vocabulary();
        assertThat(v.kind()).isEqualTo(Vocabulary.Kind.BYTE_LEVEL_BPE);
        assertThat(v.preTokenizerName()).isEqualTo("falcon");
        assertThat(v.size()).isEqualTo(50268);
        assertThat(v.bos()).isEqualTo(50256).isEqualTo(v.eos());
        assertThat(v.addBos()).isFalse();
        assertThat(v.addSpacePrefix()).isFalse();
        assertThat(v.type(v.id("<|endoftext|>"))).isEqualTo(Vocabulary.TokenType.CONTROL);
        assertThat(tokenizer("default").vocabulary().preTokenizerName()).isEqualTo("default");
        // A Llama 3 pre-tokenizer adds BOS unless the file says otherwise, as in llama.cpp.
        assertThat(tokenizer("llama-bpe").vocabulary().addBos()).isTrue();
    }

    @Test
    void falconSplitsPunctuationRunsFirstAndDigitsInThrees() {
        Tokenizer t = tokenizer("falcon");
        assertThat(t.preTokenize("J'ai 12345 œufs…")).containsExactly("J", "'", "ai", " ", "123", "45", " œufs", "…");
        assertThat(t.preTokenize("Quoi ?! «Non»")).containsExactly("Quoi", " ", "?!", " ", "«", "Non", "»");
        assertThat(t.preTokenize("a  b")).containsExactly("a", " ", " b");
        assertThat(t.preTokenize("1234567")).containsExactly("123", "456", "7");
        // GPT-2 keeps "'s" and the space before punctuation, and a number in one piece.
        assertThat(tokenizer("gpt-2").preTokenize("it's 12345 ?!")).containsExactly("it", "'s", " 12345", " ?!");
        // Llama 3: three digits at most, a letter run takes one non-letter before it.
        assertThat(tokenizer("llama-bpe").preTokenize("12345 «ok")).containsExactly("123", "45", " «", "ok");
    }

    @Test
    void specialTokensAreTextUnlessAskedAndNeverGetBosOnTheirOwn() {
        Tokenizer t = tokenizer("falcon");
        int end = t.vocabulary().id("<|endoftext|>");
        int title = t.vocabulary().id(">>TITLE<<");
        assertThat(t.encode("Fin<|endoftext|>", false, false)).doesNotContain(end);
        assertThat(t.encode("Fin<|endoftext|>", false, true)).endsWith(end);
        assertThat(t.encode(">>TITLE<< Act", false, true)).startsWith(title);
        assertThat(t.encode("Bonjour")).isEqualTo(t.encode("Bonjour", false, false));
    }

    @Test
    void anUnpairedSurrogateIsEncodedAsTheReplacementCharacter() {
        // What any UTF-8 encoder that replaces what it cannot encode would hand to llama.cpp.
        Tokenizer t = tokenizer("falcon");
        assertThat(t.encode("a\uD800b", false, false)).containsExactly(t.encode("a\uFFFDb", false, false));
        assertThat(t.encode("\uDC00", false, false)).containsExactly(t.encode("\uFFFD", false, false));
    }

    @Test
    void controlTokensDecodeToNothingUnlessAsked() {
        Tokenizer t = tokenizer("falcon");
        int end = t.vocabulary().id("<|endoftext|>");
        assertThat(t.pieceBytes(end, false)).isEmpty();
        assertThat(new String(t.pieceBytes(end, true), StandardCharsets.UTF_8)).isEqualTo("<|endoftext|>");
        assertThat(new String(t.pieceBytes(t.vocabulary().id("Ġhome"), false), StandardCharsets.UTF_8))
                .isEqualTo(" home");
    }

    @Test
    void streamingEmitsWholeCharactersWhenTokensSplitThem() {
        Tokenizer t = tokenizer("falcon");
        // "é" is C3 A9: the byte tokens "Ã" and "©"; an emoji is four bytes over several tokens.
        StreamingDecoder decoder = t.streamingDecoder();
        assertThat(decoder.accept(t.vocabulary().id("Ã"))).isEmpty();
        assertThat(decoder.accept(t.vocabulary().id("©"))).isEqualTo("é");
        String text = "Salut 😀 ! «\u00a0Ça\u00a0» 👨\u200d👩\u200d👧";
        int[] ids = t.encode(text, false, false);
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            String piece = decoder.accept(id);
            assertThat(piece.codePoints().noneMatch(cp -> cp == 0xFFFD)).as("piece of token %d", id).isTrue();
            streamed.append(piece);
        }
        assertThat(streamed.append(decoder.flush()).toString()).isEqualTo(text);
        // The dummy-prefix rule of SentencePiece does not apply: a leading space stays.
        assertThat(t.streamingDecoder(new int[0]).accept(t.vocabulary().id("Ġhome"))).isEqualTo(" home");
    }

    @Test
    void bytesThatCanNeverFormACharacterComeOutAsReplacementCharacters() {
        Tokenizer t = tokenizer("falcon");
        StreamingDecoder decoder = t.streamingDecoder();
        assertThat(decoder.accept(t.vocabulary().id("â"))).isEmpty(); // E2: the lead byte of three
        assertThat(decoder.accept(t.vocabulary().id("a"))).isEqualTo("\uFFFDa");
        assertThat(t.decode(new int[] {t.vocabulary().id("ÿ")}, false)).isEqualTo("\uFFFD"); // FF alone
    }

    @Test
    void anUnknownPreTokenizerIsAClearError(@TempDir Path tmp) throws IOException {
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "falcon");
        ByteLevelVocabulary.gpt2WithFalconControls().writeTo(w, "qwen2");
        Path file = tmp.resolve("qwen.gguf");
        w.write(file);
        assertThatThrownBy(() -> Model.loadTokenizer(file)).isInstanceOf(GgufException.class)
                .hasMessageContaining("pre-tokenizer 'qwen2' is not supported");
    }
}

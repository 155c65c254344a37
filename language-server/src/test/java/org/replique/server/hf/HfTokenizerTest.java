package org.replique.server.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.Model;
import org.replique.engine.tokenizer.Tokenizer;
import org.replique.engine.tokenizer.Vocabulary;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.reference.TokenizerVectors;

/**
 * A folder's tokenizer is the GGUF's: {@code tokenizer.model} read with protobuf gives the GGUF
 * vocabulary piece for piece (pieces, scores, types, special ids, flags), and
 * {@code tokenizer.json} alone tokenizes every test text as the GGUF does.
 */
class HfTokenizerTest {

    private static void assertSameVocabulary(Vocabulary actual, Vocabulary expected) {
        assertThat(actual.size()).isEqualTo(expected.size());
        for (int id = 0; id < expected.size(); id++) {
            assertThat(actual.piece(id)).as("piece %d", id).isEqualTo(expected.piece(id));
            assertThat(actual.score(id)).as("score %d", id).isEqualTo(expected.score(id));
            assertThat(actual.type(id)).as("type %d", id).isEqualTo(expected.type(id));
        }
        assertThat(actual.bos()).isEqualTo(expected.bos());
        assertThat(actual.eos()).isEqualTo(expected.eos());
        assertThat(actual.unknown()).isEqualTo(expected.unknown());
        assertThat(actual.addBos()).isEqualTo(expected.addBos());
        assertThat(actual.addSpacePrefix()).isEqualTo(expected.addSpacePrefix());
    }

    @Test
    void sentencePieceModelOfStories260KIsItsGgufVocabulary() {
        Vocabulary gguf = Model.loadTokenizer(Fixtures.file("models/stories260K-f32.gguf")).vocabulary();
        assertSameVocabulary(HfFolder.readVocabulary(HfFixtures.stories("F32", 1, true, false)), gguf);
    }

    @Test
    void sentencePieceModelOfTheDemoModelIsItsGgufVocabulary() throws IOException {
        Path folder = Files.createTempDirectory("replique-spm");
        Files.copy(Fixtures.file("models/replique-mini-fr.tokenizer.model"), folder.resolve("tokenizer.model"));
        Vocabulary gguf = Model.loadTokenizer(EmbeddedModel.path()).vocabulary();
        assertSameVocabulary(HfFolder.readVocabulary(folder), gguf);
    }

    /** The demo model's 86 tokenizer vectors (made with SentencePiece and checked with llama.cpp). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tokenizer.model", "tokenizer.json"})
    void demoTokenizerVectorsFromEitherFile(String file) throws IOException {
        Optional<Path> folder = HfFixtures.demo("F32", 1, file.equals("tokenizer.model"), file.equals("tokenizer.json"));
        assumeTrue(folder.isPresent(), HfFixtures.NO_DEMO);
        Tokenizer hf = Model.loadTokenizer(folder.get());
        Tokenizer gguf = Model.loadTokenizer(EmbeddedModel.path());
        var cases = TokenizerVectors.load(Fixtures.file("reference/replique-mini-fr.tokenizer-tests.inp"),
                Fixtures.file("reference/replique-mini-fr.tokenizer-tests.out"));
        assertThat(cases).hasSizeGreaterThanOrEqualTo(80);
        for (var c : cases) {
            assertThat(hf.encode(c.text(), false, false)).as("%s", c.text()).containsExactly(c.ids());
        }
        for (String line : corpusLines()) {
            assertThat(hf.encode(line)).as("%s", line).containsExactly(gguf.encode(line));
        }
    }

    @Test
    void stories260KTokenizerJsonTokenizesAsItsGguf() throws IOException {
        Tokenizer hf = Model.loadTokenizer(HfFixtures.stories("F32", 1, false, true));
        Tokenizer gguf = Model.loadTokenizer(Fixtures.file("models/stories260K-f32.gguf"));
        for (String line : corpusLines()) {
            assertThat(hf.encode(line)).as("%s", line).containsExactly(gguf.encode(line));
        }
        assertThat(hf.encode("Once upon a time")).containsExactly(1, 403, 407, 261, 378);
    }

    /** Lines of the documents in the fixtures: screenplays, plays, transcripts (French and English). */
    private static List<String> corpusLines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (var files = Files.walk(Fixtures.file("documents"))) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = f.getFileName().toString();
                if (!(name.endsWith(".fountain") || name.endsWith(".txt") || name.endsWith(".md"))) continue;
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) lines.add(line);
                }
            }
        }
        assertThat(lines).hasSizeGreaterThan(500);
        return lines;
    }
}

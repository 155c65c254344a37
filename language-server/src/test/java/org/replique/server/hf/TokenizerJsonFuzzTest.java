package org.replique.server.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.tokenizer.Vocabulary;
import org.replique.fixtures.fuzz.FuzzSeeds;

/**
 * Any text as {@code tokenizer.json}: a {@link HfFolderException} or a vocabulary that tokenizes
 * text into ids it has.
 */
class TokenizerJsonFuzzTest {
    private static final Path FOLDER = FuzzSeeds.scratchFolder();

    static Stream<Arguments> seeds() {
        return Stream.of(Arguments.of(HfFuzzFolder.text(HfFuzzFolder.TINY, HfTokenizer.JSON)),
                Arguments.of(HfFuzzFolder.text(HfFuzzFolder.STORIES, HfTokenizer.JSON)),
                // A finding: a few pieces, no unknown token, no byte pieces (ids of −1 before).
                Arguments.of("""
                        {"model": {"type": "BPE", "vocab": {"<s>": 0, "</s>": 1, "▁": 2, "a": 3, "▁a": 4},
                         "merges": ["▁ a"]}}"""));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void anyJsonIsAnErrorOrAVocabularyThatTokenizes(@NotNull @WithUtf8Length(max = 65536) String json) {
        HfFuzzFolder.write(FOLDER.resolve(HfTokenizer.JSON), json);
        Vocabulary vocabulary;
        try {
            vocabulary = HfTokenizer.read(FOLDER, null);
        } catch (HfFolderException e) {
            assertThat(e.kind()).isNotNull();
            return;
        }
        TokenizerContract.check(vocabulary);
    }
}

package org.replique.server.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.tokenizer.Vocabulary;
import org.replique.fixtures.fuzz.FuzzSeeds;

/**
 * Any bytes as {@code tokenizer.model}: a {@link HfFolderException} or a vocabulary that
 * tokenizes text into ids it has.
 */
class SentencePieceFuzzTest {
    private static final Path FOLDER = FuzzSeeds.scratchFolder();

    static Stream<Arguments> seeds() {
        return Stream.of(Arguments.of((Object) FuzzSeeds.bytes("models/stories260K.tokenizer.model")),
                Arguments.of((Object) FuzzSeeds.bytes("models/replique-mini-fr.tokenizer.model")));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void anyBytesAreAnErrorOrAVocabularyThatTokenizes(byte[] bytes) {
        FuzzSeeds.write(FOLDER.resolve(HfTokenizer.SENTENCEPIECE), bytes);
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

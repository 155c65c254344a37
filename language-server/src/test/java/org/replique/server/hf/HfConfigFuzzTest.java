package org.replique.server.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.model.ModelConfig;

/**
 * Any text as {@code config.json}: a {@link HfFolderException} or a configuration the engine can
 * run (positive sizes, whole heads per KV head, an even head size for RoPE, a vocabulary a
 * tokenizer can be padded to).
 */
class HfConfigFuzzTest {
    private static final Path FOLDER = HfFuzzFolder.copyWithout(HfFolder.CONFIG);

    static Stream<Arguments> seeds() {
        return Stream.of(Arguments.of(HfFuzzFolder.text(HfFuzzFolder.TINY, HfFolder.CONFIG)),
                Arguments.of(HfFuzzFolder.text(HfFuzzFolder.STORIES, HfFolder.CONFIG)));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void anyConfigIsAnErrorOrARunnableConfiguration(@NotNull @WithUtf8Length(max = 8192) String json) {
        HfFuzzFolder.write(FOLDER.resolve(HfFolder.CONFIG), json);
        HfConfig config;
        try {
            config = HfConfig.read(FOLDER);
        } catch (HfFolderException e) {
            assertThat(e.kind()).isNotNull();
            return;
        }
        ModelConfig c = config.model();
        assertThat(c.dim()).isPositive();
        assertThat(c.layers()).isPositive();
        assertThat(c.heads()).isPositive();
        assertThat(c.kvHeads()).isPositive();
        assertThat(c.heads() % c.kvHeads()).isZero();
        assertThat(c.headDim()).isPositive();
        assertThat(c.headDim() % 2).isZero();
        assertThat(c.ffnDim()).isPositive();
        assertThat(c.contextLength()).isPositive();
        assertThat(c.vocabSize()).isBetween(1, HfConfig.MAX_VOCABULARY);
        assertThat(c.normEps()).isPositive();
        assertThat(c.ropeTheta()).isPositive();
        assertThat(c.slidingWindow()).isNotNegative();
    }
}

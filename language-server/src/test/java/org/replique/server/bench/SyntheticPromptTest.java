package org.replique.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyntheticPromptTest {

    /** The ids llama.cpp's reference tool evaluated for {@code --synthetic-prompt 64} with a 32000-token vocabulary. */
    @Test
    void isTheLlamaCppReferenceToolsPrompt() {
        int[] tokens = SyntheticPrompt.tokens(64, 1, 32000);
        assertThat(tokens).hasSize(64);
        assertThat(java.util.Arrays.copyOf(tokens, 10))
                .containsExactly(1, 27592, 3943, 28970, 18589, 2039, 3129, 19102, 9374, 6104);
        assertThat(java.util.Arrays.copyOfRange(tokens, 61, 64)).containsExactly(18987, 11286, 31207);
    }

    @Test
    void withoutBosAllIdsAreOrdinaryTokensOfTheVocabulary() {
        int[] tokens = SyntheticPrompt.tokens(500, -1, 512);
        for (int t : tokens) assertThat(t).isBetween(259, 511);
    }
}

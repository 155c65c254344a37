package org.replique.server.hf;

import static org.assertj.core.api.Assertions.assertThat;

import org.replique.engine.tokenizer.Tokenizer;
import org.replique.engine.tokenizer.Vocabulary;

/** What a vocabulary read from any tokenizer file must do: tokenize text into ids it has, and back. */
final class TokenizerContract {
    private TokenizerContract() {}

    static void check(Vocabulary vocabulary) {
        assertThat(vocabulary.size()).isPositive();
        Tokenizer tokenizer = new Tokenizer(vocabulary);
        for (String text : new String[] {"[Marie:] Où étais-tu ?\n- Là.", "<s>x</s>", "\u0000\uFFFF 😀"}) {
            int[] ids = tokenizer.encode(text, true, true);
            assertThat(java.util.Arrays.stream(ids).allMatch(id -> id >= 0 && id < vocabulary.size()))
                    .as("ids %s inside a vocabulary of %d", java.util.Arrays.toString(ids), vocabulary.size()).isTrue();
            assertThat(tokenizer.decode(ids, true)).isNotNull();
        }
    }
}

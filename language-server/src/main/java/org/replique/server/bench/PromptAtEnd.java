package org.replique.server.bench;

import java.util.function.Function;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.prompt.PromptBuilder;
import org.replique.dialogue.prompt.PromptOptions;
import org.replique.engine.tokenizer.Tokenizer;

/**
 * Prompts for any screenplay, play or transcript, for the typing benchmark: the document is parsed
 * as the server parses it and the prompt is built at the end of its last line by the prompt
 * builder the server uses, whose window keeps the prompt's start while the writer types.
 */
public final class PromptAtEnd {
    private PromptAtEnd() {}

    /** A function from the document's text to the prompt at its end, at most {@code budget} tokens. */
    public static Function<String, String> forDocument(String fileName, Tokenizer tokenizer, int budget) {
        PromptOptions options = PromptOptions.defaults()
                .withBudget(budget, text -> tokenizer.encode(text, false, false).length);
        return text -> {
            DialogueDocument doc = Dialogue.parse(fileName, text);
            int line = doc.lines().size() - 1;
            return PromptBuilder.build(doc, line, doc.line(line).length(), options).text();
        };
    }
}

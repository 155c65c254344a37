package org.replique.server.documents;

import java.util.function.Function;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.prompt.PromptBuilder;
import org.replique.dialogue.prompt.PromptOptions;
import org.replique.engine.session.DocumentPrompts;
import org.replique.engine.tokenizer.Tokenizer;

/**
 * Prompts for any screenplay, play or transcript, for the engine's typing benchmark: the document
 * is parsed as the server parses it and the prompt is built at the end of its last line.
 */
public final class DialoguePrompts implements DocumentPrompts {

    @Override
    public Function<String, String> forDocument(String fileName, Tokenizer tokenizer, int budget) {
        PromptOptions options = PromptOptions.defaults()
                .withBudget(budget, text -> tokenizer.encode(text, false, false).length);
        return text -> {
            DialogueDocument doc = Dialogue.parse(fileName, text);
            int line = doc.lines().size() - 1;
            return PromptBuilder.build(doc, line, doc.line(line).length(), options).text();
        };
    }
}

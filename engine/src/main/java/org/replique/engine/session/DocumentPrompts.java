package org.replique.engine.session;

import java.util.ServiceLoader;
import java.util.function.Function;
import org.replique.engine.tokenizer.Tokenizer;

/**
 * Turns a document typed so far into the prompt at its end. The engine alone reads documents that
 * are already in the model's form (one {@code [Name:] text} turn per line); the application
 * provides one that understands screenplays and plays, found through {@link ServiceLoader}.
 */
public interface DocumentPrompts {

    /**
     * A function from the document's text to the prompt at its end, at most {@code budget} tokens.
     * The function may remember its previous cut (to keep the prompt's start stable while typing),
     * so use one per document.
     */
    Function<String, String> forDocument(String fileName, Tokenizer tokenizer, int budget);

    /** The application's implementation when there is one, else turns read line by line. */
    static DocumentPrompts find() {
        for (DocumentPrompts p : ServiceLoader.load(DocumentPrompts.class)) {
            return p;
        }
        return (fileName, tokenizer, budget) ->
                TypingReplay.linesAsTurns(new ContextBudget(budget, ContextBudget.tokenCounter(tokenizer)));
    }
}

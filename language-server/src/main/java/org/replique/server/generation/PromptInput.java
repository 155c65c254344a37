package org.replique.server.generation;

/**
 * A prompt as the seam takes it: its text, and its token ids (BOS first where the model adds one)
 * when the model's tokenizer is known in this process. The engine needs the ids; a remote server
 * takes the text and tokenizes it itself.
 *
 * @param ids null when the tokenizer is not known here
 */
public record PromptInput(String text, int[] ids) {

    /** A prompt known only as text. */
    public static PromptInput text(String text) {
        return new PromptInput(text, null);
    }

    public boolean tokenized() {
        return ids != null;
    }
}

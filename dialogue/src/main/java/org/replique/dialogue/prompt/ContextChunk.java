package org.replique.dialogue.prompt;

/**
 * A piece of another file of the project put ahead of the scene, so that the model knows the
 * people of the scene from the rest of the script: one of their speeches, or a description of them
 * (a {@code characters.md} entry, a cast list, a Fountain note).
 *
 * @param kind     a speech or a description
 * @param source   the file it comes from, as shown to the writer ({@code acte1.play.txt})
 * @param position where it starts in that file (characters), for a stable order
 * @param speaker  the person it is about, as that file names them
 * @param text     the words, one line
 */
public record ContextChunk(Kind kind, String source, long position, String speaker, String text) {

    /** Speeches are worth more to the model than descriptions: they come first within the budget. */
    public enum Kind {
        SPEECH,
        DESCRIPTION
    }

    public ContextChunk {
        text = text.strip().replaceAll("\\s+", " ");
    }

    /** How the status names it: {@code acte1.play.txt: MARIE (speech)}. */
    public String describe() {
        return source + ": " + speaker + (kind == Kind.SPEECH ? " (speech)" : " (description)");
    }
}

package org.replique.dialogue.project;

/**
 * A description in the project's notes: a {@code characters.md} entry, a cast list's line, a
 * Fountain note about someone.
 *
 * @param subject  who it is about, as written ({@code Marie}, {@code LA GRANGE})
 * @param text     the description, one line, starting with the subject
 * @param position where it starts in its file (characters)
 */
public record Note(String subject, String text, long position) {
}

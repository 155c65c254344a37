package org.replique.dialogue.document;

/**
 * A role in a play's cast list ({@code LA GRANGE, amant rebuté.}).
 *
 * @param name        the role's name as printed ({@code LA GRANGE})
 * @param description what follows the name, or an empty string
 * @param range       the whole entry
 */
public record CastMember(String name, String description, TextRange range) {
}

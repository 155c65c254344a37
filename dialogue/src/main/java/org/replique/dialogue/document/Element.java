package org.replique.dialogue.document;

/**
 * One element of a parsed document.
 *
 * @param type   what it is
 * @param range  where it is in the source
 * @param text   its text without the syntax's marks ({@code !}, the {@code .} of a forced heading,
 *               {@code >}/{@code <}, {@code #}, {@code =}, {@code ~}, the parentheses around a
 *               play's stage direction), without notes and boneyard; a cue keeps its line as
 *               written and a Fountain parenthetical its parentheses; lines joined with {@code \n}
 * @param label  a second value some types carry: the key of a title entry, the scene number of a
 *               scene heading, the depth ({@code "1"}, {@code "2"}…) of a section; otherwise null
 * @param forced whether the writer forced the type ({@code !action}, {@code .HEADING},
 *               {@code @Name}, {@code > TRANSITION})
 */
public record Element(ElementType type, TextRange range, String text, String label, boolean forced) {

    public Element(ElementType type, TextRange range, String text) {
        this(type, range, text, null, false);
    }
}

/**
 * Dialogue documents for Claire: Fountain screenplays, stage plays and Claire transcripts.
 *
 * <p>The way through, as a language server uses it:
 * <ol>
 *   <li>{@link org.replique.dialogue.Dialogue#parse(String, String)} reads a document (its format
 *       detected from the name and content, or named with
 *       {@link org.replique.dialogue.Dialogue#parse(String, org.replique.dialogue.document.DocumentFormat)})
 *       into a {@link org.replique.dialogue.document.DialogueDocument}: elements, cues, scenes and
 *       turns, each with its source range (0-based lines, UTF-16 columns, as in LSP);</li>
 *   <li>{@link org.replique.dialogue.prompt.PromptBuilder#build} turns a cursor into Claire's
 *       prompt and the continuation expected there;</li>
 *   <li>{@link org.replique.dialogue.render.Renderer#render} turns the model's output back into
 *       text to insert at the cursor, in the document's own form;</li>
 *   <li>{@link org.replique.dialogue.roster.Roster} lists the characters for cue completion.</li>
 * </ol>
 * Nothing here knows the editor protocol or the inference engine: token counts come in as a
 * function.
 */
package org.replique.dialogue;

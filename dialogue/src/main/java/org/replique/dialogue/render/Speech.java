package org.replique.dialogue.render;

/**
 * A turn ready to be written in the document's form.
 *
 * @param speaker      the document's name for the speaker (null in a dash transcript)
 * @param known        the document already has this speaker (else the name comes from the model)
 * @param words        the words, in the document's typography; a continuation keeps its leading space
 * @param continuation the rest of the speech at the cursor, not a new turn
 */
record Speech(String speaker, boolean known, String words, boolean continuation) {
}

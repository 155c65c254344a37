package org.replique.dialogue.prompt;

import java.util.List;

/**
 * One turn line of the context: a speech (or consecutive speeches of one speaker, merged as in
 * Claire's training data) with its speaker and scene.
 *
 * @param speaker   the document's name, or null for an unnamed speaker (a dash transcript)
 * @param speakers  the individual speakers
 * @param text      the words, one line
 * @param scene     the scene's index
 * @param firstTurn index in the document's turns of the first speech merged into the line
 * @param offset    where that speech starts in the source, in characters from the document's start
 */
record HistoryLine(String speaker, List<String> speakers, String text, int scene, int firstTurn, long offset) {
}

package org.replique.engine.generate;

/**
 * One generated continuation.
 *
 * @param tokens the generated ids (a stop string's tokens included, EOS not)
 * @param text   the text that follows the prompt, exactly as it would be appended to it (a leading
 *               space included), cut before a stop string
 */
public record Completion(int[] tokens, String text, StopReason stopReason) {}

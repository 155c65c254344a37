package org.replique.engine.session;

/**
 * What {@link ContextBudget#fit} kept of a prompt. Pass it back with the next call for the same
 * document: the cut then stays where it is for as long as the prompt fits, which keeps the token
 * prefix, and with it the cache, unchanged.
 *
 * @param firstTurn  index of the first turn kept (the turns before it are dropped; equal to the
 *                   number of turns when all are)
 * @param headKept   whether the head was kept (it is dropped only when it takes more than half
 *                   the budget)
 * @param tailStart  characters dropped from the start of the tail (0 unless the head and the tail
 *                   alone exceed the budget)
 * @param text       the prompt: head, kept turns and kept tail, concatenated
 * @param tokens     its length as the budget's counter measures it
 * @param anchor     the text of the first kept turn, by which the next call finds the cut again
 *                   when turns are inserted or removed before it
 */
public record ContextCut(int firstTurn, boolean headKept, int tailStart, String text, int tokens, String anchor) {}

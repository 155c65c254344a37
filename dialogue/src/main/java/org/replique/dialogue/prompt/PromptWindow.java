package org.replique.dialogue.prompt;

import java.util.List;

/**
 * Chooses the first context line that fits the budget. The choice is quantised: the window may
 * start only at a speech that begins at or after a multiple of the quantum (in characters of the
 * source), so while the writer types at the end, the start (and the model's cached prefix) stays
 * put until the budget forces a jump of a whole quantum. At most about one quantum of the budget
 * goes unused.
 */
final class PromptWindow {
    private PromptWindow() {}

    /**
     * @param costs     tokens of each line, separators included
     * @param lines     the lines, in order
     * @param available tokens left for the lines
     * @param quantum   the step, in characters of source
     * @return index of the first line kept ({@code lines.size()} when none fits)
     */
    static int firstLine(int[] costs, List<HistoryLine> lines, int available, long quantum) {
        int fit = lines.size();
        long sum = 0;
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (sum + costs[i] > available) {
                break;
            }
            sum += costs[i];
            fit = i;
        }
        if (fit == lines.size() || fit == 0 && lines.getFirst().firstTurn() == 0) {
            return fit; // nothing fits, or everything from the document's first speech
        }
        long offset = lines.get(fit).offset();
        long threshold = (offset + quantum - 1) / quantum * quantum;
        int start = fit;
        while (start < lines.size() && lines.get(start).offset() < threshold) {
            start++;
        }
        // A quantum longer than what fits would leave no context at all: keep what fits instead.
        return start < lines.size() ? start : fit;
    }
}

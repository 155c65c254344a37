package org.replique.engine.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.replique.engine.tokenizer.Tokenizer;

/**
 * Fits a dialogue prompt into a token budget by dropping its oldest turns, in large steps.
 *
 * <p>A prompt is a stable head (title, scene heading, cast: whatever the caller wants always
 * seen), the turns of the dialogue, oldest first, and a tail (the text around the cursor, the
 * turn being written). It is the plain concatenation {@code head + turns[first..] + tail}, so
 * turn texts carry their own separators. When it exceeds the budget, whole turns are dropped
 * from the start, enough to leave {@code step} tokens free; the next calls keep that cut for as
 * long as the prompt fits, so ordinary typing at the end of a long document leaves the token
 * prefix, and the cache built on it, untouched for about {@code step} tokens of new text.
 *
 * <p>Immutable apart from a cache of turn lengths; one instance can serve every document.
 */
public final class ContextBudget {
    private static final int COUNT_CACHE_ENTRIES = 16_384;

    private final int budget;
    private final int step;
    private final ToIntFunction<String> counter;
    private final Map<String, Integer> counts = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > COUNT_CACHE_ENTRIES;
                }
            });

    /** A budget of {@code budgetTokens} that cuts in steps of a quarter of it. */
    public ContextBudget(int budgetTokens, ToIntFunction<String> counter) {
        this(budgetTokens, Math.max(1, budgetTokens / 4), counter);
    }

    /**
     * @param budgetTokens the most tokens a prompt may have (as {@code counter} counts them)
     * @param stepTokens   the room a cut leaves free, hence how long it lasts
     * @param counter      the token length of a text; it should be close to additive over
     *                     concatenation (the result is checked on the whole prompt anyway)
     */
    public ContextBudget(int budgetTokens, int stepTokens, ToIntFunction<String> counter) {
        if (budgetTokens < 1) throw new IllegalArgumentException("budget must be ≥ 1 token");
        if (stepTokens < 1 || stepTokens > budgetTokens) throw new IllegalArgumentException("step must be in [1, budget]");
        this.budget = budgetTokens;
        this.step = stepTokens;
        this.counter = counter;
    }

    /** Counts tokens as the tokenizer encodes a text on its own, without BOS. */
    public static ToIntFunction<String> tokenCounter(Tokenizer tokenizer) {
        return text -> text.isEmpty() ? 0 : tokenizer.encode(text, false, false).length;
    }

    public int budget() {
        return budget;
    }

    public int step() {
        return step;
    }

    /**
     * The prompt to send for this document state. {@code previous} is this method's result for
     * the same document's previous state, or null.
     */
    public ContextCut fit(String head, List<String> turns, String tail, ContextCut previous) {
        int n = turns.size();
        int headTokens = count(head);
        boolean headKept = headTokens <= budget / 2;
        int fixed = (headKept ? headTokens : 0) + count(tail);
        // kept[c]: tokens of the prompt that keeps turns c.. (turns counted one by one).
        long[] kept = new long[n + 1];
        kept[n] = fixed;
        for (int i = n - 1; i >= 0; i--) kept[i] = kept[i + 1] + cachedCount(turns.get(i));

        int first;
        int previousFirst = previous == null ? -1 : relocate(previous, turns);
        if (previousFirst >= 0 && kept[previousFirst] <= budget && kept[previousFirst] > budget - 2L * step) {
            first = previousFirst;
        } else if (kept[0] <= budget) {
            first = 0;
        } else {
            first = firstFitting(kept, budget - step);
        }

        String keptHead = headKept ? head : "";
        int tailStart = 0;
        if (first == n && kept[n] > budget) {
            // Head and tail alone are too long: keep the end of the tail, cut at a word.
            int old = previous != null && previousFirst == n ? previous.tailStart() : -1;
            tailStart = old >= 0 && old <= tail.length() && count(keptHead) + count(tail.substring(old)) <= budget
                    ? old : cutTail(keptHead, tail, budget - step);
        }
        String text = assemble(keptHead, turns, first, tail, tailStart);
        int tokens = counter.applyAsInt(text);
        // Per-turn counts may differ a little from the whole prompt's: drop more until it fits.
        int tailLimit = budget - step;
        while (tokens > budget && (first < n || tailStart < tail.length())) {
            if (first < n) {
                first++;
            } else {
                tailLimit -= Math.max(1, step / 4);
                tailStart = Math.max(tailStart + 1, cutTail(keptHead, tail, tailLimit));
                tailStart = Math.min(tailStart, tail.length());
            }
            text = assemble(keptHead, turns, first, tail, tailStart);
            tokens = counter.applyAsInt(text);
        }
        return new ContextCut(first, headKept, tailStart, text, tokens, first < n ? turns.get(first) : "");
    }

    /** Where the previous cut's first turn is now: the turn with its text nearest its old index. */
    private static int relocate(ContextCut previous, List<String> turns) {
        int n = turns.size();
        int old = previous.firstTurn();
        if (previous.anchor().isEmpty()) return old <= n ? old : -1;
        for (int d = 0; d <= n; d++) {
            if (old - d >= 0 && old - d < n && turns.get(old - d).equals(previous.anchor())) return old - d;
            if (old + d < n && turns.get(old + d).equals(previous.anchor())) return old + d;
        }
        return -1;
    }

    /** The smallest {@code c} with {@code kept[c] <= limit}, or the number of turns when none fits. */
    private static int firstFitting(long[] kept, long limit) {
        int c = 0;
        while (c < kept.length - 1 && kept[c] > limit) c++;
        return c;
    }

    /**
     * The smallest start of the tail, at the beginning of a word, after which head and tail fit
     * {@code limit}; the tail's length when nothing does.
     */
    private int cutTail(String head, String tail, int limit) {
        int headTokens = count(head);
        int lo = 0;
        int hi = tail.length();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (headTokens + count(tail.substring(mid)) <= limit) hi = mid;
            else lo = mid + 1;
        }
        // Start at a word so that the kept text tokenizes as it does inside the document.
        while (lo > 0 && lo < tail.length() && !Character.isWhitespace(tail.charAt(lo - 1))) lo++;
        return lo;
    }

    private static String assemble(String head, List<String> turns, int first, String tail, int tailStart) {
        StringBuilder sb = new StringBuilder(head);
        for (int i = first; i < turns.size(); i++) sb.append(turns.get(i));
        return sb.append(tail, tailStart, tail.length()).toString();
    }

    private int count(String text) {
        return text.isEmpty() ? 0 : counter.applyAsInt(text);
    }

    private int cachedCount(String turn) {
        Integer c = counts.get(turn);
        if (c == null) {
            c = count(turn);
            counts.put(turn, c);
        }
        return c;
    }
}

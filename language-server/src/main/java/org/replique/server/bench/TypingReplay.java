package org.replique.server.bench;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.sampling.SamplingParams;
import org.replique.engine.session.CompletionSession;
import org.replique.engine.session.RequestCost;
import org.replique.engine.session.SessionResult;
import org.replique.engine.tokenizer.Tokenizer;

/**
 * Replays typing into a document, one character per request, as an editor sends completion
 * requests, and records what each request cost. The first request (nothing typed yet) is the
 * cold one when the session starts empty; the others show what reuse of the cache achieves.
 */
public final class TypingReplay {
    private final CompletionSession session;
    private final Tokenizer tokenizer;
    private final Function<String, String> promptOf;
    private final GenerationRequest request;

    /**
     * @param promptOf the prompt text for a document text ({@link PromptAtEnd}, or the text itself);
     *                 it is tokenized with the tokenizer's BOS setting
     * @param request  what each request generates (see {@link #nextTokens})
     */
    public TypingReplay(CompletionSession session, Tokenizer tokenizer, Function<String, String> promptOf,
                        GenerationRequest request) {
        this.session = session;
        this.tokenizer = tokenizer;
        this.promptOf = promptOf;
        this.request = request;
    }

    /** Greedy generation of {@code n} tokens that ignores end-of-sequence, so that every request generates. */
    public static GenerationRequest nextTokens(int n) {
        return GenerationRequest.of(SamplingParams.greedyDecoding(), n).withStopAtEos(false);
    }

    /** Types the last {@code chars} characters of {@code document} at its end. */
    public Report replayAtEnd(String document, int chars) {
        int at = document.length() - Math.min(chars, document.length());
        // Never start between the two halves of a surrogate pair.
        if (at > 0 && Character.isLowSurrogate(document.charAt(at))) at--;
        return replay(document.substring(0, at), document.substring(at), "");
    }

    /**
     * Types {@code typed} between {@code before} and {@code after}: one request for the document
     * {@code before + after}, then one per character typed (a surrogate pair is one keystroke).
     */
    public Report replay(String before, String typed, String after) {
        int[] cuts = typed.codePoints().map(Character::charCount).toArray();
        Step[] steps = new Step[cuts.length + 1];
        int typedChars = 0;
        for (int i = 0; i <= cuts.length; i++) {
            if (i > 0) typedChars += cuts[i - 1];
            String document = before + typed.substring(0, typedChars) + after;
            int[] prompt = tokenizer.encode(promptOf.apply(document));
            SessionResult result = session.complete(prompt, request, TokenListener.NONE, Cancellation.NONE);
            RequestCost cost = result.cost();
            steps[i] = new Step(typedChars, cost.promptTokens(), cost.reusedTokens(), cost.evaluatedTokens(),
                    cost.firstTokenNanos());
        }
        return new Report(List.of(steps));
    }

    /**
     * One request.
     *
     * @param typedChars      characters typed so far
     * @param promptTokens    the prompt's length
     * @param reusedTokens    prompt tokens found in the cache
     * @param evaluatedTokens prompt tokens evaluated
     * @param firstTokenNanos latency to the first new token
     */
    public record Step(int typedChars, int promptTokens, int reusedTokens, int evaluatedTokens, long firstTokenNanos) {}

    /** Every request, the cold one first, and the figures a benchmark reports. */
    public record Report(List<Step> steps) {

        /** Latency of the first request, in milliseconds. */
        public double coldMillis() {
            return steps.getFirst().firstTokenNanos() / 1e6;
        }

        /** Median latency of the requests after the first, in milliseconds. */
        public double warmMedianMillis() {
            return median(warm(), Step::firstTokenNanos) / 1e6;
        }

        /** 90th-percentile latency of the requests after the first, in milliseconds. */
        public double warmP90Millis() {
            return percentile(warm(), Step::firstTokenNanos, 0.9) / 1e6;
        }

        /** Median number of prompt tokens evaluated by the requests after the first. */
        public double evaluatedTokensMedian() {
            return median(warm(), Step::evaluatedTokens);
        }

        /** Largest number of prompt tokens evaluated by a request after the first. */
        public int evaluatedTokensMax() {
            return warm().stream().mapToInt(Step::evaluatedTokens).max().orElse(0);
        }

        private List<Step> warm() {
            return steps.subList(1, steps.size());
        }

        private static double median(List<Step> steps, ToLongFunction<Step> value) {
            if (steps.isEmpty()) return Double.NaN;
            long[] v = steps.stream().mapToLong(value).sorted().toArray();
            int m = v.length / 2;
            return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2.0;
        }

        private static double percentile(List<Step> steps, ToLongFunction<Step> value, double p) {
            if (steps.isEmpty()) return Double.NaN;
            long[] v = steps.stream().mapToLong(value).sorted().toArray();
            return v[Math.min(v.length - 1, (int) Math.ceil(p * v.length) - 1)];
        }
    }
}

package org.replique.engine.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.sampling.Sampler;
import org.replique.engine.tokenizer.StreamingDecoder;
import org.replique.engine.tokenizer.Tokenizer;

/**
 * Prompt evaluation and token-by-token generation on one sequence state, streaming and
 * cancellable. The state may already hold tokens from an earlier request: only what follows the
 * longest common prefix of token ids is evaluated (at least one token, for fresh logits).
 */
public final class Generator {
    private final Backend backend;
    private final Tokenizer tokenizer;

    public Generator(Backend backend) {
        this.backend = backend;
        this.tokenizer = backend.model().tokenizer();
    }

    /**
     * Brings {@code state}, which holds {@code held} tokens, to hold exactly {@code prompt}, and
     * returns the logits after its last token and how many tokens were evaluated. Cancellation throws; the state then holds a valid
     * prefix of the prompt, and {@code held} is updated to describe it.
     */
    public Prefill prefill(InferenceState state, TokenHistory held, int[] prompt, Cancellation cancel) {
        checkPrompt(prompt, state.capacity());
        int common = Math.min(held.commonPrefix(prompt), prompt.length - 1);
        int kept = state.truncate(Math.min(common, state.length()));
        held.truncate(kept);
        try {
            float[] logits = backend.forward(state, prompt, kept, prompt.length - kept, cancel);
            held.set(prompt, prompt.length);
            return new Prefill(logits, prompt.length - kept);
        } catch (CancellationException e) {
            held.set(prompt, state.length());
            throw e;
        }
    }

    /**
     * The one check of a prompt's size, for every caller: a prompt must hold at least one token
     * (there is nothing to continue otherwise) and fit in {@code capacity} positions.
     */
    public static void checkPrompt(int[] prompt, int capacity) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt: there is nothing to continue");
        }
        if (prompt.length > capacity) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens exceeds the context of "
                    + capacity);
        }
    }

    /** Generates from a fresh or reused state; see {@link #prefill} for what is reused. */
    public GenerationResult generate(InferenceState state, TokenHistory held, int[] prompt, GenerationRequest request,
                                     TokenListener listener, Cancellation cancel) {
        return generate(state, held, prompt, prefill(state, held, prompt, cancel), request, listener, cancel);
    }

    /**
     * Generates after {@code prefill}, which {@link #prefill} has just returned for the same state,
     * history and prompt. Callers that time or report the prompt's evaluation on its own use this.
     */
    public GenerationResult generate(InferenceState state, TokenHistory held, int[] prompt, Prefill prefill,
                                     GenerationRequest request, TokenListener listener, Cancellation cancel) {
        float[] promptLogits = prefill.logits();
        List<Completion> completions = new ArrayList<>();
        for (int candidate = 0; candidate < request.candidates(); candidate++) {
            if (candidate > 0 && state.truncate(prompt.length) != prompt.length) {
                held.truncate(0);
                promptLogits = prefill(state, held, prompt, cancel).logits();
            }
            held.truncate(prompt.length);
            Sampler sampler = new Sampler(request.sampling().withSeed(request.sampling().seed() + candidate));
            completions.add(generateOne(candidate, state, held, promptLogits, request, sampler, listener, cancel));
            if (cancel.isCancelled()) break;
        }
        return new GenerationResult(prompt, promptLogits, prefill.evaluated(), List.copyOf(completions), held.toArray());
    }

    /** The logits after a prompt, and how many of its tokens had to be evaluated. */
    public record Prefill(float[] logits, int evaluated) {}

    private Completion generateOne(int candidate, InferenceState state, TokenHistory held, float[] promptLogits,
                                   GenerationRequest request, Sampler sampler, TokenListener listener,
                                   Cancellation cancel) {
        StreamingDecoder decoder = tokenizer.streamingDecoder(held.toArray());
        StopMatcher stops = new StopMatcher(request.stops());
        StringBuilder text = new StringBuilder();
        int emitted = 0;
        int[] history = Arrays.copyOf(held.tokens(), held.length() + request.maxTokens());
        int historyLength = held.length();
        int generated = 0;
        float[] logits = promptLogits;
        StopReason reason = StopReason.MAX_TOKENS;
        int eos = tokenizer.vocabulary().eos();

        while (generated < request.maxTokens()) {
            if (cancel.isCancelled()) {
                reason = StopReason.CANCELLED;
                break;
            }
            int token = sampler.sample(logits, history, historyLength);
            if (token == eos && request.stopAtEos()) {
                reason = StopReason.END_OF_SEQUENCE;
                break;
            }
            history[historyLength++] = token;
            generated++;
            text.append(decoder.accept(token));
            int stopAt = stops.find(text);
            if (stopAt >= 0) {
                text.setLength(stopAt);
                reason = StopReason.STOP_STRING;
                break;
            }
            int safe = stops.safeLength(text);
            if (safe > emitted) {
                listener.onToken(candidate, token, text.substring(emitted, safe));
                emitted = safe;
            } else {
                listener.onToken(candidate, token, "");
            }
            if (generated == request.maxTokens()) {
                break;
            }
            if (state.length() + 1 > state.capacity()) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            try {
                logits = backend.forward(state, history, historyLength - 1, 1, cancel);
                held.append(token);
            } catch (CancellationException e) {
                reason = StopReason.CANCELLED;
                break;
            }
        }
        if (reason != StopReason.STOP_STRING) {
            text.append(decoder.flush());
            int stopAt = stops.find(text);
            if (stopAt >= 0) {
                text.setLength(stopAt);
                reason = StopReason.STOP_STRING;
            }
        }
        if (text.length() > emitted) {
            listener.onToken(candidate, TokenListener.NO_TOKEN, text.substring(emitted));
        }
        int promptLength = history.length - request.maxTokens();
        return new Completion(Arrays.copyOfRange(history, promptLength, historyLength), text.toString(), reason);
    }
}

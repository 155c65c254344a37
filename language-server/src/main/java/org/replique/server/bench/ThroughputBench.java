package org.replique.server.bench;

import java.util.Arrays;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.generate.Generator;
import org.replique.engine.sampling.Sampler;

/**
 * Prompt-processing and generation speed of a backend, measured like llama-bench: each
 * repetition evaluates the prompt in a fresh state (pp), takes the greedy token and decodes
 * {@code generate − 1} more one at a time (tg: the first generated token comes from the prompt's
 * logits and costs no decode). Warm-up repetitions, not reported, let the JIT compile the kernels
 * and bring the mapped weights into memory.
 */
public final class ThroughputBench {
    private final Backend backend;

    public ThroughputBench(Backend backend) {
        this.backend = backend;
    }

    /** One repetition's figures. */
    public record Run(double promptTokensPerSecond, double generatedTokensPerSecond, long stateBytes) {}

    /** All repetitions, with medians. */
    public record Result(int promptTokens, int generatedTokens, Run[] runs) {
        public double[] promptRates() {
            return Arrays.stream(runs).mapToDouble(Run::promptTokensPerSecond).toArray();
        }

        public double[] generationRates() {
            return Arrays.stream(runs).mapToDouble(Run::generatedTokensPerSecond).toArray();
        }

        public double promptMedian() {
            return Stats.median(promptRates());
        }

        public double generationMedian() {
            return Stats.median(generationRates());
        }
    }

    /** {@code warmups} untimed then {@code repetitions} timed repetitions of {@code prompt} + {@code generate} tokens. */
    public Result run(int[] prompt, int generate, int repetitions, int warmups) {
        Generator.checkPrompt(prompt, prompt.length + generate);
        if (generate < 1) throw new IllegalArgumentException("generate at least one token");
        for (int i = 0; i < warmups; i++) once(prompt, generate);
        Run[] runs = new Run[repetitions];
        for (int i = 0; i < repetitions; i++) runs[i] = once(prompt, generate);
        return new Result(prompt.length, generate, runs);
    }

    private Run once(int[] prompt, int generate) {
        try (InferenceState state = backend.newState(prompt.length + generate)) {
            long t0 = System.nanoTime();
            float[] logits = backend.forward(state, prompt, 0, prompt.length, Cancellation.NONE);
            long t1 = System.nanoTime();
            int[] token = {Sampler.argmax(logits)};
            for (int i = 1; i < generate; i++) {
                token[0] = Sampler.argmax(backend.forward(state, token, 0, 1, Cancellation.NONE));
            }
            long t2 = System.nanoTime();
            return new Run(Stats.perSecond(prompt.length, t1 - t0),
                    generate > 1 ? Stats.perSecond(generate - 1, t2 - t1) : Double.NaN, state.memoryBytes());
        }
    }
}

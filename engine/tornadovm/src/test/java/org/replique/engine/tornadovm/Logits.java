package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.generate.Generator;
import org.replique.engine.generate.TokenHistory;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.sampling.SamplingParams;
import org.replique.fixtures.reference.LlamaCppReference;

/** Comparisons of logit vectors and greedy runs, shared by the tests. */
final class Logits {
    private Logits() {}

    static double maxDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    /** How far two logit vectors may be apart: in their largest difference and on average. */
    record Tolerance(double max, double mean) {}

    static double meanDifference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
        return sum / a.length;
    }

    /** Asserts that {@code actual} is within {@code tolerance} of {@code expected}. */
    static void assertClose(float[] actual, float[] expected, Tolerance tolerance, String what) {
        assertThat(maxDifference(actual, expected)).as("largest logit difference, %s", what)
                .isLessThanOrEqualTo(tolerance.max());
        assertThat(meanDifference(actual, expected)).as("mean logit difference, %s", what)
                .isLessThanOrEqualTo(tolerance.mean());
    }

    /** {@code logits − max(logits)}, the form llama.cpp's references use. */
    static float[] relative(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        float[] out = new float[logits.length];
        for (int i = 0; i < out.length; i++) out[i] = logits[i] - max;
        return out;
    }

    /** The prompt's logits and {@code n} greedy tokens, no stop at EOS, as the references were made. */
    static GenerationResult greedy(Backend backend, int[] prompt, int n) {
        try (InferenceState state = backend.newState(backend.model().config().contextLength())) {
            GenerationRequest request = GenerationRequest.of(SamplingParams.greedyDecoding(), n).withStopAtEos(false);
            return new Generator(backend).generate(state, new TokenHistory(), prompt, request, TokenListener.NONE,
                    Cancellation.NONE);
        }
    }

    /**
     * The logits after {@code ref}'s prompt, then after each of its generated tokens but the last,
     * fed back one by one ("teacher forcing"): what llama.cpp's {@code step_top} lists predict.
     */
    static List<float[]> teacherForced(Backend backend, LlamaCppReference ref) {
        List<float[]> steps = new ArrayList<>();
        try (InferenceState state = backend.newState(backend.model().config().contextLength())) {
            int[] prompt = ref.promptTokens();
            int[] generated = ref.generatedTokens();
            steps.add(backend.forward(state, prompt, 0, prompt.length, Cancellation.NONE));
            for (int i = 0; i + 1 < generated.length; i++) {
                steps.add(backend.forward(state, generated, i, 1, Cancellation.NONE));
            }
        }
        return steps;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /** A prompt of {@code n} token ids: BOS, then a fixed walk over the vocabulary. */
    static int[] walk(int n, int vocab) {
        int[] tokens = new int[n];
        tokens[0] = 1;
        for (int i = 1; i < n; i++) tokens[i] = 3 + (i * 37) % (vocab - 3);
        return tokens;
    }

}

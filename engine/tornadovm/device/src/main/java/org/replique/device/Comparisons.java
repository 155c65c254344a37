package org.replique.device;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.Generator;
import org.replique.engine.generate.TokenHistory;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.sampling.Sampler;
import org.replique.engine.sampling.SamplingParams;

/** Comparisons of one backend with another: greedy tokens, and logit vectors pass by pass. */
final class Comparisons {
    private Comparisons() {}

    /**
     * How far two logit vectors may be apart, in their largest and their mean difference: as the
     * TornadoVM backend's own tests allow against the CPU's reference kernels (F32 1e-4 / 1e-5; F16
     * 1e-2 / 5e-3, from F16 rounding of activations; Q8_0 and Q4_0 0.3 / 0.15, from the odd
     * activation quant that float noise moves by one, as the CPU's own vector and scalar kernels
     * differ by 0.15 / 0.10).
     */
    record Tolerance(double max, double mean) {
        static Tolerance forType(String type) {
            return switch (type.toLowerCase(java.util.Locale.ROOT)) {
                case "f32", "f32-tied", "bf16" -> new Tolerance(1e-4, 1e-5);
                case "f16" -> new Tolerance(1e-2, 5e-3);
                default -> new Tolerance(0.3, 0.15);
            };
        }

        JsonObject json() {
            JsonObject o = new JsonObject();
            o.addProperty("max", max);
            o.addProperty("mean", mean);
            return o;
        }
    }

    /** The differences of two logit vectors. */
    record Difference(double max, double mean) {
        static Difference of(float[] a, float[] b) {
            if (a.length != b.length) throw new IllegalArgumentException(a.length + " logits against " + b.length);
            double max = 0, sum = 0;
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs((double) a[i] - b[i]);
                if (Double.isNaN(d)) return new Difference(Double.NaN, Double.NaN);
                max = Math.max(max, d);
                sum += d;
            }
            return new Difference(max, sum / a.length);
        }

        boolean within(Tolerance t) {
            return max <= t.max() && mean <= t.mean();
        }
    }

    /** The greedy continuation of {@code prompt}: {@code n} tokens, no stop at end of text. */
    static int[] greedy(Backend backend, int[] prompt, int n) {
        try (InferenceState state = backend.newState(prompt.length + n + 1)) {
            GenerationRequest request = GenerationRequest.of(SamplingParams.greedyDecoding(), n).withStopAtEos(false);
            return new Generator(backend).generate(state, new TokenHistory(), prompt, request, TokenListener.NONE,
                    Cancellation.NONE).first().tokens();
        }
    }

    /** The first index where {@code a} and {@code b} differ, or −1. */
    static int firstDifference(int[] a, int[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) return i;
        }
        return a.length == b.length ? -1 : Math.min(a.length, b.length);
    }

    static JsonArray json(int[] tokens) {
        JsonArray a = new JsonArray();
        for (int t : tokens) a.add(t);
        return a;
    }

    /**
     * Evaluates {@code tokens[0, split)} as one prompt on both backends, then the rest one token at
     * a time, comparing the logits after each pass: the worst largest and mean difference, where
     * they occurred, whether the two agree on every greedy choice, and how spread the logits are
     * (their standard deviation, the scale the differences compare with).
     */
    static JsonObject walk(Backend device, Backend reference, int[] tokens, int split, Tolerance tolerance) {
        double worstMax = 0, worstMean = 0, spread = 0;
        int worstAt = -1, argmaxAgreements = 0, passes = 0;
        try (InferenceState d = device.newState(tokens.length + 1);
             InferenceState r = reference.newState(tokens.length + 1)) {
            for (int at = split; at <= tokens.length; at++) {
                int from = at == split ? 0 : at - 1;
                int count = at == split ? split : 1;
                float[] a = device.forward(d, tokens, from, count, Cancellation.NONE);
                float[] b = reference.forward(r, tokens, from, count, Cancellation.NONE);
                Difference diff = Difference.of(a, b);
                passes++;
                if (Double.isNaN(diff.max()) || diff.max() > worstMax) {
                    worstMax = diff.max();
                    worstAt = at - 1;
                }
                if (Double.isNaN(diff.mean()) || diff.mean() > worstMean) worstMean = diff.mean();
                if (Sampler.argmax(a) == Sampler.argmax(b)) argmaxAgreements++;
                spread = Math.max(spread, deviation(b));
            }
        }
        JsonObject o = new JsonObject();
        o.addProperty("prompt_tokens", split);
        o.addProperty("decoded_tokens", tokens.length - split);
        o.addProperty("max_difference", worstMax);
        o.addProperty("mean_difference", worstMean);
        o.addProperty("worst_position", worstAt);
        o.addProperty("argmax_agreements", argmaxAgreements + "/" + passes);
        o.addProperty("reference_logit_std", Results.round(spread, 4));
        o.add("tolerance", tolerance.json());
        o.addProperty("within_tolerance", new Difference(worstMax, worstMean).within(tolerance));
        return o;
    }

    static double deviation(float[] v) {
        double sum = 0, squares = 0;
        for (float x : v) {
            sum += x;
            squares += (double) x * x;
        }
        double mean = sum / v.length;
        return Math.sqrt(Math.max(0, squares / v.length - mean * mean));
    }

    /** BOS, then a fixed walk over the ordinary ids of the vocabulary: a prompt any model accepts. */
    static int[] walkTokens(int n, int vocab) {
        int[] tokens = new int[n];
        tokens[0] = 1;
        for (int i = 1; i < n; i++) tokens[i] = 3 + (i * 37) % (vocab - 3);
        return tokens;
    }
}

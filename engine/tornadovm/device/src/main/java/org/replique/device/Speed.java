package org.replique.device;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.backend.Profiling;
import org.replique.engine.sampling.Sampler;

/**
 * Prefill and decode speed of a backend, measured as llama-bench does (each repetition evaluates
 * the prompt in a fresh state, then decodes greedily one token at a time), within a deadline: a
 * repetition that would not fit is not started, and a decode loop that reaches the deadline stops
 * and reports the tokens it did. Then, for backends that can time their kernels, where the time of
 * a decoded token and of a prompt chunk goes.
 */
final class Speed {
    private final Backend backend;
    private final int[] prompt;

    Speed(Backend backend, int[] prompt) {
        this.backend = backend;
        this.prompt = prompt;
    }

    /** One repetition: prompt tokens per second and decoded tokens per second. */
    record Run(double prefill, double decode, int decoded) {}

    /**
     * Up to {@code repetitions} timed repetitions of the prompt and {@code generate} decoded tokens,
     * after one short untimed warm-up, until {@code deadline}.
     */
    JsonObject measure(int generate, int repetitions, Deadline deadline) {
        long w0 = System.nanoTime();
        once(Arrays.copyOf(prompt, Math.min(prompt.length, 8)), 2, deadline);
        double warmUp = (System.nanoTime() - w0) / 1e9;

        JsonArray runs = new JsonArray();
        double[] prefill = new double[repetitions];
        double[] decode = new double[repetitions];
        int done = 0;
        double lastSeconds = 0;
        for (int i = 0; i < repetitions; i++) {
            // Start a repetition only when one like the last still fits.
            if (i > 0 && deadline.remaining() < lastSeconds) break;
            long t0 = System.nanoTime();
            Run run = once(prompt, generate, deadline);
            lastSeconds = (System.nanoTime() - t0) / 1e9;
            prefill[done] = run.prefill();
            decode[done] = run.decode();
            done++;
            JsonObject r = new JsonObject();
            r.addProperty("prefill_tok_s", Results.round(run.prefill(), 2));
            r.addProperty("decode_tok_s", Results.round(run.decode(), 2));
            r.addProperty("decoded_tokens", run.decoded());
            runs.add(r);
            if (deadline.passed()) break;
        }
        JsonObject o = new JsonObject();
        o.addProperty("prompt_tokens", prompt.length);
        o.addProperty("decode_tokens_asked", generate);
        o.addProperty("warm_up_s", Results.round(warmUp, 2));
        o.addProperty("repetitions", done);
        o.addProperty("prefill_tok_s", Results.round(median(Arrays.copyOf(prefill, done)), 2));
        o.addProperty("decode_tok_s", Results.round(median(Arrays.copyOf(decode, done)), 2));
        o.add("runs", runs);
        return o;
    }

    private Run once(int[] tokens, int generate, Deadline deadline) {
        try (InferenceState state = backend.newState(tokens.length + generate + 1)) {
            long t0 = System.nanoTime();
            float[] logits = backend.forward(state, tokens, 0, tokens.length, Cancellation.NONE);
            long t1 = System.nanoTime();
            int[] next = {Sampler.argmax(logits)};
            int decoded = 0;
            while (decoded < generate && !deadline.passed()) {
                next[0] = Sampler.argmax(backend.forward(state, next, 0, 1, Cancellation.NONE));
                decoded++;
            }
            long t2 = System.nanoTime();
            return new Run(tokens.length * 1e9 / (t1 - t0), decoded == 0 ? Double.NaN : decoded * 1e9 / (t2 - t1),
                    decoded);
        }
    }

    static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * Where the time goes, from the backend's own kernel timings: {@code decode}, {@code tokens}
     * tokens decoded one at a time after a short prompt; {@code prefill}, one full prompt chunk of
     * {@code chunk} tokens. Per kernel: calls, total and per-token milliseconds and its share of
     * the device time; the totals; and the host's wall time of the same passes, whose excess over
     * the device time is the cost of launching the work. Null for a backend that cannot time its
     * kernels.
     */
    JsonObject profile(int tokens, int chunk) {
        if (!(backend instanceof Profiling profiling)) return null;
        JsonObject o = new JsonObject();
        try (InferenceState state = backend.newState(prompt.length + chunk + tokens + 2)) {
            int[] start = Arrays.copyOf(prompt, Math.min(8, prompt.length));
            int[] next = {Sampler.argmax(backend.forward(state, start, 0, start.length, Cancellation.NONE))};
            profiling.startProfiling();
            long t0 = System.nanoTime();
            for (int i = 0; i < tokens; i++) {
                next[0] = Sampler.argmax(backend.forward(state, next, 0, 1, Cancellation.NONE));
            }
            long wall = System.nanoTime() - t0;
            o.add("decode", json(profiling.stopProfiling(), tokens, wall));

            int[] block = Arrays.copyOf(prompt, Math.min(chunk, prompt.length));
            profiling.startProfiling();
            long t1 = System.nanoTime();
            backend.forward(state, block, 0, block.length, Cancellation.NONE);
            long wall1 = System.nanoTime() - t1;
            o.add("prefill", json(profiling.stopProfiling(), block.length, wall1));
        }
        return o;
    }

    private static JsonObject json(Profiling.Profile p, int tokens, long wallNanos) {
        long kernelNanos = 0;
        for (Profiling.Step s : p.kernels()) kernelNanos += s.nanos();
        JsonObject o = new JsonObject();
        o.addProperty("tokens", tokens);
        o.addProperty("host_wall_ms_per_token", Results.round(wallNanos / 1e6 / tokens, 4));
        o.addProperty("kernel_ms_per_token", Results.round(kernelNanos / 1e6 / tokens, 4));
        o.addProperty("kernel_share_of_wall", wallNanos == 0 ? Double.NaN : Results.round((double) kernelNanos / wallNanos, 4));
        JsonArray kernels = new JsonArray();
        for (Profiling.Step s : p.kernels()) {
            JsonObject k = new JsonObject();
            k.addProperty("kernel", s.name());
            k.addProperty("calls", s.count());
            k.addProperty("total_ms", Results.round(s.nanos() / 1e6, 4));
            k.addProperty("ms_per_token", Results.round(s.nanos() / 1e6 / tokens, 4));
            k.addProperty("us_per_call", Results.round(s.nanos() / 1e3 / Math.max(1, s.count()), 2));
            k.addProperty("share", kernelNanos == 0 ? 0 : Results.round((double) s.nanos() / kernelNanos, 4));
            kernels.add(k);
        }
        o.add("kernels", kernels);
        JsonObject totals = new JsonObject();
        for (Profiling.Step s : p.totals()) {
            JsonObject t = new JsonObject();
            t.addProperty("count", s.count());
            t.addProperty("ms_per_token", Results.round(s.nanos() / 1e6 / tokens, 4));
            totals.add(s.name(), t);
        }
        o.add("totals", totals);
        return o;
    }
}

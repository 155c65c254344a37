package org.replique.engine.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the CPU forward pass spends its time, step by step, for prompts (batches of several
 * tokens) and decoding (one token) apart; and how busy the compute threads were. Off unless
 * {@link #enable enabled}: a disabled profile costs one field read per step.
 *
 * <p>Each step's wall time is accumulated with the weight bytes it read, so a multiplication's
 * effective bandwidth is {@code bytes / nanos}. The pool figures say whether both threads work
 * through a job: a thread's busy time is the time it spent running tasks; the caller's wait is
 * the time it spent at the end of a job waiting for the other threads' last tasks.
 *
 * <p>Written by the thread that runs the forward pass (the pool's figures by each thread for
 * itself); read it when no forward pass runs.
 */
public final class ForwardProfile {

    /** The steps of the forward pass, in order. */
    public enum Step {
        EMBEDDING("embedding"),
        NORM("norm"),
        QUANTIZE("activations → Q8"),
        QKV("Q/K/V matmul"),
        ROPE_KV("RoPE + KV store"),
        ATTENTION("attention"),
        OUTPUT_PROJECTION("output proj matmul"),
        RESIDUAL("residual adds"),
        GATE_UP("gate/up matmul + activation"),
        DOWN("down matmul"),
        LOGITS("logits matmul");

        private final String label;

        Step(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Accumulated figures of one kind of call (prompt chunks or decoded tokens). */
    static final class Table {
        final long[] nanos = new long[Step.values().length];
        final long[] bytes = new long[Step.values().length];
        long calls;
        long tokens;
        long layerPasses;
        long wallNanos;

        void clear() {
            java.util.Arrays.fill(nanos, 0);
            java.util.Arrays.fill(bytes, 0);
            calls = tokens = layerPasses = wallNanos = 0;
        }
    }

    private volatile boolean enabled;
    private final Table prompt = new Table();
    private final Table decode = new Table();
    private final long[] busyNanos;
    private final long[] jobs;
    private long callerWaitNanos;
    private long poolJobs;
    /** The running call's table (null when none is recorded), its start and its running step's. */
    private Table current;
    private long callStart;
    private long stepStart;

    ForwardProfile(int threads) {
        this.busyNanos = new long[threads];
        this.jobs = new long[threads];
    }

    /** Starts or stops recording; figures recorded so far are kept. */
    public void enable(boolean on) {
        enabled = on;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Forgets every figure. */
    public void reset() {
        prompt.clear();
        decode.clear();
        java.util.Arrays.fill(busyNanos, 0);
        java.util.Arrays.fill(jobs, 0);
        callerWaitNanos = 0;
        poolJobs = 0;
    }

    /**
     * Starts a call ({@code batch}: prompt tokens, else a decoded token) and its first step. The
     * profile keeps the running call's clock: steps are laps of it.
     */
    void begin(boolean batch) {
        if (!enabled) {
            current = null;
            return;
        }
        current = batch ? prompt : decode;
        callStart = stepStart = System.nanoTime();
    }

    /** Ends the running step, which read {@code bytes} of weights; the next step starts now. */
    void lap(Step step, long bytes) {
        Table t = current;
        if (t == null) return;
        long now = System.nanoTime();
        t.nanos[step.ordinal()] += now - stepStart;
        t.bytes[step.ordinal()] += bytes;
        stepStart = now;
    }

    void lap(Step step) {
        lap(step, 0);
    }

    /** Ends the running call, of {@code tokens} tokens through {@code layers} layers. */
    void end(int tokens, int layers) {
        Table t = current;
        if (t == null) return;
        t.calls++;
        t.tokens += tokens;
        t.layerPasses += layers;
        t.wallNanos += System.nanoTime() - callStart;
        current = null;
    }

    /** Pool: thread {@code worker} ran tasks of one job for {@code nanos}. */
    void busy(int worker, long nanos) {
        busyNanos[worker] += nanos;
        jobs[worker]++;
    }

    /** Pool: the caller waited {@code nanos} at the end of a job for the other threads. */
    void waited(long nanos) {
        callerWaitNanos += nanos;
        poolJobs++;
    }

    /** A readable report: one section for prompts, one for decoding, then the threads. */
    public List<String> report() {
        List<String> lines = new ArrayList<>();
        section(lines, "prompt", prompt);
        section(lines, "decode", decode);
        long wall = prompt.wallNanos + decode.wallNanos;
        if (poolJobs > 0 && wall > 0) {
            StringBuilder b = new StringBuilder("threads  ");
            for (int i = 0; i < busyNanos.length; i++) {
                b.append(String.format(Locale.ROOT, "%s busy %.1f%% (%d jobs)  ", i == 0 ? "caller" : "worker " + i,
                        100.0 * busyNanos[i] / wall, jobs[i]));
            }
            b.append(String.format(Locale.ROOT, "caller waiting at job ends %.1f%%, %.1f µs per job",
                    100.0 * callerWaitNanos / wall, callerWaitNanos / 1e3 / poolJobs));
            lines.add(b.toString());
        }
        return lines;
    }

    private static void section(List<String> lines, String name, Table t) {
        if (t.tokens == 0) return;
        double perToken = t.wallNanos / 1e6 / t.tokens;
        lines.add(String.format(Locale.ROOT, "%s: %d calls, %d tokens, %.2f ms per token, %.3f ms per layer per call",
                name, t.calls, t.tokens, perToken, t.wallNanos / 1e6 / Math.max(1, t.layerPasses)));
        long counted = 0;
        for (Step s : Step.values()) {
            long n = t.nanos[s.ordinal()];
            counted += n;
            if (n == 0) continue;
            String bandwidth = t.bytes[s.ordinal()] > 0
                    ? String.format(Locale.ROOT, "  %6.1f GB/s", t.bytes[s.ordinal()] / (double) n) : "";
            lines.add(String.format(Locale.ROOT, "  %-26s %8.3f ms/token %5.1f%%%s", s.label(), n / 1e6 / t.tokens,
                    100.0 * n / t.wallNanos, bandwidth));
        }
        lines.add(String.format(Locale.ROOT, "  %-26s %8.3f ms/token %5.1f%%", "other", (t.wallNanos - counted) / 1e6 / t.tokens,
                100.0 * (t.wallNanos - counted) / t.wallNanos));
    }
}

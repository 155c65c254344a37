package org.replique.engine.cpu;

import org.replique.engine.kernel.GgmlMath;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.kernel.PreparedInput;
import org.replique.engine.tensor.WeightMatrix;

/**
 * Matrix multiplications split by output rows over a {@link ComputePool}: each task computes a
 * range of rows for every token of the batch, so threads read disjoint parts of the weights.
 * Multiplications that share an input go out as one job, saving a round of synchronization. With
 * one thread every multiplication is a single {@link Kernels#matmul(WeightMatrix, PreparedInput,
 * float[])} call, as without a pool.
 *
 * <p>Kernels compute a matrix's rows where they are stored; a matrix stored in another
 * {@link org.replique.engine.tensor.RowOrder} (a Hugging Face checkpoint's Q and K) is multiplied
 * into scratch and its results moved to their logical rows here, so the forward pass only ever
 * sees logical order.
 */
final class ParallelMatmul {
    /** Row ranges are multiples of this: whole panels of the tiled kernel, whole cache lines of output. */
    private static final int GRANULE = 16;
    /** Tasks per thread to aim for, so that a thread slowed by the OS costs little. */
    private static final int TASKS_PER_THREAD = 8;
    /** The largest range for a batch: the tiled kernel keeps rows × tokens accumulators per task. */
    private static final int MAX_BATCH_ROWS = 64;

    private final ComputePool pool;
    private final Kernels kernels;

    ParallelMatmul(ComputePool pool, Kernels kernels) {
        this.pool = pool;
        this.kernels = kernels;
    }

    /** {@code out = W·x} for every row of {@code x}, as {@link Kernels#matmul(WeightMatrix, PreparedInput, float[])}. */
    void multiply(WeightMatrix w, PreparedInput x, float[] out) {
        multiply(new WeightMatrix[] {w}, new PreparedInput[] {x}, new float[][] {out});
    }

    /** Several independent multiplications ({@code outs[i] = ws[i]·xs[i]}) in one job. */
    void multiply(WeightMatrix[] ws, PreparedInput[] xs, float[][] outs) {
        float[][] stored = new float[ws.length][];
        for (int i = 0; i < ws.length; i++) {
            stored[i] = ws[i].order().isIdentity() ? outs[i] : new float[xs[i].rows() * ws[i].rows()];
        }
        if (pool.threads() == 1) {
            for (int i = 0; i < ws.length; i++) kernels.matmul(ws[i], xs[i], stored[i]);
        } else {
            Ranges ranges = new Ranges(ws, xs[0].rows(), pool.threads());
            pool.run(ranges.count(), (task, worker) -> {
                int m = ranges.matrix(task);
                kernels.matmul(ws[m], xs[m], stored[m], ranges.start(task), ranges.end(task));
            });
        }
        for (int i = 0; i < ws.length; i++) {
            if (stored[i] != outs[i]) toLogicalOrder(ws[i], stored[i], outs[i], xs[i].rows());
        }
    }

    /** {@code out[t·rows + r] = stored[t·rows + storedRow(r)]} for every token {@code t}. */
    static void toLogicalOrder(WeightMatrix w, float[] stored, float[] out, int tokens) {
        int rows = w.rows();
        for (int r = 0; r < rows; r++) {
            int from = w.order().storedRow(r);
            for (int t = 0; t < tokens; t++) out[t * rows + r] = stored[t * rows + from];
        }
    }

    /**
     * The SwiGLU feed-forward's first half: {@code gate = silu(W_gate·x) ⊙ (W_up·x)}, each task
     * doing both products and the activation for its rows, so no thread waits between them.
     * {@code up} is scratch. The activation is {@link GgmlMath#swiglu}'s, element by element.
     */
    void gateUp(WeightMatrix wGate, PreparedInput xGate, WeightMatrix wUp, PreparedInput xUp, float[] gate, float[] up) {
        if (!wGate.order().isIdentity() || !wUp.order().isIdentity()) {
            throw new IllegalArgumentException("the feed-forward matrices must be stored in logical row order");
        }
        int tokens = xGate.rows();
        int rows = wGate.rows();
        if (pool.threads() == 1) {
            kernels.matmul(wGate, xGate, gate);
            kernels.matmul(wUp, xUp, up);
            for (int t = 0; t < tokens; t++) GgmlMath.swiglu(gate, up, t * rows, t * rows + rows, t * rows, rows);
            return;
        }
        Ranges ranges = new Ranges(new WeightMatrix[] {wGate}, tokens, pool.threads());
        pool.run(ranges.count(), (task, worker) -> {
            int start = ranges.start(task);
            int end = ranges.end(task);
            kernels.matmul(wGate, xGate, gate, start, end);
            kernels.matmul(wUp, xUp, up, start, end);
            for (int t = 0; t < tokens; t++) GgmlMath.swiglu(gate, up, t * rows + start, t * rows + end, t * rows, rows);
        });
    }

    /**
     * The GELU MLP's first half: {@code up = gelu(W_up·x)}, each task doing the product and the
     * activation for its rows. The activation is {@link Gelu}'s, element by element.
     */
    void upGelu(WeightMatrix wUp, PreparedInput x, float[] up) {
        int tokens = x.rows();
        int rows = wUp.rows();
        if (pool.threads() == 1) {
            kernels.matmul(wUp, x, up);
            Gelu.apply(up, 0, tokens * rows);
            return;
        }
        Ranges ranges = new Ranges(new WeightMatrix[] {wUp}, tokens, pool.threads());
        pool.run(ranges.count(), (task, worker) -> {
            int start = ranges.start(task);
            int end = ranges.end(task);
            kernels.matmul(wUp, x, up, start, end);
            for (int t = 0; t < tokens; t++) Gelu.apply(up, t * rows + start, t * rows + end);
        });
    }

    /** The row ranges of a job over several matrices: task i is (matrix, start, end). */
    private static final class Ranges {
        private final int[] matrix;
        private final int[] start;
        private final int[] end;

        Ranges(WeightMatrix[] ws, int tokens, int threads) {
            int total = 0;
            int[] chunk = new int[ws.length];
            for (int m = 0; m < ws.length; m++) {
                chunk[m] = chunkRows(ws[m].rows(), tokens, threads);
                total += (ws[m].rows() + chunk[m] - 1) / chunk[m];
            }
            matrix = new int[total];
            start = new int[total];
            end = new int[total];
            int i = 0;
            for (int m = 0; m < ws.length; m++) {
                for (int r = 0; r < ws[m].rows(); r += chunk[m]) {
                    matrix[i] = m;
                    start[i] = r;
                    end[i] = Math.min(ws[m].rows(), r + chunk[m]);
                    i++;
                }
            }
        }

        static int chunkRows(int rows, int tokens, int threads) {
            int target = (rows + threads * TASKS_PER_THREAD - 1) / (threads * TASKS_PER_THREAD);
            int chunk = Math.max(GRANULE, (target + GRANULE - 1) / GRANULE * GRANULE);
            return tokens > 1 ? Math.min(chunk, MAX_BATCH_ROWS) : chunk;
        }

        int count() {
            return matrix.length;
        }

        int matrix(int task) {
            return matrix[task];
        }

        int start(int task) {
            return start[task];
        }

        int end(int task) {
            return end[task];
        }
    }
}

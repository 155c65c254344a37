package org.replique.engine.session;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.kernel.PreparedInput;
import org.replique.engine.kernel.ScalarKernels;
import org.replique.engine.tensor.WeightMatrix;

/**
 * The scalar kernels with a trap: armed, the n-th whole matrix multiplication from then on blocks
 * until the test resumes it (a one-thread backend makes only whole ones). That stops a forward pass at a chosen point inside a chunk, after earlier
 * layers have written their keys and values, so that another thread can cancel it there.
 */
final class PausingKernels implements Kernels {
    private final Kernels delegate = new ScalarKernels();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int pauseAt = -1;
    private volatile CountDownLatch paused = new CountDownLatch(1);
    private volatile CountDownLatch resume = new CountDownLatch(1);

    /** Blocks the {@code n}-th multiplication from now (0 = the next one). */
    void armAt(int n) {
        paused = new CountDownLatch(1);
        resume = new CountDownLatch(1);
        calls.set(0);
        pauseAt = n;
    }

    /** Multiplications since the last {@link #armAt} or {@link #resetCount}. */
    int count() {
        return calls.get();
    }

    void resetCount() {
        calls.set(0);
    }

    /** Waits until the trap holds the forward pass that {@code request} runs. */
    void awaitPaused(Future<?> request) throws Exception {
        Await.reached(paused, request);
    }

    void resume() {
        pauseAt = -1;
        resume.countDown();
    }

    @Override
    public String name() {
        return "pausing " + delegate.name();
    }

    @Override
    public PreparedInput prepare(WeightMatrix w, float[] x, int rows) {
        return delegate.prepare(w, x, rows);
    }

    @Override
    public void matmul(WeightMatrix w, PreparedInput x, float[] out) {
        if (calls.getAndIncrement() == pauseAt) {
            paused.countDown();
            try {
                if (!resume.await(60, TimeUnit.SECONDS)) throw new AssertionError("never resumed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        delegate.matmul(w, x, out);
    }

    @Override
    public void matmul(WeightMatrix w, PreparedInput x, float[] out, int rowStart, int rowEnd) {
        delegate.matmul(w, x, out, rowStart, rowEnd);
    }

    @Override
    public void rope(float[] v, int offset, int heads, int headDim, int ropeDims, float[] cos, float[] sin) {
        delegate.rope(v, offset, heads, headDim, ropeDims, cos, sin);
    }

    @Override
    public void attention(float[] q, int qOffset, short[] keys, short[] values, int headOffset, int stride, int slots,
                          int firstSlot, int length, int headDim, float scale, boolean inBatch, float[] scores,
                          float[] out, int outOffset) {
        delegate.attention(q, qOffset, keys, values, headOffset, stride, slots, firstSlot, length, headDim, scale, inBatch,
                scores, out, outOffset);
    }

    @Override
    public void attention(float[] q, int qOffset, float[] keys, float[] values, int headOffset, int stride, int slots,
                          int firstSlot, int length, int headDim, float scale, boolean inBatch, float[] scores,
                          float[] out, int outOffset) {
        delegate.attention(q, qOffset, keys, values, headOffset, stride, slots, firstSlot, length, headDim, scale, inBatch,
                scores, out, outOffset);
    }
}

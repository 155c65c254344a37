package org.replique.engine.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.replique.engine.session.TestModels.maxAbsDiff;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.cpu.CpuBackend;
import org.replique.engine.model.Model;

/**
 * Sliding-window attention against a naive reference that recomputes every position with an
 * explicit window mask. The window (16) is much smaller than the context (512), so the cache is
 * a ring of 16 + one chunk of slots, which the prompt wraps more than twice; with five layers, the
 * last logits depend on tokens up to 75 positions back through the windows of earlier positions.
 */
class SlidingWindowAttentionTest {
    private static final int CONTEXT = 512;
    private static final int WINDOW = 16;
    /** Positions the ring holds: a chunk's new tokens never overwrite what that chunk attends to. */
    private static final int SLOTS = WINDOW + CpuBackend.CHUNK;
    private static final int LENGTH = 2 * SLOTS + 30;
    /** Float arithmetic in the engine against double in the reference (they differ by about 7e-6). */
    private static final double TOLERANCE = 1e-4;

    private static Model windowed;
    private static Model plain;
    private static CpuBackend backend;
    private static NaiveTransformer reference;
    private static int[] tokens;

    @BeforeAll
    static void load() {
        windowed = TestModels.stories(WINDOW);
        plain = TestModels.stories();
        backend = TestModels.cpu(windowed);
        reference = new NaiveTransformer(windowed, WINDOW);
        tokens = TestModels.randomTokens(windowed, LENGTH, 42);
    }

    @AfterAll
    static void close() {
        windowed.close();
        plain.close();
    }

    private static float[] forward(CpuBackend b, InferenceState state, int from, int to) {
        return b.forward(state, tokens, from, to - from, Cancellation.NONE);
    }

    @Test
    void matchesTheReferenceAtEveryLengthAcrossTheWrap() {
        int[] ends = {1, 10, WINDOW, WINDOW + 1, SLOTS - 1, SLOTS, SLOTS + 1, 2 * SLOTS + 1, LENGTH};
        try (InferenceState state = backend.newState(CONTEXT)) {
            int done = 0;
            for (int end : ends) {
                float[] logits = forward(backend, state, done, end);
                done = end;
                assertThat(maxAbsDiff(logits, reference.logits(tokens, end))).as("after %d tokens", end)
                        .isLessThanOrEqualTo(TOLERANCE);
            }
        }
    }

    @Test
    void theWindowChangesTheResultAndTheReferenceTellsWindowsApart() {
        float[] withWindow;
        try (InferenceState state = backend.newState(CONTEXT)) {
            withWindow = forward(backend, state, 0, LENGTH);
        }
        CpuBackend full = TestModels.cpu(plain);
        float[] without;
        try (InferenceState state = full.newState(CONTEXT)) {
            without = forward(full, state, 0, LENGTH);
        }
        assertThat(maxAbsDiff(withWindow, without)).isGreaterThan(100 * TOLERANCE);
        assertThat(maxAbsDiff(without, new NaiveTransformer(plain, 0).logits(tokens, LENGTH)))
                .isLessThanOrEqualTo(TOLERANCE);
        // One position more or less in the window is far outside the tolerance.
        for (int other : new int[] {WINDOW - 1, WINDOW + 1}) {
            assertThat(maxAbsDiff(withWindow, new NaiveTransformer(windowed, other).logits(tokens, LENGTH)))
                    .as("window %d", other).isGreaterThan(100 * TOLERANCE);
        }
    }

    @Test
    void oneTokenAtATimeEqualsWholeChunks() {
        float[] chunked;
        try (InferenceState state = backend.newState(CONTEXT)) {
            chunked = forward(backend, state, 0, LENGTH);
        }
        try (InferenceState state = backend.newState(CONTEXT)) {
            float[] last = null;
            for (int i = 0; i < LENGTH; i++) last = forward(backend, state, i, i + 1);
            assertThat(maxAbsDiff(last, chunked)).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void aWindowAsLongAsTheContextOrThePromptIsPlainCausalAttention() {
        CpuBackend full = TestModels.cpu(plain);
        float[] expected;
        try (InferenceState state = full.newState(CONTEXT)) {
            expected = forward(full, state, 0, LENGTH);
        }
        // CONTEXT: no ring at all. LENGTH: a ring of LENGTH + CHUNK slots that the prompt does not wrap.
        for (int window : new int[] {CONTEXT, LENGTH}) {
            try (Model model = TestModels.stories(window)) {
                CpuBackend b = TestModels.cpu(model);
                try (InferenceState state = b.newState(CONTEXT)) {
                    assertThat(forward(b, state, 0, LENGTH)).as("window %d", window).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void truncatingWithinWhatTheRingHoldsKeepsThePositions() {
        try (InferenceState state = backend.newState(CONTEXT)) {
            forward(backend, state, 0, LENGTH);
            assertThat(state.truncate(LENGTH - 10)).isEqualTo(LENGTH - 10);
            float[] logits = forward(backend, state, LENGTH - 10, LENGTH);
            assertThat(maxAbsDiff(logits, reference.logits(tokens, LENGTH))).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void truncatingBelowWhatTheRingHoldsKeepsNothingAndAFullEvaluationRecovers() {
        // Position `at` attends to at - 15..at - 1; the ring holds LENGTH - SLOTS.. only.
        int at = LENGTH - SLOTS - 5;
        float[] cold;
        try (InferenceState state = backend.newState(CONTEXT)) {
            cold = forward(backend, state, 0, at);
        }
        try (InferenceState state = backend.newState(CONTEXT)) {
            forward(backend, state, 0, LENGTH);
            assertThat(state.truncate(at)).isZero();
            float[] logits = forward(backend, state, 0, at);
            assertThat(logits).isEqualTo(cold);
            assertThat(maxAbsDiff(logits, reference.logits(tokens, at))).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void aChunkCancelledHalfWayInvalidatesTheSlotsItOverwrote() throws Exception {
        int chunk = CpuBackend.CHUNK;
        PausingKernels kernels = new PausingKernels();
        CpuBackend pausing = TestModels.cpu(windowed, kernels);
        int[] more = TestModels.randomTokens(windowed, LENGTH + chunk, 42);
        System.arraycopy(tokens, 0, more, 0, LENGTH);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (InferenceState state = pausing.newState(CONTEXT)) {
            pausing.forward(state, more, 0, LENGTH, Cancellation.NONE);
            kernels.resetCount();
            pausing.forward(pausing.newState(CONTEXT), more, 0, 1, Cancellation.NONE);
            int perForward = kernels.count();

            // The chunk's positions LENGTH.. go to the slots of LENGTH - SLOTS..LENGTH - WINDOW - 1;
            // stop it after some layers wrote them.
            Cancellation cancel = new Cancellation();
            kernels.armAt(perForward / 2);
            Future<float[]> cancelled = thread.submit(() -> pausing.forward(state, more, LENGTH, chunk, cancel));
            kernels.awaitPaused(cancelled);
            cancel.cancel();
            kernels.resume();
            assertThatThrownBy(cancelled::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(CancellationException.class);
            assertThat(state.length()).isEqualTo(LENGTH);

            // The next position needs LENGTH - WINDOW + 1.., which the chunk did not reach.
            assertThat(state.truncate(LENGTH)).isEqualTo(LENGTH);
            float[] next = pausing.forward(state, more, LENGTH, 1, Cancellation.NONE);
            assertThat(maxAbsDiff(next, reference.logits(more, LENGTH + 1))).isLessThanOrEqualTo(TOLERANCE);

            // Keeping LENGTH - 12 positions means evaluating position LENGTH - 12 next, which needs
            // LENGTH - 27.., overwritten in the first layers.
            int kept = state.truncate(LENGTH - 12);
            assertThat(kept).isZero();
            float[] logits = pausing.forward(state, more, kept, LENGTH - 11 - kept, Cancellation.NONE);
            assertThat(maxAbsDiff(logits, reference.logits(more, LENGTH - 11))).isLessThanOrEqualTo(TOLERANCE);
        } finally {
            kernels.resume();
            thread.shutdownNow();
        }
    }
}

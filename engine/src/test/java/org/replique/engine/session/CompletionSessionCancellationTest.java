package org.replique.engine.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.replique.engine.session.TestModels.maxAbsDiff;

import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.cpu.CpuBackend;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.StopReason;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.model.Model;
import org.replique.engine.sampling.SamplingParams;

/**
 * Requests cancelled anywhere (in the prompt, between generated tokens, inside a token's forward
 * pass, while waiting) leave the session so that the next request gives what it gives alone.
 * Cancellations come from other threads at points fixed by a trap in the kernels or the listener.
 */
class CompletionSessionCancellationTest {
    private static final int CONTEXT = 512;
    private static final GenerationRequest SAMPLE = GenerationRequest.of(SamplingParams.modelCard(11), 10);

    private static Model stories;
    private static CpuBackend reference;
    private static PausingKernels kernels;
    private static CpuBackend pausing;
    private static final int CHUNK = CpuBackend.CHUNK;
    /** Matrix multiplications in a chunk that is not the last, and in a forward pass that returns logits. */
    private static int perChunk;
    private static int perToken;

    private ExecutorService threads;
    private CompletionSession session;
    /** Two chunks, the second one partial. */
    private final int[] a = TestModels.randomTokens(stories(), CHUNK + 36, 1);
    private final int[] b = withPrefix(a, 20, TestModels.randomTokens(stories(), 90, 2));

    private static Model stories() {
        if (stories == null) stories = TestModels.stories();
        return stories;
    }

    @BeforeAll
    static void load() {
        stories();
        reference = TestModels.cpu(stories);
        kernels = new PausingKernels();
        pausing = TestModels.cpu(stories, kernels);
        // A forward pass makes the same multiplications for 1 token as for a whole chunk; chunks
        // before the last skip the output projection.
        int[] ids = TestModels.randomTokens(stories, 2 * CHUNK, 3);
        try (InferenceState one = pausing.newState(CONTEXT); InferenceState two = pausing.newState(CONTEXT)) {
            kernels.resetCount();
            pausing.forward(one, ids, 0, CHUNK, Cancellation.NONE);
            perToken = kernels.count();
            kernels.resetCount();
            pausing.forward(two, ids, 0, 2 * CHUNK, Cancellation.NONE);
            perChunk = kernels.count() - perToken;
        }
    }

    @AfterAll
    static void close() {
        stories.close();
    }

    @BeforeEach
    void start() {
        threads = Executors.newCachedThreadPool();
        session = new CompletionSession(pausing, CONTEXT);
    }

    @AfterEach
    void stop() {
        kernels.resume();
        threads.shutdownNow();
        session.close();
    }

    private static int[] withPrefix(int[] source, int n, int[] rest) {
        int[] out = Arrays.copyOf(source, n + rest.length - 1);
        System.arraycopy(rest, 1, out, n, rest.length - 1);
        return out;
    }

    /** What {@code prompt} gives on a fresh session. */
    private static SessionResult alone(int[] prompt) {
        try (CompletionSession fresh = new CompletionSession(reference, CONTEXT)) {
            return fresh.complete(prompt, SAMPLE, TokenListener.NONE, Cancellation.NONE);
        }
    }

    private static void assertSameAsAlone(SessionResult result, int[] prompt) {
        SessionResult alone = alone(prompt);
        assertThat(maxAbsDiff(result.generation().promptLogits(), alone.generation().promptLogits()))
                .isLessThanOrEqualTo(1e-5);
        assertThat(result.generation().first().tokens()).isEqualTo(alone.generation().first().tokens());
        assertThat(result.generation().first().text()).isEqualTo(alone.generation().first().text());
    }

    /** A listener that, at the {@code n}-th generated token, signals {@code reached} and waits to be cancelled. */
    private static TokenListener blockAt(int n, Cancellation cancel, CountDownLatch reached) {
        int[] seen = {0};
        return (candidate, token, text) -> {
            if (token != TokenListener.NO_TOKEN && ++seen[0] == n) {
                reached.countDown();
                awaitCancelled(cancel);
            }
        };
    }

    private static void awaitCancelled(Cancellation cancel) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cancel.isCancelled()) {
            if (System.nanoTime() > deadline) throw new AssertionError("never cancelled");
            sleepBriefly();
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void awaitParked(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (thread.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline) throw new AssertionError("the request never waited for the session");
            Thread.onSpinWait();
        }
    }

    @Test
    void cancelledInThePromptKeepsTheChunksThatCompleted() throws Exception {
        // Stop inside the second chunk, after some of its layers wrote their keys and values.
        kernels.armAt(perChunk + perChunk / 2);
        Future<SessionResult> first = threads.submit(() -> session.complete(a, SAMPLE, TokenListener.NONE, Cancellation.NONE));
        kernels.awaitPaused(first);
        session.cancel();
        kernels.resume();
        assertThatThrownBy(first::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(CancellationException.class);
        assertThat(session.tokens()).isEqualTo(Arrays.copyOf(a, CHUNK));

        SessionResult next = session.complete(b, SAMPLE, TokenListener.NONE, Cancellation.NONE);
        assertThat(next.cost().reusedTokens()).isEqualTo(20);
        assertSameAsAlone(next, b);
    }

    @Test
    void cancelledInsideAGeneratedTokensForwardPass() throws Exception {
        int prefill = perChunk + perToken; // a full chunk, then a partial one with logits
        kernels.armAt(prefill + perToken + perToken / 2);
        Future<SessionResult> first = threads.submit(() -> session.complete(a, SAMPLE, TokenListener.NONE, Cancellation.NONE));
        kernels.awaitPaused(first);
        session.cancel();
        kernels.resume();
        SessionResult cancelled = first.get();
        assertThat(cancelled.generation().first().stopReason()).isEqualTo(StopReason.CANCELLED);
        int[] generated = cancelled.generation().first().tokens();
        assertThat(generated).hasSize(2);
        // The first generated token was evaluated; the second's evaluation was cut short.
        assertThat(session.tokens()).isEqualTo(CompletionSessionReuseTest.concat(a, Arrays.copyOf(generated, 1)));

        assertSameAsAlone(session.complete(b, SAMPLE, TokenListener.NONE, Cancellation.NONE), b);
    }

    @Test
    void cancelledBetweenGeneratedTokens() throws Exception {
        Cancellation cancel = new Cancellation();
        CountDownLatch reached = new CountDownLatch(1);
        Future<SessionResult> first = threads.submit(() -> session.complete(a, SAMPLE, blockAt(3, cancel, reached), cancel));
        Await.reached(reached, first);
        session.cancel();
        SessionResult cancelled = first.get();
        assertThat(cancelled.generation().first().stopReason()).isEqualTo(StopReason.CANCELLED);
        int[] generated = cancelled.generation().first().tokens();
        assertThat(generated).hasSize(3);
        assertThat(session.tokens()).isEqualTo(CompletionSessionReuseTest.concat(a, Arrays.copyOf(generated, 2)));

        assertSameAsAlone(session.complete(b, SAMPLE, TokenListener.NONE, Cancellation.NONE), b);
    }

    @Test
    void aSupersedingRequestCancelsTheRunningOneAndRunsAfterIt() throws Exception {
        Cancellation cancel = new Cancellation();
        CountDownLatch reached = new CountDownLatch(1);
        Future<SessionResult> first = threads.submit(() -> session.complete(a, SAMPLE, blockAt(2, cancel, reached), cancel));
        Await.reached(reached, first);
        Future<SessionResult> second = threads.submit(() -> session.supersede(b, SAMPLE, TokenListener.NONE, Cancellation.NONE));
        assertThat(first.get().generation().first().stopReason()).isEqualTo(StopReason.CANCELLED);
        assertSameAsAlone(second.get(), b);
    }

    @Test
    void aSupersedingRequestCancelsTheWaitingOnesBeforeTheyRun() throws Exception {
        Cancellation cancel = new Cancellation();
        CountDownLatch reached = new CountDownLatch(1);
        Future<SessionResult> first = threads.submit(() -> session.complete(a, SAMPLE, blockAt(2, cancel, reached), cancel));
        Await.reached(reached, first);
        Thread[] waiting = new Thread[1];
        CountDownLatch started = new CountDownLatch(1);
        Future<SessionResult> second = threads.submit(() -> {
            waiting[0] = Thread.currentThread();
            started.countDown();
            return session.complete(a, SAMPLE, TokenListener.NONE, Cancellation.NONE);
        });
        started.await();
        awaitParked(waiting[0]);
        Future<SessionResult> third = threads.submit(() -> session.supersede(b, SAMPLE, TokenListener.NONE, Cancellation.NONE));

        assertThat(first.get().generation().first().stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThatThrownBy(second::get).hasCauseInstanceOf(CancellationException.class);
        SessionResult last = third.get();
        assertSameAsAlone(last, b);
        // The cancelled waiting request evaluated nothing: the last one reuses what the first left.
        assertThat(last.cost().reusedTokens()).isEqualTo(20);
    }

    @Test
    void anAlreadyCancelledRequestDoesNothing() {
        session.warm(a, Cancellation.NONE);
        Cancellation cancel = new Cancellation();
        cancel.cancel();
        assertThatThrownBy(() -> session.complete(b, SAMPLE, TokenListener.NONE, cancel))
                .isInstanceOf(CancellationException.class);
        assertThat(session.tokens()).isEqualTo(a);
        session.cancel(); // nothing running: no effect
        assertThat(session.warm(a, Cancellation.NONE).cost().evaluatedTokens()).isEqualTo(1);
    }

    @Test
    void aFailedRequestLeavesTheCacheAsItWas() {
        session.warm(a, Cancellation.NONE);
        int[] tooLong = TestModels.randomTokens(stories, CONTEXT + 1, 4);
        assertThatThrownBy(() -> session.warm(tooLong, Cancellation.NONE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(session.tokens()).isEqualTo(a);
        // A bad id is found only when it is evaluated: the prefix before it stays.
        int[] badId = CompletionSessionReuseTest.concat(a, new int[] {stories.config().vocabSize() + 5});
        assertThatThrownBy(() -> session.warm(badId, Cancellation.NONE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(session.tokens()).isEqualTo(a);
        assertSameAsAlone(session.complete(b, SAMPLE, TokenListener.NONE, Cancellation.NONE), b);
    }

    @Test
    void closingCancelsTheRunningRequestAndFreesTheCache() throws Exception {
        Cancellation cancel = new Cancellation();
        CountDownLatch reached = new CountDownLatch(1);
        Future<SessionResult> first = threads.submit(() -> session.complete(a, SAMPLE, blockAt(2, cancel, reached), cancel));
        Await.reached(reached, first);
        assertThat(session.memoryBytes()).isPositive();
        session.close();
        assertThat(first.get().generation().first().stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(session.memoryBytes()).isZero();
        assertThat(session.isClosed()).isTrue();
        assertThatThrownBy(() -> session.warm(a, Cancellation.NONE)).isInstanceOf(IllegalStateException.class);
    }
}

package org.replique.engine.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.replique.engine.session.TestModels.maxAbsDiff;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.cpu.CpuBackend;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.StopReason;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.model.Model;
import org.replique.engine.sampling.SamplingParams;

/** Sessions per document: concurrency across documents, LRU eviction under a budget, closing. */
class SessionManagerTest {
    private static final int CONTEXT = 128;
    private static final GenerationRequest SAMPLE = GenerationRequest.of(SamplingParams.modelCard(5), 6);
    private static final String[] STORIES = {
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.",
        "Tom had a big red truck. Every day he drove it around the garden and made loud noises.",
        "The sun was shining and the birds were singing. A small dog ran to the pond to drink.",
    };

    private static Model stories;
    private static CpuBackend backend;
    private static long sessionBytes;

    private ExecutorService threads;
    private final List<SessionManager> managers = new ArrayList<>();

    @BeforeAll
    static void load() {
        stories = TestModels.stories();
        backend = TestModels.cpu(stories);
        try (CompletionSession probe = new CompletionSession(backend, CONTEXT)) {
            sessionBytes = probe.memoryBytes();
        }
    }

    @AfterAll
    static void close() {
        stories.close();
    }

    @BeforeEach
    void start() {
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stop() {
        managers.forEach(SessionManager::close);
        threads.shutdownNow();
    }

    private SessionManager manager(long budget) {
        return manager(backend, budget);
    }

    private SessionManager manager(Backend on, long budget) {
        SessionManager m = new SessionManager(on, CONTEXT, budget);
        managers.add(m);
        return m;
    }

    private static int[] tokens(String text) {
        return stories.tokenizer().encode(text);
    }

    private static SessionResult warm(SessionManager m, String key, String text) {
        return m.withSession(key, Cancellation.NONE, s -> s.warm(tokens(text), Cancellation.NONE));
    }

    /** A listener that, at the first generated token, signals {@code reached} and waits to be cancelled. */
    private static TokenListener blockUntilCancelled(Cancellation cancel, CountDownLatch reached) {
        return (candidate, token, text) -> {
            if (token == TokenListener.NO_TOKEN || reached.getCount() == 0) return;
            reached.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!cancel.isCancelled()) {
                if (System.nanoTime() > deadline) throw new AssertionError("never cancelled");
                sleepBriefly();
            }
        };
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts a request on {@code key} that holds its session until it is cancelled. */
    private Future<SessionResult> running(SessionManager m, String key) throws Exception {
        Cancellation cancel = new Cancellation();
        CountDownLatch reached = new CountDownLatch(1);
        Future<SessionResult> f = threads.submit(() -> m.complete(key, tokens(STORIES[0]), SAMPLE,
                blockUntilCancelled(cancel, reached), cancel));
        Await.reached(reached, f);
        return f;
    }

    /** Four requests per document, each a little more of its text, as typing sends them. */
    private static List<SessionResult> type(SessionManager m, String key, String text) {
        List<SessionResult> out = new ArrayList<>();
        for (int end = text.length() - 30; end <= text.length(); end += 10) {
            out.add(m.complete(key, tokens(text.substring(0, end)), SAMPLE, TokenListener.NONE, Cancellation.NONE));
        }
        return out;
    }

    @Test
    void documentsTypedConcurrentlyGiveWhatTheyGiveOneAfterAnother() throws Exception {
        SessionManager sequential = manager(0);
        List<List<SessionResult>> expected = new ArrayList<>();
        for (int d = 0; d < STORIES.length; d++) expected.add(type(sequential, "doc" + d, STORIES[d]));

        // Concurrent requests also share one backend's compute threads.
        Backend pooled = Backends.create("cpu", stories, new BackendOptions(2, "scalar"));
        SessionManager concurrent = manager(pooled, 0);
        List<Future<List<SessionResult>>> futures = new ArrayList<>();
        for (int d = 0; d < STORIES.length; d++) {
            String key = "doc" + d;
            String text = STORIES[d];
            futures.add(threads.submit(() -> type(concurrent, key, text)));
        }
        for (int d = 0; d < STORIES.length; d++) {
            List<SessionResult> actual = futures.get(d).get();
            for (int r = 0; r < actual.size(); r++) {
                SessionResult a = actual.get(r);
                SessionResult e = expected.get(d).get(r);
                assertThat(maxAbsDiff(a.generation().promptLogits(), e.generation().promptLogits()))
                        .isLessThanOrEqualTo(1e-5);
                assertThat(a.generation().first().tokens()).isEqualTo(e.generation().first().tokens());
                assertThat(a.cost().evaluatedTokens()).isEqualTo(e.cost().evaluatedTokens());
            }
        }
        concurrent.close();
        pooled.close();
    }

    @Test
    void aRequestOnOneDocumentDoesNotWaitForAnothersToFinish() throws Exception {
        SessionManager m = manager(0);
        Future<SessionResult> held = running(m, "a");
        // "a" holds its session until cancelled; "b" must complete meanwhile.
        SessionResult other = m.complete("b", tokens(STORIES[1]), SAMPLE, TokenListener.NONE, Cancellation.NONE);
        assertThat(other.generation().first().tokens()).hasSize(6);
        assertThat(held.isDone()).isFalse();
        assertThat(m.cancel("a")).isTrue();
        assertThat(held.get().generation().first().stopReason()).isEqualTo(StopReason.CANCELLED);
    }

    @Test
    void evictsTheLeastRecentlyUsedIdleSession() {
        SessionManager m = manager(2 * sessionBytes);
        warm(m, "a", STORIES[0]);
        warm(m, "b", STORIES[1]);
        warm(m, "a", STORIES[0]);
        warm(m, "c", STORIES[2]);
        assertThat(m.keys()).containsExactly("a", "c");
        assertThat(m.memoryBytes()).isEqualTo(2 * sessionBytes);
        // "a" kept its cache; "b" starts again from nothing.
        assertThat(warm(m, "a", STORIES[0]).cost().evaluatedTokens()).isEqualTo(1);
        assertThat(warm(m, "b", STORIES[1]).cost().evaluatedTokens()).isEqualTo(tokens(STORIES[1]).length);
        assertThat(m.keys()).containsExactly("a", "b");
    }

    @Test
    void neverEvictsASessionThatIsRunningARequest() throws Exception {
        SessionManager m = manager(2 * sessionBytes);
        Future<SessionResult> held = running(m, "a");
        warm(m, "b", STORIES[1]);
        // "a" is the least recently used, but it is running: "b" goes.
        warm(m, "c", STORIES[2]);
        assertThat(m.keys()).containsExactlyInAnyOrder("a", "c");
        m.cancel("a");
        assertThat(held.get().generation().first().stopReason()).isEqualTo(StopReason.CANCELLED);
    }

    @Test
    void aNewSessionWaitsForMemoryHeldByRunningRequests() throws Exception {
        SessionManager m = manager(sessionBytes);
        Future<SessionResult> held = running(m, "a");
        Thread[] waiter = new Thread[1];
        CountDownLatch started = new CountDownLatch(1);
        Future<SessionResult> next = threads.submit(() -> {
            waiter[0] = Thread.currentThread();
            started.countDown();
            return warm(m, "b", STORIES[1]);
        });
        started.await();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (waiter[0].getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(next.isDone()).isFalse();
        assertThat(m.keys()).containsExactly("a");

        m.cancel("a");
        held.get();
        assertThat(next.get().cost().evaluatedTokens()).isEqualTo(tokens(STORIES[1]).length);
        assertThat(m.keys()).containsExactly("b");
        assertThat(m.memoryBytes()).isEqualTo(sessionBytes);
    }

    @Test
    void closingADocumentFreesItsSession() {
        SessionManager m = manager(0);
        warm(m, "a", STORIES[0]);
        warm(m, "b", STORIES[1]);
        assertThat(m.memoryBytes()).isEqualTo(2 * sessionBytes);
        CompletionSession a = m.withSession("a", Cancellation.NONE, s -> s);
        assertThat(m.close("a")).isTrue();
        assertThat(a.isClosed()).isTrue();
        assertThat(a.memoryBytes()).isZero();
        assertThat(m.memoryBytes()).isEqualTo(sessionBytes);
        assertThat(m.keys()).containsExactly("b");
        assertThat(m.close("a")).isFalse();
        assertThat(warm(m, "a", STORIES[0]).cost().evaluatedTokens()).isEqualTo(tokens(STORIES[0]).length);
    }

    @Test
    void closingADocumentWhileItRunsCancelsItAndFreesTheMemoryWhenItStops() throws Exception {
        SessionManager m = manager(0);
        Future<SessionResult> held = running(m, "a");
        assertThat(m.close("a")).isTrue();
        assertThat(m.contains("a")).isFalse();
        assertThat(held.get().generation().first().stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(m.memoryBytes()).isZero();
    }

    @Test
    void theDefaultBudgetHoldsFourFullContextSessions() {
        SessionManager m = manager(0);
        for (int d = 0; d < 5; d++) warm(m, "doc" + d, STORIES[d % STORIES.length]);
        assertThat(m.budgetBytes()).isEqualTo(SessionManager.DEFAULT_SESSIONS * sessionBytes);
        assertThat(m.keys()).containsExactly("doc1", "doc2", "doc3", "doc4");
        assertThat(SessionManager.kvCacheBytes(stories.config(), CONTEXT))
                .isEqualTo(2L * 5 * 4 * 8 * Float.BYTES * CONTEXT)
                .isLessThan(sessionBytes);
    }

    @Test
    void aBudgetTooSmallForOneSessionIsRefused() {
        SessionManager m = manager(sessionBytes - 1);
        assertThatThrownBy(() -> warm(m, "a", STORIES[0])).isInstanceOf(IllegalArgumentException.class);
        assertThat(m.memoryBytes()).isZero();
    }
}

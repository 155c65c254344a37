package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.junit.jupiter.api.Test;
import org.replique.engine.session.SessionManager;
import org.replique.fixtures.lsp.Texts;

/**
 * Fifty open documents, each with a completion: the sessions (one KV cache per document) stay
 * within the memory budget, the least recently used going first, and the heap does not grow by
 * the sessions evicted. Prints the figures.
 */
class ManyDocumentsMemoryTest {
    private static final int DOCUMENTS = 50;

    @Test
    void fiftyDocumentsStayWithinTheSessionBudget() throws Exception {
        try (ServerHarness h = ServerHarness.ready("{\"completion\": {\"debounceMs\": 0, \"maxTokens\": 4},"
                + " \"prompt\": {\"contextBudget\": 256}}")) {
            String play = ServerHarness.document("plays/moliere-precieuses-ridicules.play.txt");
            long heapWithFullSessions = 0;
            long mostHeld = 0;
            int mostSessions = 0;
            for (int d = 0; d < DOCUMENTS; d++) {
                String uri = "file:///many/scene-" + d + ".txt";
                String text = play.stripTrailing() + "\n\nSCÈNE " + (d + 30) + ".\n\nMAGDELON.\n";
                h.client.open(uri, "plaintext", text);
                Position end = Texts.end(text);
                h.client.inline(uri, end.getLine(), end.getCharacter(), InlineCompletionTriggerKind.Invoked);
                SessionManager sessions = h.models.current().orElseThrow().localSessions().orElseThrow();
                assertThat(sessions.contains(uri)).as("document %d has its session", d).isTrue();
                assertThat(sessions.memoryBytes()).as("after document %d", d).isLessThanOrEqualTo(sessions.budgetBytes());
                assertThat(sessions.keys()).hasSizeLessThanOrEqualTo(SessionManager.DEFAULT_SESSIONS);
                mostHeld = Math.max(mostHeld, sessions.memoryBytes());
                mostSessions = Math.max(mostSessions, sessions.keys().size());
                if (d == SessionManager.DEFAULT_SESSIONS - 1) heapWithFullSessions = heapAfterGc();
            }
            SessionManager sessions = h.models.current().orElseThrow().localSessions().orElseThrow();
            // The least recently used went first: the last documents are the ones kept.
            assertThat(sessions.keys()).endsWith("file:///many/scene-" + (DOCUMENTS - 1) + ".txt");
            assertThat(sessions.keys()).doesNotContain("file:///many/scene-0.txt");
            long heapAtEnd = heapAfterGc();
            long budget = sessions.budgetBytes();
            System.out.printf(Locale.ROOT, "ManyDocumentsMemoryTest: %d documents; session budget %.1f MB (%d sessions of"
                    + " %.1f MB), most held %.1f MB in %d sessions; heap after GC %.1f MB with %d documents, %.1f MB with"
                    + " %d (%.0f kB per document)%n", DOCUMENTS, budget / 1e6, SessionManager.DEFAULT_SESSIONS,
                    budget / 1e6 / SessionManager.DEFAULT_SESSIONS, mostHeld / 1e6, mostSessions,
                    heapWithFullSessions / 1e6, SessionManager.DEFAULT_SESSIONS, heapAtEnd / 1e6, DOCUMENTS,
                    (heapAtEnd - heapWithFullSessions) / 1e3 / (DOCUMENTS - SessionManager.DEFAULT_SESSIONS));
            // Evicted sessions free their caches: the documents past the first ones cost their text, parse
            // and token counts, far less than the caches they would hold if evicted sessions leaked.
            long leaked = (DOCUMENTS - SessionManager.DEFAULT_SESSIONS) * (budget / SessionManager.DEFAULT_SESSIONS);
            assertThat(heapAtEnd - heapWithFullSessions).isLessThan(leaked / 2);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

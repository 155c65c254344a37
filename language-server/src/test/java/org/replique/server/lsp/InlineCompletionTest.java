package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.replique.server.lsp.ServerHarness.lineOf;

import java.util.List;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ghost text as a writer meets it, on real documents, with the embedded model. */
class InlineCompletionTest {
    private static ServerHarness h;
    private static final String SCREENPLAY = "file:///scripts/brick-and-steel.fountain";
    private static final String PLAY = "file:///scripts/precieuses.play.txt";
    private static String screenplay;
    private static String play;

    @BeforeAll
    static void start() throws Exception {
        h = ServerHarness.ready("{\"completion\": {\"debounceMs\": 0, \"candidates\": 3}, \"sampling\": {\"seed\": 11}}");
        screenplay = ServerHarness.document("fountain/brick-and-steel.fountain");
        play = ServerHarness.document("plays/moliere-precieuses-ridicules.play.txt");
        h.client.open(SCREENPLAY, "fountain", screenplay);
        h.client.open(PLAY, "plaintext", play);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static String text(InlineCompletionItem item) {
        return item.getInsertText().getLeft();
    }

    @Test
    void afterACharacterCueTheSuggestionIsThatCharactersDialogue() {
        int cue = lineOf(screenplay, "BRICK", 0); // BRICK / "Are they cold?"
        List<InlineCompletionItem> items = h.client.inline(SCREENPLAY, cue, "BRICK".length(), InlineCompletionTriggerKind.Automatic);
        assertThat(items).hasSize(1);
        InlineCompletionItem item = items.getFirst();
        // Fountain form: the speech goes on the next line, plain text, inserted at the cursor.
        assertThat(text(item)).startsWith("\n").doesNotContain("[").doesNotContain("$1");
        assertThat(text(item).strip()).isNotEmpty();
        assertThat(item.getRange().getStart()).isEqualTo(new Position(cue, 5));
        assertThat(item.getRange().getEnd()).isEqualTo(item.getRange().getStart());
    }

    @Test
    void anExplicitRequestOffersSeveralCandidates() {
        int cue = lineOf(screenplay, "STEEL", 1); // STEEL / "Does a bear crap in the woods?"
        List<InlineCompletionItem> items = h.client.inline(SCREENPLAY, cue, 5, InlineCompletionTriggerKind.Invoked);
        assertThat(items).hasSizeBetween(2, 3);
        assertThat(items.stream().map(InlineCompletionItem::getInsertText).distinct()).hasSameSizeAs(items);
    }

    @Test
    void onAnEmptyLineAfterASpeechTheModelStartsANewTurnInThePlaysOwnCueStyle() {
        int line = lineOf(play, "LA GRANGE. Quoi ?", 0) + 1; // the blank line after it
        List<InlineCompletionItem> items = h.client.inline(PLAY, line, 0, InlineCompletionTriggerKind.Invoked);
        assertThat(items).isNotEmpty();
        // NAME. text — never Claire's [Name:] labels.
        assertThat(items).allSatisfy(i -> assertThat(text(i).strip()).matches("(?s)[A-ZÀ-Ü][A-ZÀ-Ü' -]+\\. .+"));
    }

    @Test
    void typingTheStartOfTheSuggestionGetsTheRestAtOnce() {
        String uri = "file:///scripts/type-through.fountain";
        String doc = "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n\nPAUL\n";
        h.client.open(uri, "fountain", doc);
        List<InlineCompletionItem> first = h.client.inline(uri, 5, 4, InlineCompletionTriggerKind.Automatic);
        assertThat(first).hasSize(1);
        String suggestion = text(first.getFirst());
        assertThat(suggestion.length()).isGreaterThan(3);
        // The writer types the first two characters of the ghost text.
        String typed = suggestion.substring(0, 2);
        h.client.type(uri, new Position(5, 4), typed);
        Position after = org.replique.fixtures.lsp.Texts.end(doc.substring(0, doc.length() - 1) + typed);
        var sessions = h.models.current().orElseThrow().localSessions().orElseThrow();
        int[] held = sessions.withSession(uri, org.replique.engine.backend.Cancellation.NONE, s -> s.tokens());
        List<InlineCompletionItem> next = h.client.inline(uri, after.getLine(), after.getCharacter(),
                InlineCompletionTriggerKind.Automatic);
        assertThat(next).extracting(InlineCompletionServiceAccess::text).containsExactly(suggestion.substring(2));
        // Answered from the cache: the model did not run (its session holds the same tokens).
        int[] after2 = sessions.withSession(uri, org.replique.engine.backend.Cancellation.NONE, s -> s.tokens());
        assertThat(after2).containsExactly(held);

        // After a deletion the old suggestion is not offered again from the cache.
        h.client.change(uri, new org.eclipse.lsp4j.Range(new Position(5, 4), after), "");
        List<InlineCompletionItem> afterDelete = h.client.inline(uri, 5, 4, InlineCompletionTriggerKind.Automatic);
        assertThat(afterDelete).extracting(InlineCompletionServiceAccess::text).doesNotContain(suggestion.substring(2));
    }

    @Test
    void openingADocumentPreparesItsSessionInTheBackground() throws Exception {
        String uri = "file:///scripts/warm.play.txt";
        h.client.open(uri, "replique-play", play);
        var sessions = h.models.current().orElseThrow().localSessions().orElseThrow();
        long deadline = System.nanoTime() + 30_000_000_000L;
        int held = 0;
        while (held < 100 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            held = sessions.contains(uri)
                    ? sessions.withSession(uri, org.replique.engine.backend.Cancellation.NONE, s -> s.tokens().length) : 0;
        }
        // The prompt at the end of the play is in the cache before anyone asked for a suggestion.
        assertThat(held).isGreaterThan(100);
        // Closing the document (a notification, handled in order) frees its session.
        h.client.close(uri);
        deadline = System.nanoTime() + 10_000_000_000L;
        while (sessions.contains(uri) && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(sessions.contains(uri)).isFalse();
    }

    @Test
    void noSuggestionOnASceneHeadingOrTheTitlePage() {
        int heading = lineOf(screenplay, "EXT. BRICK'S PATIO - DAY", 0);
        assertThat(h.client.inline(SCREENPLAY, heading, 10, InlineCompletionTriggerKind.Invoked)).isEmpty();
        assertThat(h.client.inline(SCREENPLAY, 4, 3, InlineCompletionTriggerKind.Invoked)).isEmpty();
    }

    @Test
    void automaticSuggestionsCanBeTurnedOffWhileExplicitOnesStillWork() {
        h.client.configure(ServerHarness.json("{\"settings\": {\"replique\": {\"completion\": {\"autoTrigger\": false, \"debounceMs\": 0}}}}"));
        try {
            int cue = lineOf(screenplay, "BRICK", 0);
            assertThat(h.client.inline(SCREENPLAY, cue, 5, InlineCompletionTriggerKind.Automatic)).isEmpty();
            assertThat(h.client.inline(SCREENPLAY, cue, 5, InlineCompletionTriggerKind.Invoked)).isNotEmpty();
        } finally {
            h.client.configure(ServerHarness.json("{\"settings\": {\"replique\": {\"completion\": {\"autoTrigger\": true}}}}"));
        }
    }

    /** Reads an item's plain text (for AssertJ's extracting). */
    static final class InlineCompletionServiceAccess {
        static String text(InlineCompletionItem item) {
            return item.getInsertText().getLeft();
        }
    }
}

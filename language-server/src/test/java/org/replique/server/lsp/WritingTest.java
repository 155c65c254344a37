package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Cancellation;
import org.replique.fixtures.lsp.Texts;

/**
 * Writing with Réplique as a writer does: a suggestion shown within the time budget and never cut
 * inside a word, the longer one next; the next speech written while the first is read; partial
 * accepts answered without the model; alternatives that differ; a cue being typed completed as a
 * cue; and the status saying how long it took and how fast the model wrote.
 */
class WritingTest {
    private static final String SCENE = "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n\nPAUL\n";
    /** After the cue PAUL. */
    private static final Position AFTER_CUE = new Position(5, 4);

    private static String text(List<InlineCompletionItem> items) {
        assertThat(items).isNotEmpty();
        return items.getFirst().getInsertText().getLeft();
    }

    /** A suggestion and the figures the server reported for it. */
    private record Answer(String text, JsonObject stats) {
        String source() {
            return stats.get("source").getAsString();
        }
    }

    /** Asks at {@code at} and waits for the server's report of this request (it comes once per answer). */
    private static Answer ask(ServerHarness h, String uri, Position at, InlineCompletionTriggerKind kind) {
        int seen = h.client.statuses().size();
        List<InlineCompletionItem> items = h.client.inline(uri, at.getLine(), at.getCharacter(), kind);
        JsonObject stats = h.client.awaitSuggestionAfter(seen);
        return new Answer(items.isEmpty() ? "" : items.getFirst().getInsertText().getLeft(), stats);
    }

    private static String automatic(ServerHarness h, String uri, Position at) {
        String text = ask(h, uri, at, InlineCompletionTriggerKind.Automatic).text();
        assertThat(text).isNotEmpty();
        return text;
    }

    /** Where the cursor stands after {@code inserted} is typed at {@code at} in {@code text}. */
    private static Position after(String text, Position at, String inserted) {
        int offset = offset(text, at);
        return Texts.end(text.substring(0, offset) + inserted);
    }

    private static int offset(String text, Position at) {
        int offset = 0;
        for (int line = 0; line < at.getLine(); line++) offset = text.indexOf('\n', offset) + 1;
        return offset + at.getCharacter();
    }

    @Test
    void atTheTimeBudgetTheSuggestionEndsWithAWholeWordAndTheNextRequestGetsTheLongerOne() throws Exception {
        // A budget of one millisecond: the first whole word is all a busy machine may show at first.
        try (ServerHarness h = ServerHarness.ready("{\"completion\": {\"debounceMs\": 0, \"timeBudgetMs\": 1,"
                + " \"speculate\": false}, \"sampling\": {\"seed\": 7}}")) {
            for (int scene = 0; scene < 3; scene++) {
                String uri = "file:///scripts/budget-" + scene + ".fountain";
                h.client.configure(ServerHarness.json("{\"replique\": {\"sampling\": {\"seed\": " + (7 + scene) + "}}}"));
                h.client.open(uri, "fountain", SCENE);
                Answer answer = ask(h, uri, AFTER_CUE, InlineCompletionTriggerKind.Automatic);
                String first = answer.text();
                JsonObject stats = answer.stats();
                // Asked again at the same place: the speech the model went on writing.
                String whole = automatic(h, uri, AFTER_CUE);

                assertThat(first).startsWith("\n").matches("(?s).*\\p{L}.*");
                assertThat(whole).startsWith(first);
                if (whole.length() > first.length()) {
                    assertThat(stats.get("cut").getAsBoolean()).isTrue();
                    // Cut where a word ends: what follows in the whole speech is not a letter.
                    assertThat(Character.isLetterOrDigit(whole.charAt(first.length())))
                            .as("'%s' is cut inside a word of '%s'", first, whole).isFalse();
                }
                h.client.close(uri);
            }
        }
    }

    @Test
    void theNextSpeechIsWrittenWhileTheFirstIsReadAndServedWhenItIsAccepted() throws Exception {
        try (ServerHarness h = ServerHarness.ready("{\"completion\": {\"debounceMs\": 0, \"timeBudgetMs\": 600000},"
                + " \"sampling\": {\"seed\": 5}}")) {
            String uri = "file:///scripts/ahead.fountain";
            h.client.open(uri, "fountain", SCENE);
            String first = automatic(h, uri, AFTER_CUE);
            // Tab: the editor inserts the suggestion and asks again at its end.
            h.client.type(uri, AFTER_CUE, first);
            Position end = after(SCENE, AFTER_CUE, first);
            Answer next = ask(h, uri, end, InlineCompletionTriggerKind.Automatic);
            assertThat(next.source()).isEqualTo("ahead");
            // The next speech: a new cue block of the screenplay after the accepted one, or more of it.
            assertThat(next.text()).isNotBlank();

            // Without writing ahead, the same steps ask the model.
            h.client.configure(ServerHarness.json("{\"replique\": {\"completion\": {\"speculate\": false}}}"));
            String other = "file:///scripts/not-ahead.fountain";
            h.client.open(other, "fountain", SCENE);
            String shown = automatic(h, other, AFTER_CUE);
            h.client.type(other, AFTER_CUE, shown);
            assertThat(ask(h, other, after(SCENE, AFTER_CUE, shown), InlineCompletionTriggerKind.Automatic).source())
                    .isEqualTo("model");
        }
    }

    @Test
    void anEditThatContradictsTheSuggestionStopsTheSpeechWrittenAhead() throws Exception {
        try (ServerHarness h = ServerHarness.ready("{\"completion\": {\"debounceMs\": 0, \"timeBudgetMs\": 600000},"
                + " \"sampling\": {\"seed\": 5}}")) {
            String uri = "file:///scripts/contradicted.fountain";
            h.client.open(uri, "fountain", SCENE);
            String first = automatic(h, uri, AFTER_CUE);
            // The writer types something else than the suggestion, then accepts nothing.
            h.client.type(uri, AFTER_CUE, " (V.O.)");
            Position end = after(SCENE, AFTER_CUE, " (V.O.)");
            assertThat(ask(h, uri, end, InlineCompletionTriggerKind.Automatic).source()).isEqualTo("model");
            assertThat(first).isNotEmpty();
        }
    }

    @Test
    void acceptingAWordOrALineIsAnsweredWithoutTheModel() throws Exception {
        try (ServerHarness h = ServerHarness.ready("{\"completion\": {\"debounceMs\": 0, \"timeBudgetMs\": 600000,"
                + " \"speculate\": false}, \"sampling\": {\"seed\": 12}}")) {
            String uri = "file:///scripts/partial.fountain";
            h.client.open(uri, "fountain", SCENE);
            String suggestion = automatic(h, uri, AFTER_CUE);
            int space = suggestion.indexOf(' ', 2);
            assertThat(space).as("a suggestion of several words: %s", suggestion).isPositive();
            var sessions = h.models.current().orElseThrow().localSessions().orElseThrow();
            int[] held = sessions.withSession(uri, Cancellation.NONE, session -> session.tokens());

            // Accept word (Ctrl+→): the editor inserts the first word and asks again.
            String word = suggestion.substring(0, space + 1);
            h.client.type(uri, AFTER_CUE, word);
            Position at = after(SCENE, AFTER_CUE, word);
            Answer afterWord = ask(h, uri, at, InlineCompletionTriggerKind.Automatic);
            assertThat(afterWord.text()).isEqualTo(suggestion.substring(word.length()));
            assertThat(afterWord.source()).isEqualTo("ahead");
            assertThat(afterWord.stats().get("generatedTokens").getAsInt()).isZero();
            // The model did not run: its session holds the same tokens.
            int[] now = sessions.withSession(uri, Cancellation.NONE, session -> session.tokens());
            assertThat(now).containsExactly(held);

            // Accept line: the first line of what is left (a Fountain speech is one line after its cue).
            String rest = suggestion.substring(word.length());
            int lineEnd = rest.indexOf('\n');
            if (lineEnd > 0) {
                h.client.type(uri, at, rest.substring(0, lineEnd));
                Position lineAt = after(SCENE, AFTER_CUE, word + rest.substring(0, lineEnd));
                assertThat(automatic(h, uri, lineAt)).isEqualTo(rest.substring(lineEnd));
            }
        }
    }

    @Test
    void anExplicitRequestGetsThreeAlternativesThatDiffer() throws Exception {
        try (ServerHarness h = ServerHarness.ready("{\"completion\": {\"debounceMs\": 0, \"candidates\": 3},"
                + " \"sampling\": {\"seed\": 2}}")) {
            String play = ServerHarness.document("plays/moliere-precieuses-ridicules.play.txt");
            String uri = "file:///scripts/alternatives.play.txt";
            h.client.open(uri, "replique-play", play);
            for (String speech : List.of("LA GRANGE. Quoi ?", "DU CROISY. Regardez-moi un peu sans rire.")) {
                int line = ServerHarness.lineOf(play, speech, 0) + 1;
                List<InlineCompletionItem> items = h.client.inline(uri, line, 0, InlineCompletionTriggerKind.Invoked);
                assertThat(items).hasSize(3);
                assertThat(items.stream().map(i -> i.getInsertText().getLeft().strip()).distinct()).hasSize(3);
            }
        }
    }

    @Test
    void askingForAlternativesWhereASuggestionIsShownKeepsItFirst() throws Exception {
        try (ServerHarness h = ServerHarness.ready("{\"completion\": {\"debounceMs\": 0, \"candidates\": 3,"
                + " \"timeBudgetMs\": 600000}, \"sampling\": {\"seed\": 4}}")) {
            String uri = "file:///scripts/cycle.fountain";
            h.client.open(uri, "fountain", SCENE);
            String shown = automatic(h, uri, AFTER_CUE);
            // Alt+] in VS Code: an explicit request at the same place, to cycle through alternatives.
            List<InlineCompletionItem> items = h.client.inline(uri, AFTER_CUE.getLine(), AFTER_CUE.getCharacter(),
                    InlineCompletionTriggerKind.Invoked);
            assertThat(items).hasSize(3);
            assertThat(items.getFirst().getInsertText().getLeft()).isEqualTo(shown);
            assertThat(items.stream().map(i -> i.getInsertText().getLeft().strip()).distinct()).hasSize(3);
        }
    }

    @Test
    void whileACueIsTypedInAPlayTheCueIsCompletedNotGluedToSpeech() throws Exception {
        try (ServerHarness h = ServerHarness.ready("{\"completion\": {\"debounceMs\": 0}}")) {
            String scene = "SCÈNE I. Sganarelle, Lemercier.\n\nSGANARELLE. Qui va là ?\n\nLEMERCIER. Un ami.\n\n"
                    + "SGANARELLE. Votre nom ?\n\n";
            String uri = "file:///scripts/cue.play.txt";
            h.client.open(uri, "replique-play", scene + "LEM");
            assertThat(automatic(h, uri, new Position(8, 3))).isEqualTo("ERCIER.");
            h.client.type(uri, new Position(8, 3), "ERCIER");
            assertThat(automatic(h, uri, new Position(8, 9))).isEqualTo(".");
            // Once the cue is whole, the speech comes after its punctuation.
            h.client.type(uri, new Position(8, 9), ".");
            assertThat(automatic(h, uri, new Position(8, 10))).startsWith(" ").matches("(?s) \\S.*");
        }
    }

    @Test
    void theStatusSaysHowLongTheSuggestionTookAndHowFastTheModelWrote() throws Exception {
        try (ServerHarness h = ServerHarness.ready("{\"completion\": {\"debounceMs\": 0}, \"sampling\": {\"seed\": 3}}")) {
            String uri = "file:///scripts/status.fountain";
            h.client.open(uri, "fountain", SCENE);
            JsonObject stats = ask(h, uri, AFTER_CUE, InlineCompletionTriggerKind.Automatic).stats();
            assertThat(stats.get("source").getAsString()).isEqualTo("model");
            assertThat(stats.get("latencyMs").getAsLong()).isNotNegative();
            assertThat(stats.get("generatedTokens").getAsInt()).isPositive();
            assertThat(stats.get("promptTokens").getAsInt()).isPositive();
            if (stats.get("generatedTokens").getAsInt() > 1) {
                assertThat(stats.get("tokensPerSecond").getAsDouble()).isPositive();
            }
            // replique.status answers with the same figures.
            JsonObject status = h.client.executeJson("replique.status");
            assertThat(status.getAsJsonObject("lastSuggestion")).isEqualTo(stats);
        }
    }

    @Test
    void aCancellationThatCrossesItsAnswerIsNotReportedAsAProblem() throws Exception {
        Logger endpoint = Logger.getLogger("org.eclipse.lsp4j.jsonrpc.RemoteEndpoint");
        AtomicInteger warnings = new AtomicInteger();
        Handler counter = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage() != null && record.getMessage().contains("cancel")) warnings.incrementAndGet();
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        endpoint.addHandler(counter);
        try (ServerHarness h = ServerHarness.ready("{}")) {
            // A cancellation for a request the server has already answered (or never had).
            h.sendRaw(ServerHarness.frame("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":4242}}"));
            h.client.executeJson("replique.status"); // handled in order after the cancellation
            assertThat(warnings).hasValue(0);
        } finally {
            endpoint.removeHandler(counter);
        }
    }
}

package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.replique.server.lsp.ServerHarness.lineOf;

import java.util.List;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.junit.jupiter.api.Test;

/** Cue, heading and transition completion; the suggestion as a completion item for clients without ghost text. */
class CompletionItemsTest {

    @Test
    void cuesAreRankedWithTheSpeakerBeforeTheLastOneFirst() throws Exception {
        try (ServerHarness h = ServerHarness.ready("{}")) {
            String uri = "file:///scripts/cues.fountain";
            String doc = "INT. BUREAU - JOUR\n\nMARIE\nBonjour.\n\nPAUL\nBonjour Marie.\n\nMARIE\nÇa va ?\n\nPAUL\nOui.\n\n";
            h.client.open(uri, "fountain", doc);
            List<CompletionItem> items = h.client.completion(uri, 14, 0);
            assertThat(items.stream().filter(i -> "character".equals(i.getDetail())).map(CompletionItem::getLabel))
                    .startsWith("MARIE", "PAUL");
            h.client.type(uri, new Position(14, 0), "P");
            assertThat(h.client.completion(uri, 14, 1).stream().filter(i -> "character".equals(i.getDetail()))
                    .map(CompletionItem::getLabel)).containsExactly("PAUL");
            h.client.change(uri, new org.eclipse.lsp4j.Range(new Position(14, 0), new Position(14, 1)), "IN");
            assertThat(h.client.completion(uri, 14, 2)).extracting(CompletionItem::getLabel).contains("INT.", "INT./EXT.");
            assertThat(h.client.completion(uri, 3, 4)).isEmpty(); // inside a speech
        }
    }

    @Test
    void aClientWithoutInlineCompletionGetsTheSuggestionAsACompletionItem() throws Exception {
        try (ServerHarness h = ServerHarness.startedWithout("inlineCompletion")) {
            h.client.awaitStatus("ready");
            // A cold model on a busy machine can take longer than the default budget for its first suggestion.
            h.client.configure(ServerHarness.json("{\"replique\": {\"completion\": {\"timeBudgetMs\": 60000}}}"));
            String uri = "file:///scripts/helix.fountain";
            String doc = "INT. BUREAU - JOUR\n\nMARIE\nBonjour.\n\nPAUL\n";
            h.client.open(uri, "fountain", doc);
            List<CompletionItem> items = h.client.completion(uri, 5, 4);
            assertThat(items).isNotEmpty();
            CompletionItem first = items.getFirst();
            assertThat(first.getLabel()).isEqualTo("⤷ continue the dialogue — PAUL");
            assertThat(first.getFilterText()).isEqualTo("PAUL");
            assertThat(first.getTextEdit().getLeft().getNewText()).startsWith("\n");
            assertThat(first.getTextEdit().getLeft().getRange().getStart()).isEqualTo(new Position(5, 4));
        }
    }

    @Test
    void aClientThatOnlySendsAutomaticRequestsCanAskForSeveralCandidates() throws Exception {
        // LSP4IJ sends triggerKind Automatic even for an explicit request.
        try (ServerHarness h = ServerHarness.ready("{\"completion\": {\"automaticCandidates\": 3, \"debounceMs\": 0}, \"sampling\": {\"seed\": 4}}")) {
            String play = ServerHarness.document("plays/moliere-precieuses-ridicules.play.txt");
            String uri = "file:///scripts/lsp4ij.play.txt";
            h.client.open(uri, "plaintext", play);
            int line = lineOf(play, "LA GRANGE. Quoi ?", 0) + 1;
            assertThat(h.client.inline(uri, line, 0, InlineCompletionTriggerKind.Automatic)).hasSizeGreaterThan(1)
                    .allSatisfy(i -> assertThat(i.getCommand()).isNull())
                    .allSatisfy(i -> assertThat(i.getInsertText().isLeft()).isTrue());
        }
    }

    @Test
    void theOutlineListsActsAndScenes() throws Exception {
        try (ServerHarness h = ServerHarness.ready("{}")) {
            String uri = "file:///scripts/jeu.play.txt";
            h.client.open(uri, "replique-play", ServerHarness.document("plays/marivaux-jeu-de-l-amour-et-du-hasard.play.txt"));
            var symbols = ScriptedSymbols.of(h, uri);
            assertThat(symbols).hasSize(3);
            assertThat(symbols.getFirst().getName()).startsWith("ACTE");
            assertThat(symbols.getFirst().getChildren()).isNotEmpty();
            assertThat(symbols.getFirst().getChildren().getFirst().getName()).startsWith("SCÈNE");
        }
    }

    /** documentSymbol through the client's proxy. */
    static final class ScriptedSymbols {
        static List<org.eclipse.lsp4j.DocumentSymbol> of(ServerHarness h, String uri) {
            var r = org.replique.fixtures.lsp.ScriptedClient.await(h.client.server().getTextDocumentService()
                    .documentSymbol(new org.eclipse.lsp4j.DocumentSymbolParams(new org.eclipse.lsp4j.TextDocumentIdentifier(uri))));
            return r.stream().map(e -> e.getRight()).toList();
        }
    }
}

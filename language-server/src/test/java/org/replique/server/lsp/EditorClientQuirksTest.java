package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CompletionCapabilities;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemCapabilities;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.GeneralClientCapabilities;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InlineCompletionCapabilities;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.InsertTextFormat;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PositionEncodingKind;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentClientCapabilities;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.replique.fixtures.lsp.ScriptedClient;

/**
 * The server as each family of editors drives it, with the capabilities and habits read from
 * their sources: LSP4IJ (IntelliJ), Neovim 0.12, Emacs lsp-mode, editors without inline
 * completion (Helix, Zed, Eclipse LSP4E), and clients that send settings as null.
 */
class EditorClientQuirksTest {
    static final String SCENE = "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n\nPAUL\n";
    /** Line and character right after the cue PAUL in {@link #SCENE}. */
    static final Position AFTER_CUE = new Position(5, 4);
    static final String CONTINUE_LABEL = "⤷ continue the dialogue";

    /**
     * LSP4IJ 0.20: inline completion declared with dynamic registration, snippets in completion,
     * and every inline request marked Automatic; the item's command is never run and a snippet
     * would be shown raw (LSPInlineCompletionSupport.java, LSPInlineCompletionProvider.kt).
     * Settings arrive with didChangeConfiguration once the server has started.
     */
    @Nested
    class Lsp4ij {
        @Test
        void ghostTextAfterACueIsOnePlainTextItemOnTheCursorWithoutACommand() throws Exception {
            try (Session s = Session.start(Clients.lsp4ij(), ServerHarness.json("{}"))) {
                s.client.configure(ServerHarness.json("{\"replique\": {\"completion\": {\"debounceMs\": 0}}}"));
                s.client.open("file:///scripts/scene.fountain", "fountain", SCENE);
                List<InlineCompletionItem> items = s.client.inline("file:///scripts/scene.fountain", 5, 4,
                        InlineCompletionTriggerKind.Automatic);
                assertThat(items).hasSize(1);
                InlineCompletionItem item = items.getFirst();
                assertThat(item.getInsertText().isLeft()).isTrue();
                assertThat(item.getInsertText().getLeft()).startsWith("\n").doesNotContainPattern("\\$\\{?\\d");
                assertThat(item.getInsertText().getLeft().strip()).isNotEmpty();
                assertThat(item.getCommand()).isNull();
                assertThat(item.getRange()).isEqualTo(new Range(AFTER_CUE, AFTER_CUE));
            }
        }

        @Test
        void automaticCandidatesSentAsLsp4ijExpandsSettingsJsonGiveVariants() throws Exception {
            try (Session s = Session.start(Clients.lsp4ij(), ServerHarness.json("{}"))) {
                // settings.json {"replique.completion.automaticCandidates": 3, …} with "Expand JSON" ticked.
                s.client.configure(ServerHarness.json(
                        "{\"replique\": {\"completion\": {\"automaticCandidates\": 3, \"debounceMs\": 0}}}"));
                s.client.open("file:///scripts/scene.fountain", "fountain", SCENE);
                List<InlineCompletionItem> items = s.client.inline("file:///scripts/scene.fountain", 5, 4,
                        InlineCompletionTriggerKind.Automatic);
                assertThat(items).hasSizeBetween(2, 3);
                assertThat(items.stream().map(i -> i.getInsertText().getLeft()).distinct()).hasSameSizeAs(items);
                assertThat(items).allSatisfy(i -> assertThat(i.getCommand()).isNull());
            }
        }

        @Test
        void theCompletionPopupHasCuesButNotTheContinuationItem() throws Exception {
            try (Session s = Session.start(Clients.lsp4ij(), ServerHarness.json("{}"))) {
                String uri = "file:///scripts/scene.fountain";
                s.client.open(uri, "fountain", SCENE + "Tu viens ?\n\n");
                assertThat(s.client.completion(uri, 5, 4)).extracting(CompletionItem::getLabel).noneMatch(l -> l.startsWith(CONTINUE_LABEL));
                List<CompletionItem> atBlankLine = s.client.completion(uri, 8, 0);
                assertThat(atBlankLine).extracting(CompletionItem::getLabel).contains("MARIE", "PAUL")
                        .doesNotContain(CONTINUE_LABEL);
                assertThat(atBlankLine).allSatisfy(i -> {
                    assertThat(i.getInsertTextFormat()).isEqualTo(InsertTextFormat.PlainText);
                    assertThat(i.getCommand()).isNull();
                });
            }
        }

        @Test
        void anEmptySettingsObjectLeavesTheInitializationOptionsInForce() throws Exception {
            // LSP4IJ sends {} when settings.json is empty.
            try (Session s = Session.start(Clients.lsp4ij(),
                    ServerHarness.json("{\"completion\": {\"automaticCandidates\": 2, \"debounceMs\": 0}}"))) {
                s.client.configure(ServerHarness.json("{}"));
                s.client.open("file:///scripts/scene.fountain", "fountain", SCENE);
                assertThat(s.client.inline("file:///scripts/scene.fountain", 5, 4, InlineCompletionTriggerKind.Automatic))
                        .hasSize(2);
                assertThat(s.client.shownMessages()).isEmpty();
            }
        }
    }

    /**
     * Neovim 0.12: vim.lsp.inline_completion asks with Automatic while in Insert mode; its
     * incremental sync (runtime/lua/vim/lsp/sync.lua) sends rangeLength, and opening a line
     * below the last one replaces the final line break with two, the range ending at the start
     * of the line past the last. It offers utf-8 first among position encodings.
     */
    @Nested
    class Neovim {
        @Test
        void incrementalChangesAsNeovimSendsThemKeepTheServerInStep() throws Exception {
            try (Session s = Session.start(Clients.neovim(), JsonNull.INSTANCE)) {
                s.client.configure(ServerHarness.json("{\"replique\": {\"completion\": {\"debounceMs\": 0}}}"));
                String uri = "file:///scripts/scene.fountain";
                s.client.open(uri, "fountain", "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n");
                // "o" on the last line, Enter, then P, A, U, L: each change as sync.lua computes it.
                s.change(uri, 2, range(3, 16, 4, 0), 1, "\n\n");
                s.change(uri, 3, range(4, 0, 4, 0), 0, "\n");
                String cue = "PAUL";
                for (int i = 0; i < cue.length(); i++) {
                    s.change(uri, 4 + i, range(5, i, 5, i), 0, cue.substring(i, i + 1));
                }
                List<InlineCompletionItem> items = s.client.inline(uri, 5, 4, InlineCompletionTriggerKind.Automatic);
                assertThat(items).isNotEmpty();
                assertThat(items.getFirst().getRange().getStart()).isEqualTo(AFTER_CUE);
                assertThat(items.getFirst().getInsertText().getLeft()).startsWith("\n");
                // The cue list sees the same text: PAUL is now a speaker.
                s.change(uri, 8, range(5, 4, 5, 4), 0, "\nTu viens ?\n\n");
                assertThat(s.client.completion(uri, 8, 0)).extracting(CompletionItem::getLabel).contains("PAUL", "MARIE");
            }
        }

        @Test
        void positionsStayUtf16WhenTheClientPrefersUtf8() throws Exception {
            try (Session s = Session.start(Clients.neovim(), ServerHarness.json("{\"completion\": {\"debounceMs\": 0}}"))) {
                String encoding = s.init.getCapabilities().getPositionEncoding();
                assertThat(encoding == null || encoding.equals(PositionEncodingKind.UTF16)).as("encoding %s", encoding).isTrue();
                String uri = "file:///scripts/misanthrope.fountain";
                s.client.open(uri, "fountain", "INT. SALON - JOUR\n\nCÉLIMÈNE\nVous êtes bien sévère.\n\nALCESTE\n"
                        + "Je veux qu’on soit sincère.\n\nCÉLIMÈNE\n");
                // CÉLIMÈNE is 8 UTF-16 units and 10 UTF-8 bytes.
                List<InlineCompletionItem> items = s.client.inline(uri, 8, 8, InlineCompletionTriggerKind.Automatic);
                assertThat(items).isNotEmpty();
                assertThat(items.getFirst().getRange().getStart()).isEqualTo(new Position(8, 8));
            }
        }
    }

    /**
     * Emacs lsp-mode declares {@code (inlineCompletion . ())}, which its JSON encoder writes as
     * null: the server sees no inline completion capability, yet lsp-inline-completion-mode asks
     * for inline completions (Invoked from lsp-inline-completion-display).
     */
    @Nested
    class EmacsLspMode {
        @Test
        void getsTheContinuationItemInTheCompletionListAndGhostTextOnRequest() throws Exception {
            try (Session s = Session.start(Clients.emacsLspMode(), ServerHarness.json("{\"completion\": {\"debounceMs\": 0}}"))) {
                String uri = "file:///scripts/scene.fountain";
                s.client.open(uri, "fountain", SCENE);
                assertThat(s.client.completion(uri, 5, 4)).extracting(CompletionItem::getLabel).first().asString().startsWith(CONTINUE_LABEL);
                assertThat(s.client.inline(uri, 5, 4, InlineCompletionTriggerKind.Invoked)).hasSizeBetween(2, 3);
            }
        }
    }

    /**
     * Helix, Zed and Eclipse LSP4E have no inline completion: the suggestion comes as one
     * completion item. Helix sends its language server {@code config} as initializationOptions
     * (null when there is none) and again with didChangeConfiguration.
     */
    @Nested
    class WithoutInlineCompletion {
        @Test
        void theSuggestionIsAPlainTextItemInsertedAtTheCursor() throws Exception {
            try (Session s = Session.start(Clients.withoutInlineCompletion(), JsonNull.INSTANCE)) {
                String uri = "file:///scripts/scene.fountain";
                s.client.open(uri, "fountain", SCENE);
                CompletionItem item = s.client.completion(uri, 5, 4).getFirst();
                assertThat(item.getLabel()).startsWith(CONTINUE_LABEL);
                assertThat(item.getInsertTextFormat()).isEqualTo(InsertTextFormat.PlainText);
                assertThat(item.getCommand()).isNull();
                assertThat(item.getTextEdit().getLeft().getRange()).isEqualTo(new Range(AFTER_CUE, AFTER_CUE));
                assertThat(item.getTextEdit().getLeft().getNewText()).startsWith("\n");
                assertThat(item.getTextEdit().getLeft().getNewText().strip()).isNotEmpty();
            }
        }

        @Test
        void onTheEmptyLineBelowACueTheItemNeedsNoFilter() throws Exception {
            // Where Helix's and Zed's filter (the word before the cursor) is empty.
            try (Session s = Session.start(Clients.withoutInlineCompletion(), JsonNull.INSTANCE)) {
                String uri = "file:///scripts/scene.fountain";
                s.client.open(uri, "fountain", SCENE);
                CompletionItem item = s.client.completion(uri, 6, 0).getFirst();
                assertThat(item.getLabel()).startsWith(CONTINUE_LABEL);
                assertThat(item.getTextEdit().getLeft().getRange()).isEqualTo(range(6, 0, 6, 0));
                assertThat(item.getTextEdit().getLeft().getNewText().strip()).isNotEmpty();
            }
        }

        @Test
        void eclipseFiltersFromTheEditStartSoTheItemShowsRightAfterTheCue() throws Exception {
            // LSP4E (CompletionProposalTools#getFilterFromDocument): the filter is the text between
            // the item's edit start and the cursor, here empty, which every item matches.
            try (Session s = Session.start(Clients.withoutInlineCompletion(), JsonNull.INSTANCE)) {
                String uri = "file:///scripts/scene.fountain";
                s.client.open(uri, "fountain", SCENE);
                CompletionItem item = s.client.completion(uri, 5, 4).getFirst();
                Position editStart = item.getTextEdit().getLeft().getRange().getStart();
                assertThat(SCENE.split("\n")[5].substring(editStart.getCharacter(), AFTER_CUE.getCharacter())).isEmpty();
            }
        }

        @Test
        void eclipseNamesTheLanguageAfterTheFileExtensionAndThePlayIsStillRecognised() throws Exception {
            // LSP4E's no-code setup has no language id to give: it sends the extension (DocumentContentSynchronizer).
            try (Session s = Session.start(Clients.withoutInlineCompletion(), ServerHarness.json("{\"sampling\": {\"seed\": 5}}"))) {
                String play = ServerHarness.document("plays/moliere-precieuses-ridicules.play.txt");
                String uri = "file:///scripts/precieuses.play";
                s.client.open(uri, "play", play);
                int line = ServerHarness.lineOf(play, "LA GRANGE. Quoi ?", 0) + 1;
                CompletionItem item = s.client.completion(uri, line, 0).getFirst();
                assertThat(item.getLabel()).startsWith(CONTINUE_LABEL);
                // NAME. text, the play's own form.
                assertThat(item.getTextEdit().getLeft().getNewText().strip()).matches("(?s)[A-ZÀ-Ü][A-ZÀ-Ü' -]+\\. .+");
            }
        }

        @Test
        void helixAndZedFilterByTheWordBeforeTheCursorAndStillShowTheItem() throws Exception {
            // Both fuzzy-match the word before the cursor, here PAUL. Helix
            // (helix-term/src/ui/completion.rs) matches it against filterText, else the label; Zed
            // against the part of the label that filterText names, else the whole label.
            try (Session s = Session.start(Clients.withoutInlineCompletion(), JsonNull.INSTANCE)) {
                String uri = "file:///scripts/scene.fountain";
                s.client.open(uri, "fountain", SCENE);
                CompletionItem item = s.client.completion(uri, 5, 4).getFirst();
                assertThat(item.getTextEdit().getLeft().getNewText().strip()).isNotEmpty();
                String helix = item.getFilterText() != null ? item.getFilterText() : item.getLabel();
                String zed = item.getFilterText() != null && item.getLabel().contains(item.getFilterText())
                        ? item.getFilterText() : item.getLabel();
                assertThat(fuzzyMatches("PAUL", helix)).as("Helix: 'PAUL' against '%s'", helix).isTrue();
                assertThat(fuzzyMatches("PAUL", zed)).as("Zed: 'PAUL' against '%s'", zed).isTrue();
            }
        }

        @Test
        void helixConfigSentTwiceTurnsTheItemOff() throws Exception {
            JsonElement config = ServerHarness.json("{\"completion\": {\"fallbackItem\": false}}");
            try (Session s = Session.start(Clients.withoutInlineCompletion(), config)) {
                s.client.configure(config);
                String uri = "file:///scripts/scene.fountain";
                s.client.open(uri, "fountain", SCENE);
                assertThat(s.client.completion(uri, 5, 4)).extracting(CompletionItem::getLabel).noneMatch(l -> l.startsWith(CONTINUE_LABEL));
                assertThat(s.client.shownMessages()).isEmpty();
            }
        }
    }

    /**
     * Clients that send {@code workspace/didChangeConfiguration} with {@code settings: null}, or
     * no settings at all, and do not answer {@code workspace/configuration}.
     */
    @Nested
    class SettingsNullWithoutPull {
        @Test
        void nullSettingsKeepTheSettingsInForce() throws Exception {
            ClientCapabilities caps = Clients.withoutInlineCompletion();
            caps.getWorkspace().setConfiguration(false);
            caps.getTextDocument().setInlineCompletion(new InlineCompletionCapabilities());
            try (Session s = Session.start(caps, ServerHarness.json("{\"completion\": {\"automaticCandidates\": 2, \"debounceMs\": 0}}"))) {
                s.sendRaw("{\"jsonrpc\": \"2.0\", \"method\": \"workspace/didChangeConfiguration\", \"params\": {\"settings\": null}}");
                s.sendRaw("{\"jsonrpc\": \"2.0\", \"method\": \"workspace/didChangeConfiguration\", \"params\": {}}");
                String uri = "file:///scripts/scene.fountain";
                s.client.open(uri, "fountain", SCENE);
                assertThat(s.client.inline(uri, 5, 4, InlineCompletionTriggerKind.Automatic)).hasSize(2);
                assertThat(s.client.shownMessages()).noneMatch(m -> m.getType() == MessageType.Error);
                assertThat(s.serving()).isTrue();
            }
        }
    }

    static Range range(int startLine, int startCharacter, int endLine, int endCharacter) {
        return new Range(new Position(startLine, startCharacter), new Position(endLine, endCharacter));
    }

    /** A fuzzy match as Helix's and Zed's completion menus do it: the pattern's characters in order. */
    static boolean fuzzyMatches(String pattern, String text) {
        String t = text.toLowerCase(Locale.ROOT);
        int from = 0;
        for (char c : pattern.toLowerCase(Locale.ROOT).toCharArray()) {
            from = t.indexOf(c, from);
            if (from < 0) return false;
            from++;
        }
        return true;
    }

    /** Client capabilities as each editor sends them, reduced to what a server can act on. */
    static final class Clients {
        private Clients() {}

        /** LSP4IJ's ClientCapabilitiesFactory. */
        static ClientCapabilities lsp4ij() {
            ClientCapabilities c = base(List.of(PositionEncodingKind.UTF16));
            var inline = new InlineCompletionCapabilities();
            inline.setDynamicRegistration(true);
            c.getTextDocument().setInlineCompletion(inline);
            return c;
        }

        /** vim.lsp.protocol.make_client_capabilities() in Neovim 0.12. */
        static ClientCapabilities neovim() {
            ClientCapabilities c = base(List.of(PositionEncodingKind.UTF8, PositionEncodingKind.UTF16,
                    PositionEncodingKind.UTF32));
            var inline = new InlineCompletionCapabilities();
            inline.setDynamicRegistration(false);
            c.getTextDocument().setInlineCompletion(inline);
            return c;
        }

        /** lsp-mode: {@code "inlineCompletion": null}, which reads as absent. */
        static ClientCapabilities emacsLspMode() {
            return base(List.of(PositionEncodingKind.UTF16));
        }

        /** Helix, Zed, Eclipse LSP4E. */
        static ClientCapabilities withoutInlineCompletion() {
            return base(List.of(PositionEncodingKind.UTF16));
        }

        private static ClientCapabilities base(List<String> encodings) {
            var workspace = new WorkspaceClientCapabilities();
            workspace.setApplyEdit(true);
            workspace.setConfiguration(true);
            var text = new TextDocumentClientCapabilities();
            text.setCompletion(new CompletionCapabilities(new CompletionItemCapabilities(true)));
            var window = new WindowClientCapabilities();
            window.setWorkDoneProgress(true);
            var c = new ClientCapabilities(workspace, text, window, null);
            var general = new GeneralClientCapabilities();
            general.setPositionEncodings(encodings);
            c.setGeneral(general);
            return c;
        }
    }

    /**
     * A server wired as {@link ServerHarness} wires it, initialized with a given client's
     * capabilities and initialization options, its model ready.
     */
    static final class Session implements AutoCloseable {
        final ServerHarness harness;
        final ScriptedClient client;
        final InitializeResult init;

        private Session(ServerHarness harness) {
            this.harness = harness;
            this.client = harness.client;
            this.init = harness.initializeResult;
        }

        static Session start(ClientCapabilities capabilities, JsonElement initializationOptions) throws IOException {
            Session s = new Session(ServerHarness.started(initializationOptions, capabilities));
            s.client.awaitStatus("ready");
            return s;
        }

        /** An incremental change with the deprecated rangeLength some clients still send. */
        void change(String uri, int version, Range range, int rangeLength, String text) {
            var event = new TextDocumentContentChangeEvent(range, text);
            event.setRangeLength(rangeLength);
            client.server().getTextDocumentService().didChange(new DidChangeTextDocumentParams(
                    new VersionedTextDocumentIdentifier(uri, version), List.of(event)));
        }

        void sendRaw(String json) throws IOException {
            harness.sendRaw(ServerHarness.frame(json));
        }

        boolean serving() {
            return harness.serving();
        }

        @Override
        public void close() {
            harness.close();
        }
    }
}

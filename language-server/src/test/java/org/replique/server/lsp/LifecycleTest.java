package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.junit.jupiter.api.Test;

/** Starting up: capabilities, the model loaded in the background with progress, status and a log summary. */
class LifecycleTest {

    @Test
    void initializeAnnouncesWhatTheServerDoes() throws Exception {
        try (ServerHarness h = ServerHarness.started(JsonParser.parseString("{}"))) {
            InitializeResult r = h.initializeResult;
            var caps = r.getCapabilities();
            assertThat(caps.getTextDocumentSync().getRight().getChange()).isEqualTo(TextDocumentSyncKind.Incremental);
            assertThat(caps.getInlineCompletionProvider().getLeft()).isTrue();
            assertThat(caps.getCompletionProvider()).isNotNull();
            assertThat(caps.getDocumentSymbolProvider().getLeft()).isTrue();
            assertThat(caps.getExecuteCommandProvider().getCommands())
                    .containsExactlyInAnyOrder("replique.generateDialogue", "replique.status", "replique.reloadModel");
            assertThat(r.getServerInfo().getName()).isEqualTo("replique");
        }
    }

    @Test
    void theModelLoadsInTheBackgroundWithProgressAndASummary() throws Exception {
        try (ServerHarness h = ServerHarness.ready("{}")) {
            JsonObject ready = h.client.awaitStatus("ready");
            assertThat(ready.get("embedded").getAsBoolean()).isTrue();
            assertThat(ready.get("model").getAsString()).isEqualTo("replique-mini-fr");
            assertThat(ready.get("message").getAsString()).contains("embedded demo model");
            assertThat(h.client.statuses().getFirst().get("state").getAsString()).isEqualTo("loading");

            assertThat(h.client.createdProgressTokens()).isNotEmpty();
            var kinds = h.client.progress().stream().map(p -> p.getValue().getLeft()).toList();
            assertThat(kinds.getFirst()).isInstanceOf(WorkDoneProgressBegin.class);
            assertThat(kinds).anyMatch(k -> k instanceof WorkDoneProgressReport r && r.getPercentage() == 100);
            assertThat(kinds.getLast()).isInstanceOf(WorkDoneProgressEnd.class);

            h.client.awaitMessage(m -> m.getType() == MessageType.Info && m.getMessage().startsWith("Réplique ready: replique-mini-fr"));
            JsonObject status = h.client.executeJson("replique.status");
            assertThat(status.get("state").getAsString()).isEqualTo("ready");
            assertThat(status.get("backend").getAsString()).startsWith("cpu");
        }
    }

    private static final String SCENE = "INT. SALON - NUIT\n\nMARIE\nOù étais-tu ?\n\nPAUL\n";

    @Test
    void whileTheModelLoadsAnExplicitSuggestionWaitsForIt() throws Exception {
        // Asked right after initialize, while the model is being read.
        try (ServerHarness h = ServerHarness.started(JsonParser.parseString("{\"completion\": {\"debounceMs\": 0}}"))) {
            String uri = "file:///scripts/a.fountain";
            h.client.open(uri, "fountain", SCENE);
            var automatic = h.client.inlineAsync(uri, 5, 4, org.eclipse.lsp4j.InlineCompletionTriggerKind.Automatic);
            var invoked = h.client.inlineAsync(uri, 5, 4, org.eclipse.lsp4j.InlineCompletionTriggerKind.Invoked);
            // The explicit one answers with dialogue; an automatic one never fails either (empty while loading).
            assertThat(org.replique.fixtures.lsp.ScriptedClient.await(invoked)).isNotEmpty();
            assertThat(org.replique.fixtures.lsp.ScriptedClient.await(automatic)).isNotNull();
        }
    }

    @Test
    void whileTheModelLoadsTheGenerateCommandWaitsForItWithProgress() throws Exception {
        try (ServerHarness h = ServerHarness.started(JsonParser.parseString("{}"))) {
            String uri = "file:///scripts/b.fountain";
            h.client.open(uri, "fountain", SCENE);
            boolean loading = h.models.current().isEmpty();
            JsonObject args = ServerHarness.json("{\"uri\": \"" + uri + "\", \"position\": {\"line\": 5, \"character\": 4},"
                    + " \"turns\": 2}");
            JsonObject generated = h.client.executeJson("replique.generateDialogue", args);
            assertThat(generated.get("applied").getAsBoolean()).isTrue();
            if (loading) {
                // Its progress said what it was waiting for, rather than failing with "not ready".
                assertThat(h.client.progress()).anyMatch(p -> p.getValue().getLeft() instanceof WorkDoneProgressReport r
                        && r.getMessage() != null && r.getMessage().startsWith("waiting for the model"));
            }
        }
    }

    @Test
    void shutdownThenExitEndsTheConnection() throws Exception {
        ServerHarness h = ServerHarness.ready("{}");
        h.client.shutdown();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (h.serving() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(h.serving()).isFalse();
        h.close();
    }
}

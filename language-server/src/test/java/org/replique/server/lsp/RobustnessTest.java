package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.fixtures.lsp.ScriptedClient;

/** Bad input gets an error or an empty answer and a log line; the server keeps serving. */
class RobustnessTest {
    private static ServerHarness h;
    private static final String DOC = "file:///scripts/scene.fountain";
    private static final String TEXT = "INT. SALON - NUIT\n\nMARIE\nOù étais-tu ?\n\nPAUL\n";

    @BeforeAll
    static void start() throws Exception {
        h = ServerHarness.ready("{\"completion\": {\"debounceMs\": 0}}");
        h.client.open(DOC, "fountain", TEXT);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** The server still answers a real request. */
    private static void assertAlive() {
        List<InlineCompletionItem> items = h.client.inline(DOC, 5, 4, InlineCompletionTriggerKind.Invoked);
        assertThat(items).isNotEmpty();
    }

    @Test
    void malformedJsonIsSurvived() throws Exception {
        h.sendRaw(ServerHarness.frame("{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": \"textDocument/inl"));
        h.sendRaw(ServerHarness.frame("this is not json at all"));
        assertAlive();
    }

    @Test
    void unknownMethodsGetMethodNotFound() {
        CompletableFuture<Object> r = h.client.server().getWorkspaceService().executeCommand(
                new org.eclipse.lsp4j.ExecuteCommandParams("replique.noSuchCommand", List.of()));
        assertThatThrownBy(() -> ScriptedClient.await(r)).hasMessageContaining("unknown command");
        assertAlive();
    }

    @Test
    void wrongParameterTypesGetAnErrorNotACrash() throws Exception {
        h.sendRaw(ServerHarness.frame("{\"jsonrpc\":\"2.0\",\"id\":7001,\"method\":\"textDocument/inlineCompletion\","
                + "\"params\":{\"textDocument\":{\"uri\":42},\"position\":\"here\",\"context\":{\"triggerKind\":\"x\"}}}"));
        h.sendRaw(ServerHarness.frame("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"contentChanges\":7}}"));
        h.sendRaw(ServerHarness.frame("{\"jsonrpc\":\"2.0\",\"id\":7002,\"method\":\"no/suchMethod\",\"params\":{}}"));
        assertAlive();
    }

    @Test
    void requestsForUnopenedOrClosedDocumentsAnswerEmpty() {
        assertThat(h.client.inline("file:///nowhere.fountain", 0, 0, InlineCompletionTriggerKind.Invoked)).isEmpty();
        assertThat(h.client.completion("file:///nowhere.fountain", 0, 0)).isEmpty();
        String uri = "file:///scripts/closed.fountain";
        h.client.open(uri, "fountain", TEXT);
        h.client.close(uri);
        assertThat(h.client.inline(uri, 5, 4, InlineCompletionTriggerKind.Invoked)).isEmpty();
        assertAlive();
    }

    @Test
    void positionsOutsideTheDocumentAreClamped() {
        assertThat(h.client.inline(DOC, 500, 9000, InlineCompletionTriggerKind.Invoked)).isNotNull();
        assertThat(h.client.inline(DOC, 5, 9000, InlineCompletionTriggerKind.Invoked)).isNotEmpty();
        assertThat(h.client.inline(DOC, -3, -1, InlineCompletionTriggerKind.Invoked)).isNotNull();
    }

    @Test
    void aTenMegabyteDocumentIsServed() throws Exception {
        StringBuilder big = new StringBuilder();
        String scene = ServerHarness.document("fountain/brick-and-steel.fountain");
        while (big.length() < 10_000_000) big.append(scene).append("\n\n");
        big.append("STEEL\n");
        String uri = "file:///scripts/big.fountain";
        h.client.open(uri, "fountain", big.toString());
        Position end = org.replique.fixtures.lsp.Texts.end(big.substring(0, big.length() - 1));
        // A cold 2,000-token prompt takes long on a busy machine: the time budget counts the writing,
        // never the reading, so the first request answers.
        List<InlineCompletionItem> items = h.client.inline(uri, end.getLine(), end.getCharacter(),
                InlineCompletionTriggerKind.Invoked);
        assertThat(items).isNotEmpty();
        h.client.close(uri);
        assertAlive();
    }

    @Test
    void aBurstOfKeystrokesComputesOnlyTheLastRequest() throws Exception {
        String uri = "file:///scripts/burst.fountain";
        h.client.configure(ServerHarness.json("{\"replique\": {\"completion\": {\"debounceMs\": 100}}}"));
        try {
            h.client.open(uri, "fountain", TEXT);
            List<CompletableFuture<List<InlineCompletionItem>>> answers = new ArrayList<>();
            String typed = "Je suis allé voir la mer, puis je suis revenu par le vieux pont de pierre. ".repeat(3);
            Position at = new Position(5, 4);
            h.client.type(uri, at, "\n");
            at = new Position(6, 0);
            for (int i = 0; i < 200; i++) {
                String c = String.valueOf(typed.charAt(i % typed.length()));
                h.client.type(uri, at, c);
                at = new Position(6, at.getCharacter() + 1);
                answers.add(h.client.inlineAsync(uri, at.getLine(), at.getCharacter(), InlineCompletionTriggerKind.Automatic));
            }
            List<List<InlineCompletionItem>> results = new ArrayList<>();
            for (var a : answers) results.add(ScriptedClient.await(a));
            // Every request but the last was superseded before the model ran.
            assertThat(results.subList(0, 199)).allMatch(List::isEmpty);
            assertThat(h.client.text(uri)).contains(typed.substring(0, 150));
        } finally {
            h.client.configure(ServerHarness.json("{\"replique\": {\"completion\": {\"debounceMs\": 0}}}"));
            h.client.close(uri);
        }
        assertAlive();
    }

    @Test
    void aModelPathThatDoesNotExistIsReportedAndTheCurrentModelKeepsServing(@TempDir Path dir) throws Exception {
        h.client.configure(ServerHarness.json("{\"replique\": {\"model\": {\"path\": \"" + dir.resolve("absent.gguf") + "\"}}}"));
        h.client.awaitMessage(m -> m.getType() == MessageType.Error && m.getMessage().contains("absent.gguf: no such file"));
        assertAlive();

        Path notGguf = dir.resolve("notes.gguf");
        Files.writeString(notGguf, "ALCESTE. Je veux qu'on soit sincère.");
        h.client.configure(ServerHarness.json("{\"replique\": {\"model\": {\"path\": \"" + notGguf + "\"}}}"));
        h.client.awaitMessage(m -> m.getType() == MessageType.Error && m.getMessage().contains("notes.gguf: not a GGUF file"));
        assertAlive();
        h.client.configure(ServerHarness.json("{\"replique\": {\"model\": {\"path\": null}}}"));
        h.client.awaitStatus("ready");
    }

    @Test
    void invalidSettingsAreRejectedAsAWholeWithTheKeyAndTheReason() {
        h.client.configure(ServerHarness.json("{\"replique\": {\"sampling\": {\"temperature\": \"hot\", \"topK\": 10},"
                + " \"completion\": {\"maxTokens\": -3}, \"prompt\": {\"speakerStyle\": \"initials\"}}}"));
        var m = h.client.awaitMessage(x -> x.getType() == MessageType.Error && x.getMessage().contains("invalid settings"));
        assertThat(m.getMessage()).contains("sampling.temperature must be a number")
                .contains("completion.maxTokens must be between 1 and 1000")
                .contains("prompt.speakerStyle must be one of dash, intervenant, names")
                .contains("previous settings stay in force");
        assertAlive();
    }
}

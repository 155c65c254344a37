package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.replique.server.http.HttpServerFixture.eventually;
import static org.replique.server.lsp.ServerHarness.lineOf;

import com.google.gson.JsonObject;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.InlineCompletionContext;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionParams;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.junit.jupiter.api.Test;
import org.replique.fixtures.Fixtures;
import org.replique.server.http.HttpServerFixture;

/**
 * The language server with {@code model.backend: "remote"} against {@code replique serve --http}
 * in the same process (a real HTTP round trip on 127.0.0.1): the same suggestions as the model in
 * process, cancellation that reaches the server, and a status that says what went wrong.
 */
class RemoteBackendTest {
    private static final String SCREENPLAY = "file:///scripts/brick-and-steel.fountain";
    private static final String PLAY = "file:///scripts/precieuses.play.txt";
    /** A generous time budget: on a busy machine a cut suggestion would differ between the two servers. */
    private static final String COMMON = "\"completion\": {\"debounceMs\": 0, \"candidates\": 3, \"timeBudgetMs\": 60000},"
            + " \"sampling\": {\"seed\": 11}";

    private static String remote(String endpoint, String more) {
        return "{\"model\": {\"backend\": \"remote\", \"endpoint\": \"" + endpoint + "\"" + more + "}, " + COMMON + "}";
    }

    /** The same requests, in the same order, on both servers. */
    private static List<List<String>> suggestions(ServerHarness h, String screenplay, String play) {
        h.client.open(SCREENPLAY, "fountain", screenplay);
        h.client.open(PLAY, "plaintext", play);
        List<List<String>> all = new java.util.ArrayList<>();
        int[][] screenplayCursors = {{lineOf(screenplay, "BRICK", 0), 5}, {lineOf(screenplay, "STEEL", 1), 5}};
        for (int[] at : screenplayCursors) {
            for (InlineCompletionTriggerKind kind : InlineCompletionTriggerKind.values()) {
                all.add(texts(h.client.inline(SCREENPLAY, at[0], at[1], kind)));
            }
        }
        all.add(texts(h.client.inline(PLAY, lineOf(play, "LA GRANGE. Quoi ?", 0) + 1, 0, InlineCompletionTriggerKind.Invoked)));
        JsonObject generated = h.client.executeJson("replique.generateDialogue", json("{\"uri\": \"" + PLAY
                + "\", \"position\": {\"line\": " + (lineOf(play, "LA GRANGE. Quoi ?", 0) + 1) + ", \"character\": 0},"
                + " \"turns\": 2}"));
        all.add(List.of(generated.get("text").getAsString()));
        return all;
    }

    private static List<String> texts(List<InlineCompletionItem> items) {
        return items.stream().map(i -> i.getInsertText().getLeft()).toList();
    }

    private static JsonObject json(String text) {
        return ServerHarness.json(text);
    }

    @Test
    void suggestionsThroughTheServerAreTheInProcessModelsWithAFixedSeed() throws Exception {
        String screenplay = ServerHarness.document("fountain/brick-and-steel.fountain");
        String play = ServerHarness.document("plays/moliere-precieuses-ridicules.play.txt");
        List<List<String>> local;
        try (ServerHarness h = ServerHarness.ready("{" + COMMON + "}")) {
            local = suggestions(h, screenplay, play);
        }
        try (HttpServerFixture f = HttpServerFixture.start(2, 8, 4, 0);
             ServerHarness h = ServerHarness.ready(remote(f.baseUrl(), ""))) {
            JsonObject status = h.client.awaitStatus("ready");
            assertThat(status.get("model").getAsString()).isEqualTo(HttpServerFixture.MODEL);
            assertThat(status.get("path").getAsString()).isEqualTo(f.baseUrl());
            assertThat(status.get("backend").getAsString()).contains("remote").contains("/tokenize");
            List<List<String>> remote = suggestions(h, screenplay, play);
            assertThat(remote).isEqualTo(local);
            assertThat(remote.stream().flatMap(List::stream)).isNotEmpty().allSatisfy(s -> assertThat(s).isNotBlank());
            assertThat(f.server.stats().completed()).isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void withTheModelFilesAtHandTheTokensAreCountedHere() throws Exception {
        String path = Fixtures.file("models/replique-mini-fr-f16.gguf").toString().replace("\\", "\\\\");
        try (HttpServerFixture f = HttpServerFixture.start(1, 4, 2, 0);
             ServerHarness h = ServerHarness.ready(remote(f.baseUrl(), ", \"path\": \"" + path + "\""))) {
            assertThat(h.client.awaitStatus("ready").get("backend").getAsString()).contains("tokenizer of");
            String doc = "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n\nPAUL\n";
            h.client.open("file:///scripts/kitchen.fountain", "fountain", doc);
            assertThat(h.client.inline("file:///scripts/kitchen.fountain", 5, 4, InlineCompletionTriggerKind.Invoked))
                    .as("logs %s, completed %d", h.client.logs(), f.server.stats().completed()).isNotEmpty();
        }
    }

    @Test
    void aCancelledRequestClosesTheStreamAndTheServerStopsGenerating() throws Exception {
        try (HttpServerFixture f = HttpServerFixture.start(1, 4, 2, 40);
             ServerHarness h = ServerHarness.ready(remote(f.baseUrl(), "").replace(COMMON,
                     "\"completion\": {\"debounceMs\": 0, \"timeBudgetMs\": 600000, \"maxTokens\": 400}"))) {
            String uri = "file:///scripts/long.fountain";
            h.client.open(uri, "fountain", "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n\nPAUL\n");
            long before = f.paced.passes();
            CompletableFuture<?> request = h.client.server().getTextDocumentService().inlineCompletion(
                    new InlineCompletionParams(new TextDocumentIdentifier(uri), new Position(5, 4),
                            new InlineCompletionContext(InlineCompletionTriggerKind.Invoked)));
            assertThat(eventually(() -> f.paced.passes() > before + 3, 20)).as("the server is generating").isTrue();
            request.cancel(true); // $/cancelRequest
            assertThat(eventually(() -> f.server.stats().abandoned() >= 1, 10)).as("the server saw the client leave; completed %d, passes %d, logs %s, request %s",
                    f.server.stats().completed(), f.paced.passes(), h.client.logs(), request).isTrue();
            long passes = f.paced.passes();
            Thread.sleep(400);
            assertThat(f.paced.passes()).isEqualTo(passes);
        }
    }

    @Test
    void anUnreachableServerShowsInTheStatusAndSuggestionsAnswerEmpty() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (ServerHarness h = ServerHarness.started(json(remote("http://127.0.0.1:" + port + "/v1",
                "").replace(COMMON, "\"completion\": {\"debounceMs\": 0, \"timeBudgetMs\": 3000}")))) {
            JsonObject status = h.client.awaitStatus("error");
            assertThat(status.get("message").getAsString()).contains("connection refused").contains("try again");
            h.client.open("file:///scripts/a.fountain", "fountain", "MARIE\nBonjour.\n\nPAUL\n");
            long start = System.nanoTime();
            assertThat(h.client.inline("file:///scripts/a.fountain", 3, 4, InlineCompletionTriggerKind.Invoked)).isEmpty();
            assertThat((System.nanoTime() - start) / 1e6).as("never a stuck request").isLessThan(4000);
        }
    }

    @Test
    void aFailingServerSetsTheStatusAndItsRecoveryClearsIt() throws Exception {
        try (var scripted = new org.replique.server.remote.ScriptedServerAccess()) {
            for (int i = 0; i < 4; i++) scripted.status(503, "{\"error\":{\"message\":\"overloaded\"}}");
            // Answers for the suggestion, its alternatives and the next speech written ahead: each
            // different, and none a line of the document (a suggestion repeating one is dropped).
            for (String s : List.of(" Salut, Marie.", " Tu es en retard.", " Assieds-toi.", " Quelle heure est-il ?",
                    " Je t'attendais.", " On y va ?", " Enfin !", " Tu as vu Jean ?")) {
                scripted.stream(s);
            }
            try (ServerHarness h = ServerHarness.ready(remote(scripted.baseUrl(), ", \"name\": \"claire\"")
                    .replace(COMMON, "\"completion\": {\"debounceMs\": 0, \"timeBudgetMs\": 20000}"))) {
                assertThat(h.client.awaitStatus("ready").get("message").getAsString()).contains("estimated");
                String uri = "file:///scripts/a.fountain";
                h.client.open(uri, "fountain", "MARIE\nBonjour.\n\nPAUL\n");
                h.client.statuses().clear();
                assertThat(h.client.inline(uri, 3, 4, InlineCompletionTriggerKind.Invoked)).isEmpty();
                assertThat(h.client.awaitStatus("error").get("message").getAsString()).contains("503").contains("overloaded");
                assertThat(h.client.inline(uri, 3, 4, InlineCompletionTriggerKind.Invoked)).isNotEmpty();
                h.client.awaitStatus("ready");
            }
        }
    }
}

package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.InRange;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.eclipse.lsp4j.Position;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.fixtures.Fixtures;
import org.replique.server.documents.TextDocument;

/**
 * Any params, well-formed or not, for the server's {@code textDocument/*} and workspace methods:
 * every request is answered (a result, or an error other than an internal one), the server then
 * still answers, and every document it holds keeps positions that map to its own offsets and an
 * outline whose ranges lie inside it.
 */
class JsonRpcFuzzTest {
    /** Requests, then notifications. */
    static final List<String> REQUESTS = List.of("textDocument/inlineCompletion", "textDocument/completion",
            "textDocument/codeAction", "textDocument/documentSymbol", "workspace/executeCommand");
    static final List<String> NOTIFICATIONS = List.of("textDocument/didOpen", "textDocument/didChange",
            "textDocument/didClose", "textDocument/didSave", "workspace/didChangeConfiguration");
    static final String DOC = "file:///fuzz/scene.fountain";
    private static final int INTERNAL_ERROR = -32603;

    private static RawLspClient client;

    static synchronized RawLspClient client() throws Exception {
        if (client == null) {
            client = new RawLspClient();
            String model = Fixtures.file("models/stories260K-f32.gguf").toString();
            client.await(client.request("initialize", "{\"processId\":null,\"capabilities\":{\"window\":"
                    + "{\"workDoneProgress\":true},\"workspace\":{\"applyEdit\":true}},\"initializationOptions\":"
                    + "{\"model\":{\"path\":" + RawLspClient.quote(model) + "},\"completion\":{\"debounceMs\":0,"
                    + "\"maxTokens\":4,\"timeBudgetMs\":2000}}}"), 60);
            client.notify("initialized", "{}");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!client.models.status().ready() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(client.models.status().ready()).as("model ready: %s", client.models.status()).isTrue();
            client.notify("textDocument/didOpen", open(DOC, "INT. SALON - NUIT\n\nMARIE\nOù étais-tu ?\n\nPAUL\n"));
        }
        return client;
    }

    static String open(String uri, String text) {
        JsonObject item = new JsonObject();
        item.addProperty("uri", uri);
        item.addProperty("languageId", "fountain");
        item.addProperty("version", 1);
        item.addProperty("text", text);
        JsonObject params = new JsonObject();
        params.add("textDocument", item);
        return params.toString();
    }

    static Stream<Arguments> seeds() {
        String doc = "{\"textDocument\":{\"uri\":\"" + DOC + "\"}";
        String at = ",\"position\":{\"line\":5,\"character\":4}";
        return Stream.of(
                Arguments.of(0, doc + at + ",\"context\":{\"triggerKind\":1}}"),
                Arguments.of(1, doc + at + "}"),
                Arguments.of(2, doc + ",\"range\":{\"start\":{\"line\":5,\"character\":4},\"end\":{\"line\":5,"
                        + "\"character\":4}},\"context\":{\"diagnostics\":[]}}"),
                Arguments.of(3, doc + "}"),
                Arguments.of(4, "{\"command\":\"replique.generateDialogue\",\"arguments\":[{\"uri\":\"" + DOC
                        + "\",\"position\":{\"line\":5,\"character\":4},\"turns\":2}]}"),
                Arguments.of(4, "{\"command\":\"replique.status\"}"),
                Arguments.of(5, open("file:///fuzz/other.fountain", "PAUL\nBonjour.\r\nMARIE\rSalut.\n")),
                Arguments.of(6, "{\"textDocument\":{\"uri\":\"" + DOC + "\",\"version\":2},\"contentChanges\":[{\"range\":"
                        + "{\"start\":{\"line\":3,\"character\":2},\"end\":{\"line\":4,\"character\":0}},\"text\":\"é\\n\"}]}"),
                Arguments.of(6, "{\"textDocument\":{\"uri\":\"" + DOC + "\",\"version\":3},\"contentChanges\":[{\"text\":"
                        + "\"MARIE\\nOui.\\n\"}]}"),
                Arguments.of(7, "{\"textDocument\":{\"uri\":\"file:///fuzz/other.fountain\"}}"),
                Arguments.of(8, doc + "}"),
                Arguments.of(9, "{\"settings\":{\"replique\":{\"completion\":{\"maxTokens\":3}}}}"));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "60s")
    void anyParamsAreAnsweredAndLeaveTheServerServing(@InRange(min = 0, max = 9) int method, @NotNull @WithUtf8Length(max = 4096) String params)
            throws Exception {
        RawLspClient c = client();
        boolean json = isJson(params);
        if (!json) {
            // Not JSON at all: the message is dropped (and logged); nothing may answer it, nothing may break.
            c.sendRaw(ServerHarness.frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"textDocument/completion\",\"params\":"
                    + params + "}").getBytes(StandardCharsets.UTF_8));
        } else if (method < REQUESTS.size()) {
            JsonObject response = c.await(c.request(REQUESTS.get(method), params), 30);
            assertThat(response.has("result") != response.has("error")).as("result or error: %s", response).isTrue();
            if (response.has("error")) {
                assertThat(response.getAsJsonObject("error").get("code").getAsInt())
                        .as("an error for bad params is not an internal error: %s", response).isNotEqualTo(INTERNAL_ERROR);
            }
        } else {
            c.notify(NOTIFICATIONS.get(method - REQUESTS.size()), params);
        }

        // The server still answers, and what it holds is consistent.
        CompletableFuture<JsonObject> ping = c.request("workspace/executeCommand", "{\"command\":\"replique.status\"}");
        assertThat(c.await(ping, 30).has("result")).isTrue();
        assertThat(c.serving()).isTrue();
        for (String uri : c.documents.uris()) {
            TextDocument d = c.documents.get(uri).orElse(null);
            if (d == null) continue;
            checkPositions(d);
            JsonObject symbols = c.await(c.request("textDocument/documentSymbol",
                    "{\"textDocument\":{\"uri\":" + RawLspClient.quote(uri) + "}}"), 30);
            if (symbols.has("result") && symbols.get("result").isJsonArray() && c.documents.get(uri).orElse(null) == d) {
                insideDocument(d, symbols.getAsJsonArray("result"));
            }
        }
    }

    private static boolean isJson(String s) {
        try {
            JsonElement e = JsonParser.parseString(s);
            return e != null && !s.isBlank();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Every offset maps to a position that maps back to it (lines split as LSP splits them). */
    private static void checkPositions(TextDocument d) {
        String text = d.text();
        int step = Math.max(1, text.length() / 64);
        for (int o = 0; o <= text.length(); o += step) {
            boolean insideCrLf = o > 0 && o < text.length() && text.charAt(o - 1) == '\r' && text.charAt(o) == '\n';
            if (insideCrLf) continue;
            Position p = d.position(o);
            assertThat(d.offset(p)).as("offset of %s (from %d) in %s", p, o, d.uri()).isEqualTo(o);
        }
    }

    private static void insideDocument(TextDocument d, JsonArray symbols) {
        for (JsonElement s : symbols) {
            JsonObject o = s.getAsJsonObject();
            for (String key : List.of("range", "selectionRange")) {
                if (!o.has(key)) continue;
                for (String end : List.of("start", "end")) {
                    JsonObject p = o.getAsJsonObject(key).getAsJsonObject(end);
                    int line = p.get("line").getAsInt();
                    int character = p.get("character").getAsInt();
                    assertThat(line).as("%s of %s in %s", end, o, d.uri()).isBetween(0, d.lineCount() - 1);
                    assertThat(character).as("%s of %s in %s", end, o, d.uri()).isBetween(0, d.line(line).length());
                }
            }
            if (o.has("children")) insideDocument(d, o.getAsJsonArray("children"));
        }
    }
}

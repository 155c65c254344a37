package org.replique.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.junit.jupiter.api.Test;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.lsp.ScriptedClient;
import org.replique.fixtures.lsp.Texts;

/**
 * A soak of the packaged server ({@code replique serve} over stdio, the embedded demo model): a
 * scripted client sends {@value #DEFAULT_MESSAGES} (or {@code -Dreplique.soak.messages}) random
 * messages — edits anywhere (multi-line, CRLF, accents, past the end of lines and of the document),
 * inline and cue requests, cancellations, closes and reopens, commands (generating dialogue whose
 * edit the client applies and sends back), malformed JSON, wrong param types, unknown methods,
 * out-of-range positions — and after every {@value #BATCH} checks that every request was answered,
 * that the server answers a ping, and that every document it holds is exactly the client's.
 * {@code -Dreplique.soak.seed} replays a run.
 */
class LspSoakIT {
    static final int DEFAULT_MESSAGES = 10_000;
    static final int BATCH = 100;
    private static final int EVERY = Integer.getInteger("replique.soak.batch", BATCH);
    private static final int MESSAGES = Integer.getInteger("replique.soak.messages", DEFAULT_MESSAGES);
    private static final long SEED = Long.getLong("replique.soak.seed", System.nanoTime());
    private static final String[] INSERTS = {"a", "e", "é", " ", "\n", "\r\n", "MARIE\n", "- Oui.\n", "[Paul:] Non ",
            "(à part)", "ç", "😀", "\t", "INT. SALON - JOUR\n\n", "— ", "Ah ! ", "", "\r"};

    enum Kind { EDIT, EDIT_PAST_END, INLINE, INLINE_CANCELLED, CUE, CLOSE_REOPEN, STATUS, GENERATE, RELOAD,
        MALFORMED_JSON, WRONG_TYPES, UNKNOWN_METHOD, OUT_OF_RANGE, SYMBOLS }

    /** How often each kind is sent, per thousand. */
    private static final Map<Kind, Integer> WEIGHTS = new EnumMap<>(Map.ofEntries(
            Map.entry(Kind.EDIT, 520), Map.entry(Kind.EDIT_PAST_END, 30), Map.entry(Kind.INLINE, 150),
            Map.entry(Kind.INLINE_CANCELLED, 60), Map.entry(Kind.CUE, 40), Map.entry(Kind.CLOSE_REOPEN, 15),
            Map.entry(Kind.STATUS, 20), Map.entry(Kind.GENERATE, 12), Map.entry(Kind.RELOAD, 3),
            Map.entry(Kind.MALFORMED_JSON, 30), Map.entry(Kind.WRONG_TYPES, 40), Map.entry(Kind.UNKNOWN_METHOD, 30),
            Map.entry(Kind.OUT_OF_RANGE, 30), Map.entry(Kind.SYMBOLS, 20)));

    private final Random random = new Random(SEED);
    private final Map<Kind, Integer> sent = new EnumMap<>(Kind.class);
    private final List<CompletableFuture<?>> pending = new ArrayList<>();
    private final Map<String, String> languages = new java.util.LinkedHashMap<>();
    /** The last messages sent, for the report of a failure. */
    private final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();

    @Test
    void theServerSurvivesRandomMessagesAndHoldsTheClientsDocuments() throws Exception {
        System.out.println("LspSoakIT: " + MESSAGES + " messages, seed " + SEED + " (-Dreplique.soak.seed to replay)");
        Path jar = Path.of(System.getProperty("replique.jar"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dreplique.debugRequests=true",
                "-jar", jar.toString(), "serve");
        long start = System.nanoTime();
        try (ScriptedClient client = ScriptedClient.spawn(command)) {
            client.syncAppliedEdits(true);
            client.initialize(JsonParser.parseString("{\"completion\": {\"debounceMs\": 0, \"maxTokens\": 8,"
                    + " \"timeBudgetMs\": 1000}, \"prompt\": {\"contextBudget\": 256}}"));
            client.awaitStatus("ready");
            open(client, "file:///soak/precieuses.txt", "plays/moliere-precieuses-ridicules.play.txt", "plaintext");
            open(client, "file:///soak/brick.fountain", "fountain/brick-and-steel.fountain", "fountain");
            open(client, "file:///soak/dandin.txt", "dialogues/moliere-george-dandin.named.txt", "plaintext");

            for (int n = 1; n <= MESSAGES; n++) {
                send(client, pick(), n);
                if (n % EVERY == 0 || n == MESSAGES) checkpoint(client, n);
            }
            client.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "LspSoakIT: %d messages in %.0f s, no server death, no divergent"
                + " document; sent %s%n", MESSAGES, seconds, sent);
    }

    private void open(ScriptedClient client, String uri, String fixture, String language) throws Exception {
        String text = Files.readString(Fixtures.file("documents/" + fixture), StandardCharsets.UTF_8);
        languages.put(uri, language);
        client.open(uri, language, text);
    }

    private Kind pick() {
        int x = random.nextInt(1000);
        for (var e : WEIGHTS.entrySet()) {
            x -= e.getValue();
            if (x < 0) return e.getKey();
        }
        return Kind.EDIT;
    }

    private String anyDocument() {
        List<String> uris = new ArrayList<>(languages.keySet());
        return uris.get(random.nextInt(uris.size()));
    }

    private Position anyPosition(String text) {
        return Texts.position(text, whole(text, random.nextInt(text.length() + 1)));
    }

    /**
     * The offset, moved off the middle of a surrogate pair: an editor never splits a character,
     * and half of one cannot travel in JSON (it arrives as '?').
     */
    private static int whole(String text, int offset) {
        return offset > 0 && offset < text.length() && Character.isHighSurrogate(text.charAt(offset - 1))
                && Character.isLowSurrogate(text.charAt(offset)) ? offset - 1 : offset;
    }

    private void send(ScriptedClient client, Kind kind, int n) throws Exception {
        sent.merge(kind, 1, Integer::sum);
        String uri = anyDocument();
        recent.addLast(n + " " + kind + " " + uri);
        if (recent.size() > 12) recent.removeFirst();
        String text = client.text(uri);
        switch (kind) {
            case EDIT -> {
                int from = whole(text, random.nextInt(text.length() + 1));
                int to = whole(text, Math.min(text.length(), from + (random.nextInt(4) == 0 ? random.nextInt(200)
                        : random.nextInt(3))));
                client.change(uri, new Range(Texts.position(text, from), Texts.position(text, to)),
                        INSERTS[random.nextInt(INSERTS.length)]);
            }
            case EDIT_PAST_END -> {
                Position at = anyPosition(text);
                Position past = random.nextBoolean() ? new Position(at.getLine(), at.getCharacter() + 1000)
                        : new Position(at.getLine() + 100_000, random.nextInt(50));
                client.change(uri, new Range(at, past), INSERTS[random.nextInt(INSERTS.length)]);
            }
            case INLINE -> {
                Position p = anyPosition(text);
                pending.add(client.inlineAsync(uri, p.getLine(), p.getCharacter(),
                        random.nextBoolean() ? InlineCompletionTriggerKind.Automatic : InlineCompletionTriggerKind.Invoked));
            }
            case INLINE_CANCELLED -> {
                Position p = anyPosition(text);
                CompletableFuture<?> f = client.inlineAsync(uri, p.getLine(), p.getCharacter(),
                        InlineCompletionTriggerKind.Automatic);
                f.cancel(true); // lsp4j sends $/cancelRequest
            }
            case CUE -> {
                Position p = anyPosition(text);
                pending.add(client.server().getTextDocumentService().completion(new org.eclipse.lsp4j.CompletionParams(
                        new org.eclipse.lsp4j.TextDocumentIdentifier(uri), p)));
            }
            case CLOSE_REOPEN -> {
                client.close(uri);
                client.open(uri, languages.get(uri), text);
            }
            case STATUS -> pending.add(client.server().getWorkspaceService().executeCommand(
                    new org.eclipse.lsp4j.ExecuteCommandParams("replique.status", List.of())));
            case GENERATE -> {
                Position p = anyPosition(text);
                JsonObject args = new JsonObject();
                args.addProperty("uri", uri);
                args.add("position", new Gson().toJsonTree(p));
                args.addProperty("turns", 1);
                pending.add(client.server().getWorkspaceService().executeCommand(
                        new org.eclipse.lsp4j.ExecuteCommandParams("replique.generateDialogue", List.of(args))));
            }
            case RELOAD -> pending.add(client.server().getWorkspaceService().executeCommand(
                    new org.eclipse.lsp4j.ExecuteCommandParams("replique.reloadModel", List.of())));
            case MALFORMED_JSON -> {
                String[] broken = {"{\"jsonrpc\":\"2.0\",\"id\":\"raw-" + n + "\",\"method\":\"textDocument/inlineCompletion\",\"par",
                        "not json at all", "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{]}", "",
                        "[1,2,", "{\"jsonrpc\":\"2.0\",\"id\":\"raw-" + n + "\",\"method\":null}"};
                raw(client, broken[random.nextInt(broken.length)]);
            }
            case WRONG_TYPES -> {
                String[] wrong = {
                    "{\"jsonrpc\":\"2.0\",\"id\":\"raw-" + n + "\",\"method\":\"textDocument/inlineCompletion\",\"params\":"
                            + "{\"textDocument\":{\"uri\":42},\"position\":\"here\",\"context\":{\"triggerKind\":\"x\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\""
                            + uri + "\",\"version\":\"x\"},\"contentChanges\":7}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\""
                            + uri + "\"},\"contentChanges\":[{\"range\":\"all\",\"text\":5}]}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":\"raw-" + n + "\",\"method\":\"textDocument/completion\",\"params\":[1,2,3]}",
                    "{\"jsonrpc\":\"2.0\",\"id\":\"raw-" + n + "\",\"method\":\"workspace/executeCommand\",\"params\":"
                            + "{\"command\":\"replique.generateDialogue\",\"arguments\":[{\"uri\":\"" + uri
                            + "\",\"position\":{\"line\":\"x\"},\"turns\":1e9}]}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"workspace/didChangeConfiguration\",\"params\":{\"settings\":"
                            + "{\"replique\":{\"completion\":{\"maxTokens\":-5,\"debounceMs\":\"soon\"}}}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":null}}}"};
                raw(client, wrong[random.nextInt(wrong.length)]);
            }
            case UNKNOWN_METHOD -> raw(client, random.nextBoolean()
                    ? "{\"jsonrpc\":\"2.0\",\"id\":\"raw-" + n + "\",\"method\":\"replique/noSuchMethod\",\"params\":{}}"
                    : "{\"jsonrpc\":\"2.0\",\"method\":\"foo/bar\",\"params\":{\"x\":1}}");
            case OUT_OF_RANGE -> {
                int line = random.nextBoolean() ? -1 - random.nextInt(5) : 1_000_000 + random.nextInt(5);
                int character = random.nextBoolean() ? -1 : Integer.MAX_VALUE;
                pending.add(client.inlineAsync(uri, line, character, InlineCompletionTriggerKind.Invoked));
            }
            case SYMBOLS -> pending.add(client.server().getTextDocumentService().documentSymbol(
                    new org.eclipse.lsp4j.DocumentSymbolParams(new org.eclipse.lsp4j.TextDocumentIdentifier(uri))));
        }
    }

    /** Sends bytes by hand; their ids ("raw-N") never meet the client's own (numbers). */
    private static void raw(ScriptedClient client, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        client.sendRaw(("Content-Length: " + body.length + "\r\n\r\n" + json).getBytes(StandardCharsets.UTF_8));
    }

    /** Every request answered, the server answers a ping, and holds exactly the client's documents. */
    private void checkpoint(ScriptedClient client, int n) throws Exception {
        for (CompletableFuture<?> f : pending) {
            try {
                f.get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // an error response is an answer (a reload superseded, bad arguments)
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("a request was not answered within 120 s (message " + n + ", seed " + SEED + ")");
            }
        }
        pending.clear();
        Object status = ScriptedClient.await(client.server().getWorkspaceService().executeCommand(
                new org.eclipse.lsp4j.ExecuteCommandParams("replique.status", List.of())));
        assertThat(status).as("ping after message %d", n).isNotNull();
        for (String uri : languages.keySet()) {
            String server = client.serverText(uri);
            assertThat(server).as("the server holds %s after message %d (seed %d); last sent: %s", uri, n, SEED, recent)
                    .isNotNull();
            String mine = client.text(uri);
            if (!server.equals(mine)) {
                int at = 0;
                while (at < Math.min(server.length(), mine.length()) && server.charAt(at) == mine.charAt(at)) at++;
                throw new AssertionError("document " + uri + " diverged by message " + n + " (seed " + SEED
                        + ") at offset " + at + ": server «" + excerpt(server, at) + "», client «" + excerpt(mine, at)
                        + "»; last sent: " + recent);
            }
        }
    }

    private static String excerpt(String s, int at) {
        return s.substring(Math.max(0, at - 20), Math.min(s.length(), at + 20)).replace("\n", "⏎").replace("\r", "␍");
    }
}

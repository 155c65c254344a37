package org.replique.server.lsp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.lsp.ScriptedClient;
import org.replique.server.inject.Injection;
import org.replique.server.model.ModelService;

/**
 * A real server (the Guice graph {@code replique serve} uses) connected to the scripted client
 * through in-process pipes: the JSON-RPC messages are the ones a subprocess would exchange.
 */
public final class ServerHarness implements AutoCloseable {
    public final ScriptedClient client;
    public final RepliqueLanguageServer server;
    /** What the server answered to {@code initialize}. */
    public org.eclipse.lsp4j.InitializeResult initializeResult;
    private final PipedOutputStream toServer;
    public final ModelService models;
    private final CompletableFuture<Void> serving;

    private ServerHarness() throws IOException {
        var injector = Injection.injector();
        server = injector.getInstance(RepliqueLanguageServer.class);
        models = injector.getInstance(ModelService.class);
        PipedInputStream serverIn = new PipedInputStream(1 << 20);
        toServer = new PipedOutputStream(serverIn);
        PipedInputStream clientIn = new PipedInputStream(1 << 20);
        PipedOutputStream serverOut = new PipedOutputStream(clientIn);
        serving = LspConnection.serve(server, serverIn, serverOut);
        client = ScriptedClient.connect(clientIn, toServer);
    }

    /** A server initialized with these options (JSON text, may be "{}"), its model ready. */
    public static ServerHarness ready(String options) throws IOException {
        ServerHarness h = new ServerHarness();
        h.initializeResult = h.client.initialize(JsonParser.parseString(options));
        h.client.awaitStatus("ready");
        return h;
    }

    /** Initialized but not waiting for the model. */
    public static ServerHarness started(JsonElement options) throws IOException {
        ServerHarness h = new ServerHarness();
        h.initializeResult = h.client.initialize(options);
        return h;
    }

    /** Initialized by a client that opened {@code folder} as its workspace, not waiting for the model. */
    public static ServerHarness startedIn(java.nio.file.Path folder, String options) throws IOException {
        ServerHarness h = new ServerHarness();
        h.initializeResult = h.client.initialize(JsonParser.parseString(options), ScriptedClient.capabilities(),
                java.util.List.of(folder.toUri().toString()));
        return h;
    }

    /** Initialized by a client with these capabilities (to behave like a particular editor). */
    public static ServerHarness started(JsonElement options, org.eclipse.lsp4j.ClientCapabilities capabilities)
            throws IOException {
        ServerHarness h = new ServerHarness();
        h.initializeResult = h.client.initialize(options, capabilities);
        return h;
    }

    /** Initialized by a client that lacks one text-document capability (e.g. {@code inlineCompletion}). */
    public static ServerHarness startedWithout(String capability) throws IOException {
        var caps = ScriptedClient.capabilities();
        if (capability.equals("inlineCompletion")) caps.getTextDocument().setInlineCompletion(null);
        return started(new JsonObject(), caps);
    }

    /** Writes raw bytes to the server's input, as a misbehaving client would. */
    public void sendRaw(String frame) throws IOException {
        synchronized (toServer) {
            toServer.write(frame.getBytes(StandardCharsets.UTF_8));
            toServer.flush();
        }
    }

    /** A JSON-RPC message with its Content-Length header. */
    public static String frame(String json) {
        return "Content-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
    }

    public static String document(String relative) throws IOException {
        return Files.readString(Fixtures.file("documents/" + relative), StandardCharsets.UTF_8);
    }

    /** 0-based index of the {@code occurrence}-th (0-based) line equal to {@code line}. */
    public static int lineOf(String text, String line, int occurrence) {
        String[] lines = text.split("\n", -1);
        int seen = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].stripTrailing().equals(line) && seen++ == occurrence) return i;
        }
        throw new AssertionError("no line '" + line + "' #" + occurrence);
    }

    public static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    public boolean serving() {
        return !serving.isDone();
    }

    @Override
    public void close() {
        client.close();
        models.close();
        try {
            toServer.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}

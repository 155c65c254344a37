package org.replique.server.lsp;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.replique.server.inject.Injection;
import org.replique.server.documents.DocumentStore;
import org.replique.server.model.ModelService;

/**
 * A client that speaks JSON-RPC by hand to a real server (the Guice graph {@code replique serve}
 * uses, through in-process pipes): it sends any bytes, matches responses to request ids, and
 * answers the server's own requests with null, so that a test sees exactly what the server sent.
 */
final class RawLspClient implements AutoCloseable {
    final RepliqueLanguageServer server;
    final DocumentStore documents;
    final ModelService models;
    private final OutputStream toServer;
    private final InputStream fromServer;
    private final Map<String, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1_000_000);
    private final CompletableFuture<Void> serving;
    private final Thread reader;

    RawLspClient() throws IOException {
        var injector = Injection.injector();
        server = injector.getInstance(RepliqueLanguageServer.class);
        documents = injector.getInstance(DocumentStore.class);
        models = injector.getInstance(ModelService.class);
        PipedInputStream serverIn = new PipedInputStream(1 << 20);
        toServer = new PipedOutputStream(serverIn);
        PipedInputStream clientIn = new PipedInputStream(1 << 20);
        PipedOutputStream serverOut = new PipedOutputStream(clientIn);
        fromServer = clientIn;
        serving = LspConnection.serve(server, serverIn, serverOut);
        reader = Thread.ofPlatform().daemon().name("raw-lsp-reader").start(this::readLoop);
    }

    /** Sends a request whose params are given as raw JSON text, and returns its response's future. */
    CompletableFuture<JsonObject> request(String method, String paramsJson) throws IOException {
        String id = String.valueOf(ids.incrementAndGet());
        CompletableFuture<JsonObject> response = new CompletableFuture<>();
        pending.put(id, response);
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":" + quote(method) + ",\"params\":" + paramsJson + "}");
        return response;
    }

    /** The response to a request, or a failure when none came within {@code seconds}. */
    JsonObject await(CompletableFuture<JsonObject> response, int seconds) throws Exception {
        return response.get(seconds, TimeUnit.SECONDS);
    }

    void notify(String method, String paramsJson) throws IOException {
        send("{\"jsonrpc\":\"2.0\",\"method\":" + quote(method) + ",\"params\":" + paramsJson + "}");
    }

    /** Sends a message body with its header. */
    void send(String json) throws IOException {
        sendRaw(ServerHarness.frame(json).getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        synchronized (toServer) {
            toServer.write(bytes);
            toServer.flush();
        }
    }

    boolean serving() {
        return !serving.isDone();
    }

    static String quote(String s) {
        return new com.google.gson.JsonPrimitive(s).toString();
    }

    private void readLoop() {
        try {
            while (true) {
                int length = -1;
                String line;
                while (!(line = header()).isEmpty()) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring("content-length:".length()).trim());
                    }
                }
                byte[] body = fromServer.readNBytes(length);
                if (body.length < length) return;
                JsonObject message = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
                JsonElement id = message.get("id");
                if (message.has("method")) {
                    if (id != null) { // the server's own request: answer it
                        JsonObject answer = new JsonObject();
                        answer.addProperty("jsonrpc", "2.0");
                        answer.add("id", id);
                        answer.add("result", JsonNull.INSTANCE);
                        send(answer.toString());
                    }
                } else if (id != null && !id.isJsonNull()) {
                    CompletableFuture<JsonObject> f = pending.remove(id.getAsString());
                    if (f != null) f.complete(message);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the server closed its end
        }
    }

    private String header() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = fromServer.read()) != -1) {
            if (c == '\n') break;
            if (c != '\r') line.write(c);
        }
        if (c == -1) throw new IOException("end of stream");
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        models.close();
        try {
            toServer.close();
        } catch (IOException ignored) {
            // already closed
        }
        reader.interrupt();
    }
}

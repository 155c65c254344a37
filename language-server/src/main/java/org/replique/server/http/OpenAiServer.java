package org.replique.server.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.replique.server.openai.ApiError;

/**
 * {@code replique serve --http}: the engine behind the OpenAI completions API, for a room of
 * writers sharing one machine. {@code GET /v1/models}, {@code POST /v1/completions} (streamed or
 * not), {@code POST /tokenize} (vLLM's and llama-server's shapes) and {@code GET /health}.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}: no dependency to keep up, and a
 * fixed-length or chunked body whose {@code flush()} puts each server-sent event on the wire at
 * once. Each exchange runs on its own virtual thread; the model is shared through the fair queue
 * ({@code slots} requests at once, a bounded number waiting) and the session router (a KV cache
 * per writer, found by prompt prefix).
 */
public final class OpenAiServer implements AutoCloseable {

    static {
        // Server-sent events are small writes: without this, Nagle's algorithm holds each one back.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /**
     * How to serve.
     *
     * @param apiKey  null for none (loopback only)
     * @param slots   requests generating at once
     * @param waiting requests that may wait for a slot before the server answers 503
     */
    public record Options(InetAddress address, int port, String apiKey, int slots, int waiting) {}

    private final HttpServer http;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ServedModel served;
    private final FairQueue queue;
    private final SessionRouter router;
    private final ServerStats stats = new ServerStats();
    private final long created = System.currentTimeMillis() / 1000;

    private OpenAiServer(ServedModel served, Options options) throws IOException {
        Access.check(options.address(), options.apiKey());
        if (options.slots() > served.sessionCount()) {
            throw new IllegalArgumentException("--parallel " + options.slots() + " needs at least as many sessions, not "
                    + served.sessionCount());
        }
        this.served = served;
        this.queue = new FairQueue(options.slots(), options.waiting());
        this.router = new SessionRouter(served.sessionCount());
        this.http = HttpServer.create(new InetSocketAddress(options.address(), options.port()), 128);
        Access access = new Access(options.apiKey(), stats);
        context("/v1/completions", new CompletionsHandler(served, queue, router, stats), access);
        context("/v1/models", this::models, access);
        context("/tokenize", this::tokenize, access);
        context("/health", this::health, access);
        context("/", exchange -> {
            try (exchange) {
                Exchanges.error(exchange, ApiError.notFound("no such endpoint: " + exchange.getRequestURI().getPath()
                        + " (this server answers /v1/completions, /v1/models, /tokenize and /health)", null));
            }
        }, access);
        http.setExecutor(threads);
    }

    /**
     * Refuses a non-loopback address without an API key ({@link IllegalArgumentException}): to be
     * asked before a model is loaded for nothing.
     */
    public static void checkAccess(InetAddress address, String apiKey) {
        Access.check(address, apiKey);
    }

    /** Binds and starts serving; throws {@link IllegalArgumentException} for a non-loopback address without a key. */
    public static OpenAiServer start(ServedModel served, Options options) throws IOException {
        OpenAiServer s = new OpenAiServer(served, options);
        s.http.start();
        return s;
    }

    /** The port it listens on (the one chosen by the system when 0 was asked). */
    public int port() {
        return http.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    public ServerStats stats() {
        return stats;
    }

    private void context(String path, HttpHandler handler, Access access) {
        HttpContext c = http.createContext(path, handler);
        c.getFilters().add(access);
    }

    private void models(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!Exchanges.method(exchange, "GET")) return;
            JsonObject model = new JsonObject();
            model.addProperty("id", served.name());
            model.addProperty("object", "model");
            model.addProperty("created", created);
            model.addProperty("owned_by", "replique");
            model.addProperty("max_model_len", served.contextLength());
            JsonArray data = new JsonArray();
            data.add(model);
            JsonObject list = new JsonObject();
            list.addProperty("object", "list");
            list.add("data", data);
            Exchanges.json(exchange, 200, list);
        }
    }

    /**
     * Token ids of a text: vLLM's body ({@code prompt}, {@code add_special_tokens}, default true)
     * or llama-server's ({@code content}, {@code add_special}, default false).
     */
    private void tokenize(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!Exchanges.method(exchange, "POST")) return;
            try {
                JsonElement body = Exchanges.body(exchange);
                if (body == null || !body.isJsonObject()) throw ApiError.invalid(null, "the body must be a JSON object");
                JsonObject o = body.getAsJsonObject();
                boolean llama = !o.has("prompt") && o.has("content");
                String textKey = llama ? "content" : "prompt";
                String specialKey = llama ? "add_special" : "add_special_tokens";
                if (!o.has(textKey) || !o.get(textKey).isJsonPrimitive() || !o.get(textKey).getAsJsonPrimitive().isString()) {
                    throw ApiError.invalid("prompt", "prompt (or content) must be a string");
                }
                boolean special = o.has(specialKey) && o.get(specialKey).isJsonPrimitive() ? o.get(specialKey).getAsBoolean()
                        : !llama;
                String text = o.get(textKey).getAsString();
                int[] ids = text.isEmpty() ? new int[0]
                        : served.tokenizer().encode(text, special && served.tokenizer().vocabulary().addBos(), false);
                JsonArray tokens = new JsonArray();
                for (int id : ids) tokens.add(id);
                JsonObject answer = new JsonObject();
                answer.add("tokens", tokens);
                answer.addProperty("count", ids.length);
                answer.addProperty("max_model_len", served.contextLength());
                Exchanges.json(exchange, 200, answer);
            } catch (ApiError e) {
                Exchanges.error(exchange, e);
            }
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!Exchanges.method(exchange, "GET")) return;
            JsonObject o = new JsonObject();
            o.addProperty("status", "ok");
            o.addProperty("model", served.name());
            o.addProperty("slots", queue.slots());
            o.addProperty("running", queue.running());
            o.addProperty("waiting", queue.waiting());
            o.addProperty("sessions", router.size());
            o.addProperty("completed", stats.completed());
            o.addProperty("refused", stats.refused());
            Exchanges.json(exchange, 200, o);
        }
    }

    /** Stops accepting, lets running exchanges end for up to a second, then frees the model. */
    @Override
    public void close() {
        http.stop(1);
        threads.shutdownNow();
        served.close();
    }
}

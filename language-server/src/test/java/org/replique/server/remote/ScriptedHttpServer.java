package org.replique.server.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A server that misbehaves on cue, for the failures a real one cannot be made to show on demand:
 * each request to {@code /v1/completions} takes the next scripted answer (an error status with
 * its body and headers, a stream of texts, or silence until the client gives up). Every request
 * is recorded.
 */
final class ScriptedHttpServer implements AutoCloseable {

    /** One scripted answer. */
    sealed interface Answer permits Status, Stream, Stall {}

    record Status(int code, String body, String retryAfter) implements Answer {}

    /** Streams each text as a chunk of choice 0, then a finish reason, then [DONE]. */
    record Stream(List<String> texts, String finishReason) implements Answer {}

    /** Accepts the request and sends nothing until the client leaves (or the server closes). */
    record Stall() implements Answer {}

    private final HttpServer http;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch closing = new CountDownLatch(1);

    ScriptedHttpServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/v1/models", e -> answer(e, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"claire\",\"object\":\"model\"}]}", null));
        http.createContext("/v1/completions", this::complete);
        http.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1";
    }

    ScriptedHttpServer then(Answer a) {
        script.add(a);
        return this;
    }

    private void complete(HttpExchange e) throws IOException {
        try (e) {
            requests.add(new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorizations.add(e.getRequestHeaders().getFirst("Authorization"));
            Answer a = script.poll();
            if (a == null) a = new Status(500, "{\"error\":{\"message\":\"nothing scripted\"}}", null);
            switch (a) {
                case Status s -> answer(e, s.code(), s.body(), s.retryAfter());
                case Stream s -> {
                    e.getResponseHeaders().set("Content-Type", "text/event-stream");
                    e.sendResponseHeaders(200, 0);
                    OutputStream out = e.getResponseBody();
                    for (String t : s.texts()) {
                        out.write(event("{\"choices\":[{\"index\":0,\"text\":" + quote(t) + ",\"finish_reason\":null}]}"));
                        out.flush();
                    }
                    out.write(event("{\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"" + s.finishReason() + "\"}]}"));
                    out.write(event("[DONE]"));
                }
                case Stall s -> {
                    try {
                        closing.await();
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    private static String quote(String s) {
        return new com.google.gson.JsonPrimitive(s).toString();
    }

    private static byte[] event(String data) {
        return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange e, int code, String body, String retryAfter) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) e.getResponseHeaders().set("Retry-After", retryAfter);
        e.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        http.stop(0);
    }
}

package org.replique.server.remote;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.replique.engine.backend.Cancellation;
import org.replique.server.openai.ApiError;
import org.replique.server.openai.CompletionChunk;
import org.replique.server.openai.CompletionRequest;
import org.replique.server.openai.ServerSentEvents;
import org.replique.server.remote.RemoteException.Kind;

/**
 * The HTTP side of an OpenAI-compatible server, on the JDK's {@link HttpClient}: the models it
 * serves, its tokenizer where it has one, and streamed completions. Every exchange is watched:
 * the caller's cancellation or a silent server ends it at once (see {@link Watchdog}). Errors come
 * out as {@link RemoteException}s; a cancelled exchange as {@link CancellationException}.
 */
public final class OpenAiClient implements AutoCloseable {
    /** Longest error body read. */
    private static final int ERROR_BODY_BYTES = 64 * 1024;

    /** A model the server lists; {@code maxModelLen} (vLLM and Réplique) is null when not given. */
    public record ModelInfo(String id, Integer maxModelLen) {}

    private final RemoteEndpoint endpoint;
    private final HttpClient http;
    private final Duration idleTimeout;
    private final Watchdog watchdog = new Watchdog();

    /**
     * @param connectTimeout how long a connection may take
     * @param idleTimeout    how long the server may stay silent (no headers, no bytes) before the
     *                       exchange counts as stalled
     */
    public OpenAiClient(RemoteEndpoint endpoint, Duration connectTimeout, Duration idleTimeout) {
        this.endpoint = endpoint;
        this.idleTimeout = idleTimeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public RemoteEndpoint endpoint() {
        return endpoint;
    }

    /** {@code GET /v1/models}. */
    public List<ModelInfo> models(Cancellation cancel) {
        JsonObject o = json(request(endpoint.api("/models")).GET().build(), cancel);
        if (!o.has("data") || !o.get("data").isJsonArray()) {
            throw new RemoteException(Kind.PROTOCOL, endpoint + "/models did not list models (no \"data\" array)");
        }
        List<ModelInfo> models = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("data")) {
            if (!e.isJsonObject() || !e.getAsJsonObject().has("id")) continue;
            JsonObject m = e.getAsJsonObject();
            Integer max = m.has("max_model_len") && m.get("max_model_len").isJsonPrimitive()
                    ? m.get("max_model_len").getAsInt() : null;
            models.add(new ModelInfo(m.get("id").getAsString(), max));
        }
        return models;
    }

    /**
     * The tokens of {@code text} on its own (no BOS) from the server's {@code POST /tokenize}: the
     * body carries both vLLM's fields ({@code prompt}, {@code add_special_tokens}) and
     * llama-server's ({@code content}, {@code add_special}); both answer {@code "tokens"}.
     * Throws a {@link Kind#NOT_FOUND} error where the server has no tokenizer endpoint.
     */
    public int tokenCount(String model, String text, Cancellation cancel) {
        JsonObject body = new JsonObject();
        if (model != null) body.addProperty("model", model);
        body.addProperty("prompt", text);
        body.addProperty("add_special_tokens", false);
        body.addProperty("content", text);
        body.addProperty("add_special", false);
        JsonObject o = json(post(endpoint.server("/tokenize"), body), cancel);
        if (o.has("tokens") && o.get("tokens").isJsonArray()) return o.getAsJsonArray("tokens").size();
        if (o.has("count") && o.get("count").isJsonPrimitive()) return o.get("count").getAsInt();
        throw new RemoteException(Kind.PROTOCOL, endpoint.server("/tokenize") + " answered without \"tokens\"");
    }

    /**
     * {@code POST /v1/completions}: hands each streamed chunk (or the whole answer, when the
     * server does not stream) to {@code onChunk} until it returns false, the stream ends, or
     * {@code cancel} fires; the exchange is then closed, which stops the server's generation.
     * Returns quietly when cancelled after the answer began.
     */
    public void complete(CompletionRequest request, Predicate<CompletionChunk> onChunk, Cancellation cancel) {
        HttpRequest r = post(endpoint.api("/completions"), request.toJson());
        CompletableFuture<HttpResponse<InputStream>> pending = http.sendAsync(r, HttpResponse.BodyHandlers.ofInputStream());
        try (Watchdog.Watch watch = watchdog.watch(pending, cancel, idleTimeout)) {
            HttpResponse<InputStream> response = await(pending, watch, cancel, r.uri());
            InputStream body = watch.body(response.body());
            if (response.statusCode() != 200) throw failure(response, body, r.uri());
            String type = response.headers().firstValue("Content-Type").orElse("");
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                if (type.startsWith("text/event-stream")) {
                    ServerSentEvents.Reader events = new ServerSentEvents.Reader(in);
                    String data;
                    while ((data = events.next()) != null && !data.equals(ServerSentEvents.DONE)) {
                        if (!onChunk.test(CompletionChunk.parse(JsonParser.parseString(data)))) return;
                    }
                } else {
                    onChunk.test(CompletionChunk.parse(JsonParser.parseReader(in)));
                }
            } catch (IOException e) {
                if (cancel.isCancelled()) return;
                if (watch.idleExpired()) throw stalled(r.uri());
                throw new RemoteException(Kind.UNREACHABLE, 0, "the connection to " + endpoint + " was lost: "
                        + e.getMessage(), null, e);
            } catch (JsonParseException | IllegalArgumentException | IllegalStateException e) {
                if (cancel.isCancelled()) return;
                throw new RemoteException(Kind.PROTOCOL, 0, r.uri() + " answered something other than completions: "
                        + e.getMessage(), null, e);
            }
        }
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(idleTimeout);
        if (endpoint.apiKey() != null) b.header("Authorization", "Bearer " + endpoint.apiKey());
        return b;
    }

    private HttpRequest post(URI uri, JsonObject body) {
        return request(uri).header("Content-Type", "application/json").header("Accept", "text/event-stream, application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
    }

    /** A whole JSON answer, watched as a stream is. */
    private JsonObject json(HttpRequest r, Cancellation cancel) {
        CompletableFuture<HttpResponse<InputStream>> pending = http.sendAsync(r, HttpResponse.BodyHandlers.ofInputStream());
        try (Watchdog.Watch watch = watchdog.watch(pending, cancel, idleTimeout)) {
            HttpResponse<InputStream> response = await(pending, watch, cancel, r.uri());
            InputStream body = watch.body(response.body());
            if (response.statusCode() != 200) throw failure(response, body, r.uri());
            try (InputStreamReader in = new InputStreamReader(body, StandardCharsets.UTF_8)) {
                JsonElement e = JsonParser.parseReader(in);
                if (!e.isJsonObject()) throw new JsonParseException("not a JSON object");
                return e.getAsJsonObject();
            } catch (IOException e) {
                if (cancel.isCancelled()) throw new CancellationException("cancelled");
                if (watch.idleExpired()) throw stalled(r.uri());
                throw new RemoteException(Kind.UNREACHABLE, 0, "the connection to " + endpoint + " was lost: "
                        + e.getMessage(), null, e);
            } catch (JsonParseException | IllegalStateException e) {
                throw new RemoteException(Kind.PROTOCOL, 0, r.uri() + " did not answer JSON: " + e.getMessage(), null, e);
            }
        }
    }

    private HttpResponse<InputStream> await(CompletableFuture<HttpResponse<InputStream>> pending, Watchdog.Watch watch,
                                            Cancellation cancel, URI uri) {
        try {
            return pending.get();
        } catch (CancellationException e) {
            if (watch.idleExpired()) throw stalled(uri);
            throw new CancellationException("cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.cancel(true);
            throw new CancellationException("interrupted");
        } catch (ExecutionException e) {
            if (cancel.isCancelled()) throw new CancellationException("cancelled");
            throw unreachable(e.getCause(), uri);
        }
    }

    private RemoteException unreachable(Throwable cause, URI uri) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return new RemoteException(Kind.UNREACHABLE, 0, "no connection to " + endpoint + " within the connect timeout",
                        null, cause);
            }
            if (t instanceof HttpTimeoutException) return stalled(uri);
            if (t instanceof ConnectException) {
                return new RemoteException(Kind.UNREACHABLE, 0, "cannot connect to " + endpoint + " (connection refused:"
                        + " is the server running?)", null, cause);
            }
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return new RemoteException(Kind.UNREACHABLE, 0, "cannot resolve the host of " + endpoint, null, cause);
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return new RemoteException(Kind.UNREACHABLE, 0, "TLS failed with " + endpoint + ": " + t.getMessage(),
                        null, cause);
            }
        }
        return new RemoteException(Kind.UNREACHABLE, 0, "cannot reach " + endpoint + ": " + cause, null, cause);
    }

    private RemoteException stalled(URI uri) {
        return new RemoteException(Kind.TIMEOUT, 0, uri + " sent nothing for " + idleTimeout.toMillis() + " ms", null, null);
    }

    /** The error an HTTP status stands for, with the server's own message. */
    private RemoteException failure(HttpResponse<?> response, InputStream body, URI uri) {
        int status = response.statusCode();
        String text;
        try (body) {
            text = new String(body.readNBytes(ERROR_BODY_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            text = "";
        }
        String said = text.isBlank() ? "" : ": " + ApiError.messageOf(text);
        Kind kind = RemoteException.kindOf(status);
        String message = switch (kind) {
            case UNAUTHORIZED -> uri + " refused the request (" + status + said + "); "
                    + (endpoint.apiKey() == null ? "it needs an API key: put it in an environment variable and name it in"
                    + " model.apiKeyEnv" : "check the API key in the variable model.apiKeyEnv names");
            case NOT_FOUND -> uri + " answered 404" + said + " (is model.name one of the server's models, and"
                    + " model.endpoint its base URL, e.g. http://host:8000/v1?)";
            case RATE_LIMITED -> uri + " is busy (429" + said + ")";
            case SERVER_ERROR -> uri + " failed (" + status + said + ")";
            default -> uri + " refused the request (" + status + said + ")";
        };
        return new RemoteException(kind, status, message, retryAfter(response), null);
    }

    /** {@code Retry-After} in seconds or as an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(HttpResponse<?> response) {
        String v = response.headers().firstValue("Retry-After").orElse(null);
        if (v == null) return null;
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip())));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v.strip(),
                        DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        watchdog.close();
        http.shutdownNow();
    }
}

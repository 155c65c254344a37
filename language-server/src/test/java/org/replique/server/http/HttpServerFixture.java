package org.replique.server.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.Model;

/**
 * A real {@code replique serve --http} in the test's process — the embedded demo model, the CPU
 * backend, an ephemeral port — and a plain HTTP client speaking to it as any OpenAI client does.
 */
public final class HttpServerFixture implements AutoCloseable {
    public static final String MODEL = "replique-mini-fr";

    public final OpenAiServer server;
    /** The paced backend, or null when the model runs at full speed. */
    public final PacedBackend paced;
    public final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String key;

    private HttpServerFixture(OpenAiServer server, PacedBackend paced, String key) {
        this.server = server;
        this.paced = paced;
        this.key = key;
    }

    /** A server on 127.0.0.1. */
    public static HttpServerFixture start(int slots, int waiting, int sessions, long pauseMillis) throws IOException {
        return start(InetAddress.getLoopbackAddress(), null, slots, waiting, sessions, pauseMillis);
    }

    public static HttpServerFixture start(InetAddress address, String key, int slots, int waiting, int sessions,
                                          long pauseMillis) throws IOException {
        Model model = Model.load(EmbeddedModel.path());
        Backend backend = Backends.create("cpu", model, new BackendOptions(1, "auto"));
        PacedBackend paced = pauseMillis > 0 ? new PacedBackend(backend, pauseMillis) : null;
        ServedModel served = ServedModel.of(MODEL, model, paced != null ? paced : backend,
                model.config().contextLength(), sessions);
        try {
            return new HttpServerFixture(OpenAiServer.start(served, new OpenAiServer.Options(address, 0, key, slots, waiting)),
                    paced, key);
        } catch (RuntimeException | IOException e) {
            served.close();
            throw e;
        }
    }

    /** The API's base URL, as a client is configured with it. */
    public String baseUrl() {
        String host = server.address().getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + server.port() + "/v1";
    }

    public URI uri(String path) {
        return URI.create(baseUrl().substring(0, baseUrl().length() - 3) + path);
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return b;
    }

    /** POSTs JSON and returns the answer as text. */
    public HttpResponse<String> post(String path, JsonObject body) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs JSON and returns the open streamed answer. */
    public HttpResponse<InputStream> stream(String path, JsonObject body) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    public static JsonObject json(String text) {
        JsonElement e = JsonParser.parseString(text);
        return e.getAsJsonObject();
    }

    public static BufferedReader lines(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** Waits up to {@code seconds} for {@code condition}. */
    public static boolean eventually(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < until) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        server.close();
        http.shutdownNow();
    }
}

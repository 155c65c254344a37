package org.replique.server.http;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.replique.server.openai.ApiError;

/** Reading and answering one exchange: JSON bodies, JSON answers, errors in the API's shape. */
final class Exchanges {
    static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    /** Largest request body read (a long prompt as token ids fits many times over). */
    static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    private Exchanges() {}

    static JsonElement body(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) throw new ApiError(413, "invalid_request_error", "the body is too large", null, null);
            if (bytes.length == 0) return null;
            return JsonParser.parseReader(new InputStreamReader(new java.io.ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ApiError.invalid(null, "could not read the body: " + e.getMessage());
        } catch (JsonParseException e) {
            throw ApiError.invalid(null, "the body is not JSON: " + e.getMessage());
        }
    }

    static void json(HttpExchange exchange, int status, JsonElement body) throws IOException {
        byte[] bytes = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void error(HttpExchange exchange, ApiError e) throws IOException {
        json(exchange, e.status(), e.toJson());
    }

    /** Refuses a method the path does not take. */
    static boolean method(HttpExchange exchange, String expected) throws IOException {
        if (exchange.getRequestMethod().equalsIgnoreCase(expected)) return true;
        exchange.getResponseHeaders().set("Allow", expected);
        error(exchange, new ApiError(405, "invalid_request_error", exchange.getRequestMethod() + " is not allowed on "
                + exchange.getRequestURI().getPath() + " (use " + expected + ")", null, null));
        return false;
    }
}

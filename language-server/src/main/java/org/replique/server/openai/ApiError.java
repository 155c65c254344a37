package org.replique.server.openai;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

/**
 * An error as the OpenAI API reports it: an HTTP status and
 * {@code {"error": {"message", "type", "param", "code"}}}.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiError(int status, String type, String message, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: the request itself is wrong; {@code param} names the field. */
    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", message, param, null);
    }

    public static ApiError notFound(String message, String code) {
        return new ApiError(404, "invalid_request_error", message, null, code);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public JsonObject toJson() {
        JsonObject e = new JsonObject();
        e.addProperty("message", getMessage());
        e.addProperty("type", type);
        if (param == null) e.add("param", JsonNull.INSTANCE); else e.addProperty("param", param);
        if (code == null) e.add("code", JsonNull.INSTANCE); else e.addProperty("code", code);
        JsonObject o = new JsonObject();
        o.add("error", e);
        return o;
    }

    /** The message of an error body in this shape (or a plain text body), for a client to show. */
    public static String messageOf(String body) {
        try {
            JsonObject o = com.google.gson.JsonParser.parseString(body).getAsJsonObject();
            if (o.has("error") && o.get("error").isJsonObject()) {
                JsonObject e = o.getAsJsonObject("error");
                if (e.has("message") && e.get("message").isJsonPrimitive()) return e.get("message").getAsString();
            }
            if (o.has("error") && o.get("error").isJsonPrimitive()) return o.get("error").getAsString();
            if (o.has("detail") && o.get("detail").isJsonPrimitive()) return o.get("detail").getAsString();
            if (o.has("message") && o.get("message").isJsonPrimitive()) return o.get("message").getAsString();
        } catch (RuntimeException e) {
            // not JSON: the text itself
        }
        String text = body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}

package org.replique.server.openai;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.replique.engine.generate.StopReason;

/**
 * A completion object ({@code "object": "text_completion"}): the whole answer, or one streamed
 * chunk of it — the API gives both the same shape. Streamed chunks carry the new text of one or
 * more choices; a choice's last chunk carries its {@code finish_reason}; with
 * {@code stream_options.include_usage}, a last chunk with no choices carries the usage.
 *
 * @param usage null when absent
 */
public record CompletionChunk(String id, long created, String model, List<Choice> choices, Usage usage) {

    /**
     * One choice (a candidate of one prompt: {@code index = prompt × n + candidate}).
     *
     * @param finishReason {@code stop} (end of sequence or a stop string), {@code length}
     *                     (max_tokens or the context), or null while it goes on
     * @param stopReason   the stop string that ended it (vLLM's {@code stop_reason}), or null
     */
    public record Choice(int index, String text, String finishReason, String stopReason) {}

    /**
     * Token counts.
     *
     * @param cachedTokens prompt tokens served from the cache ({@code prompt_tokens_details.cached_tokens})
     */
    public record Usage(int promptTokens, int completionTokens, int cachedTokens) {
        public JsonObject toJson() {
            JsonObject u = new JsonObject();
            u.addProperty("prompt_tokens", promptTokens);
            u.addProperty("completion_tokens", completionTokens);
            u.addProperty("total_tokens", promptTokens + completionTokens);
            JsonObject details = new JsonObject();
            details.addProperty("cached_tokens", cachedTokens);
            u.add("prompt_tokens_details", details);
            return u;
        }

        static Usage parse(JsonElement e) {
            if (e == null || !e.isJsonObject()) return null;
            JsonObject u = e.getAsJsonObject();
            int cached = 0;
            if (u.has("prompt_tokens_details") && u.get("prompt_tokens_details").isJsonObject()) {
                cached = intOr(u.getAsJsonObject("prompt_tokens_details"), "cached_tokens", 0);
            }
            return new Usage(intOr(u, "prompt_tokens", 0), intOr(u, "completion_tokens", 0), cached);
        }
    }

    /** The API's finish reason for the engine's: a natural end or a stop string is {@code stop}. */
    public static String finishReason(StopReason reason) {
        return switch (reason) {
            case END_OF_SEQUENCE, STOP_STRING -> "stop";
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            case CANCELLED -> null;
        };
    }

    /**
     * The JSON object. In a stream, {@code usageField} adds {@code "usage": null} to the chunks
     * before the last, as the API does when the usage was asked for.
     */
    public JsonObject toJson(boolean usageField) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("object", "text_completion");
        o.addProperty("created", created);
        o.addProperty("model", model);
        JsonArray a = new JsonArray();
        for (Choice c : choices) {
            JsonObject j = new JsonObject();
            j.addProperty("index", c.index());
            j.addProperty("text", c.text());
            j.add("logprobs", JsonNull.INSTANCE);
            if (c.finishReason() == null) j.add("finish_reason", JsonNull.INSTANCE);
            else j.addProperty("finish_reason", c.finishReason());
            if (c.stopReason() != null) j.addProperty("stop_reason", c.stopReason());
            a.add(j);
        }
        o.add("choices", a);
        if (usage != null) o.add("usage", usage.toJson());
        else if (usageField) o.add("usage", JsonNull.INSTANCE);
        return o;
    }

    /** Reads a completion object or chunk, as a server sends it; throws {@link IllegalArgumentException} when it is not one. */
    public static CompletionChunk parse(JsonElement e) {
        if (e == null || !e.isJsonObject()) throw new IllegalArgumentException("not a JSON object: " + e);
        JsonObject o = e.getAsJsonObject();
        if (o.has("error")) throw new IllegalArgumentException("the server reported: " + ApiError.messageOf(o.toString()));
        if (!o.has("choices") || !o.get("choices").isJsonArray()) {
            throw new IllegalArgumentException("no choices in " + abbreviate(o.toString()));
        }
        List<Choice> choices = new ArrayList<>();
        for (JsonElement c : o.getAsJsonArray("choices")) {
            if (!c.isJsonObject()) throw new IllegalArgumentException("a choice is not an object: " + c);
            JsonObject j = c.getAsJsonObject();
            String text = j.has("text") && j.get("text").isJsonPrimitive() ? j.get("text").getAsString() : "";
            String finish = j.has("finish_reason") && j.get("finish_reason").isJsonPrimitive()
                    ? j.get("finish_reason").getAsString() : null;
            String stop = j.has("stop_reason") && j.get("stop_reason").isJsonPrimitive()
                    && j.get("stop_reason").getAsJsonPrimitive().isString() ? j.get("stop_reason").getAsString() : null;
            choices.add(new Choice(intOr(j, "index", 0), text, finish, stop));
        }
        String id = o.has("id") && o.get("id").isJsonPrimitive() ? o.get("id").getAsString() : null;
        String model = o.has("model") && o.get("model").isJsonPrimitive() ? o.get("model").getAsString() : null;
        long created = o.has("created") && o.get("created").isJsonPrimitive() ? o.get("created").getAsLong() : 0;
        return new CompletionChunk(id, created, model, choices, Usage.parse(o.get("usage")));
    }

    private static int intOr(JsonObject o, String key, int fallback) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsInt() : fallback;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}

package org.replique.server.openai;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code POST /v1/completions} body as the OpenAI API documents it, with the sampling fields the
 * open servers add (llama-server's {@code top_k}, {@code min_p}, {@code repeat_penalty},
 * {@code repeat_last_n}; vLLM's {@code repetition_penalty}, {@code ignore_eos}): parsed by
 * {@code replique serve --http}, written by the remote backend. Fields a server does not know are
 * ignored by it, so the writer sends the extensions only when they differ from their neutral value.
 *
 * @param prompts      one or more prompts (the API's string, array of strings, array of token ids,
 *                     or array of such arrays)
 * @param topK         the most likely tokens kept; ≤ 0 keeps all
 * @param seed         null for a fresh random seed
 * @param includeUsage {@code stream_options.include_usage}: a last chunk with the usage
 * @param user         who asks (the API's end-user id): the server's unit of fairness and cache affinity
 */
public record CompletionRequest(String model, List<Prompt> prompts, int maxTokens, float temperature, int topK,
                                float topP, float minP, float repeatPenalty, int repeatLastN, Long seed,
                                List<String> stop, int n, boolean stream, boolean includeUsage, boolean ignoreEos,
                                String user) {

    /** The API's default for {@code max_tokens}. */
    public static final int DEFAULT_MAX_TOKENS = 16;
    /** Absent {@code top_k}: the model card's value for Claire. */
    public static final int DEFAULT_TOP_K = 10;
    public static final int DEFAULT_REPEAT_LAST_N = 64;
    public static final int MAX_N = 16;
    public static final int MAX_STOPS = 16;

    /** One prompt: its text, or its token ids (exactly one of the two). */
    public record Prompt(String text, int[] ids) {
        public static Prompt of(String text) {
            return new Prompt(text, null);
        }

        public static Prompt of(int[] ids) {
            return new Prompt(null, ids);
        }
    }

    public CompletionRequest {
        prompts = List.copyOf(prompts);
        stop = List.copyOf(stop);
    }

    /** Reads a request body; throws {@link ApiError} (400) naming the field that is wrong. */
    public static CompletionRequest parse(JsonElement body) {
        if (body == null || !body.isJsonObject()) throw ApiError.invalid(null, "the body must be a JSON object");
        JsonObject o = body.getAsJsonObject();
        rejectUnsupported(o);
        String model = string(o, "model");
        List<Prompt> prompts = prompts(o.get("prompt"));
        int maxTokens = integer(o, "max_tokens", DEFAULT_MAX_TOKENS, 0, 1_000_000);
        float temperature = number(o, "temperature", 1.0f, 0, 10);
        int topK = integer(o, "top_k", DEFAULT_TOP_K, Integer.MIN_VALUE, Integer.MAX_VALUE);
        float topP = number(o, "top_p", 1.0f, 0, 1);
        if (!(topP > 0)) throw ApiError.invalid("top_p", "top_p must be in (0, 1]");
        float minP = number(o, "min_p", 0f, 0, 1);
        float repeat = number(o, "repeat_penalty", Float.NaN, 0, 10);
        float repetition = number(o, "repetition_penalty", Float.NaN, 0, 10);
        if (!Float.isNaN(repeat) && !Float.isNaN(repetition) && repeat != repetition) {
            throw ApiError.invalid("repetition_penalty", "repeat_penalty and repetition_penalty differ; send one");
        }
        float penalty = !Float.isNaN(repeat) ? repeat : !Float.isNaN(repetition) ? repetition : 1.0f;
        if (!(penalty > 0)) throw ApiError.invalid("repeat_penalty", "repeat_penalty must be > 0");
        int repeatLastN = integer(o, "repeat_last_n", DEFAULT_REPEAT_LAST_N, 0, 1_000_000);
        Long seed = o.has("seed") && !o.get("seed").isJsonNull() ? (long) integer(o, "seed") : null;
        List<String> stop = stops(o.get("stop"));
        int n = integer(o, "n", 1, 1, MAX_N);
        boolean stream = bool(o, "stream");
        boolean includeUsage = false;
        if (o.has("stream_options") && !o.get("stream_options").isJsonNull()) {
            if (!o.get("stream_options").isJsonObject()) throw ApiError.invalid("stream_options", "stream_options must be an object");
            includeUsage = bool(o.getAsJsonObject("stream_options"), "include_usage");
        }
        boolean ignoreEos = bool(o, "ignore_eos");
        String user = string(o, "user");
        return new CompletionRequest(model, prompts, maxTokens, temperature, topK, topP, minP, penalty, repeatLastN,
                seed, stop, n, stream, includeUsage, ignoreEos, user);
    }

    /**
     * The body that asks a server for this request. Standard fields always; {@code top_k} and
     * {@code min_p}, which vLLM and llama-server both read, always; the repetition fields of both
     * servers only when a penalty applies; {@code ignore_eos} only when set.
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        if (model != null) o.addProperty("model", model);
        if (prompts.size() == 1) {
            o.add("prompt", json(prompts.getFirst()));
        } else {
            JsonArray a = new JsonArray();
            prompts.forEach(p -> a.add(json(p)));
            o.add("prompt", a);
        }
        o.addProperty("max_tokens", maxTokens);
        o.addProperty("temperature", temperature);
        o.addProperty("top_p", topP);
        o.addProperty("top_k", topK <= 0 ? -1 : topK);
        o.addProperty("min_p", minP);
        if (repeatPenalty != 1.0f) {
            o.addProperty("repeat_penalty", repeatPenalty);
            o.addProperty("repetition_penalty", repeatPenalty);
            o.addProperty("repeat_last_n", repeatLastN);
        }
        if (seed != null) o.addProperty("seed", seed);
        if (!stop.isEmpty()) {
            JsonArray a = new JsonArray();
            stop.forEach(a::add);
            o.add("stop", a);
        }
        o.addProperty("n", n);
        o.addProperty("stream", stream);
        if (stream && includeUsage) {
            JsonObject options = new JsonObject();
            options.addProperty("include_usage", true);
            o.add("stream_options", options);
        }
        if (ignoreEos) o.addProperty("ignore_eos", true);
        if (user != null) o.addProperty("user", user);
        return o;
    }

    private static JsonElement json(Prompt p) {
        if (p.text() != null) return new JsonPrimitive(p.text());
        JsonArray a = new JsonArray();
        for (int id : p.ids()) a.add(id);
        return a;
    }

    /** Options this server does not implement: refused rather than silently ignored. */
    private static void rejectUnsupported(JsonObject o) {
        if (bool(o, "echo")) throw ApiError.invalid("echo", "echo is not supported");
        if (o.has("suffix") && !o.get("suffix").isJsonNull() && !o.get("suffix").getAsString().isEmpty()) {
            throw ApiError.invalid("suffix", "suffix is not supported");
        }
        if (o.has("logprobs") && !o.get("logprobs").isJsonNull()) {
            throw ApiError.invalid("logprobs", "logprobs is not supported");
        }
        if (o.has("best_of") && !o.get("best_of").isJsonNull()
                && integer(o, "best_of") != (o.has("n") && !o.get("n").isJsonNull() ? integer(o, "n") : 1)) {
            throw ApiError.invalid("best_of", "best_of other than n is not supported");
        }
        for (String penalty : List.of("presence_penalty", "frequency_penalty")) {
            if (o.has(penalty) && !o.get(penalty).isJsonNull() && number(o, penalty, 0, -2, 2) != 0) {
                throw ApiError.invalid(penalty, penalty + " is not supported; use repeat_penalty");
            }
        }
        if (o.has("logit_bias") && o.get("logit_bias").isJsonObject() && !o.getAsJsonObject("logit_bias").isEmpty()) {
            throw ApiError.invalid("logit_bias", "logit_bias is not supported");
        }
    }

    private static List<Prompt> prompts(JsonElement e) {
        if (e == null || e.isJsonNull()) throw ApiError.invalid("prompt", "prompt is required");
        if (isString(e)) return List.of(Prompt.of(e.getAsString()));
        if (!e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw ApiError.invalid("prompt", "prompt must be a string, an array of strings, an array of token ids"
                    + " or an array of such arrays");
        }
        JsonArray a = e.getAsJsonArray();
        if (isNumber(a.get(0))) return List.of(Prompt.of(ids(a)));
        List<Prompt> prompts = new ArrayList<>();
        for (JsonElement p : a) {
            if (isString(p)) prompts.add(Prompt.of(p.getAsString()));
            else if (p.isJsonArray() && !p.getAsJsonArray().isEmpty()) prompts.add(Prompt.of(ids(p.getAsJsonArray())));
            else throw ApiError.invalid("prompt", "each prompt must be a string or a non-empty array of token ids");
        }
        return prompts;
    }

    private static int[] ids(JsonArray a) {
        int[] ids = new int[a.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonElement t = a.get(i);
            if (!isNumber(t) || t.getAsDouble() != Math.rint(t.getAsDouble()) || t.getAsDouble() < 0
                    || t.getAsDouble() > Integer.MAX_VALUE) {
                throw ApiError.invalid("prompt", "token ids must be non-negative integers, not " + t);
            }
            ids[i] = t.getAsInt();
        }
        return ids;
    }

    private static List<String> stops(JsonElement e) {
        if (e == null || e.isJsonNull()) return List.of();
        if (isString(e)) return e.getAsString().isEmpty() ? List.of() : List.of(e.getAsString());
        if (!e.isJsonArray()) throw ApiError.invalid("stop", "stop must be a string or an array of strings");
        List<String> stops = new ArrayList<>();
        for (JsonElement s : e.getAsJsonArray()) {
            if (!isString(s)) throw ApiError.invalid("stop", "stop must be a string or an array of strings");
            if (!s.getAsString().isEmpty()) stops.add(s.getAsString());
        }
        if (stops.size() > MAX_STOPS) throw ApiError.invalid("stop", "at most " + MAX_STOPS + " stop strings");
        return stops;
    }

    private static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    private static boolean isNumber(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return null;
        if (!isString(e)) throw ApiError.invalid(key, key + " must be a string");
        return e.getAsString();
    }

    private static boolean bool(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return false;
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())) throw ApiError.invalid(key, key + " must be true or false");
        return e.getAsBoolean();
    }

    private static long integer(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (!isNumber(e) || e.getAsDouble() != Math.rint(e.getAsDouble())) {
            throw ApiError.invalid(key, key + " must be an integer, not " + e);
        }
        return e.getAsLong();
    }

    private static int integer(JsonObject o, String key, int fallback, int min, int max) {
        if (!o.has(key) || o.get(key).isJsonNull()) return fallback;
        long v = integer(o, key);
        if (v < min || v > max) throw ApiError.invalid(key, key + " must be between " + min + " and " + max + ", not " + v);
        return (int) v;
    }

    private static float number(JsonObject o, String key, float fallback, float min, float max) {
        if (!o.has(key) || o.get(key).isJsonNull()) return fallback;
        JsonElement e = o.get(key);
        if (!isNumber(e)) throw ApiError.invalid(key, key + " must be a number, not " + e);
        float v = e.getAsFloat();
        if (!(v >= min && v <= max)) throw ApiError.invalid(key, key + " must be between " + min + " and " + max + ", not " + v);
        return v;
    }
}

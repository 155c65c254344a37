package org.replique.server.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.replique.server.config.ServerSettings.CompletionSettings;
import org.replique.server.config.ServerSettings.ModelSettings;
import org.replique.server.config.ServerSettings.PromptSettings;
import org.replique.server.config.ServerSettings.SamplingSettings;

/**
 * Reads client settings (initialization options or a configuration change) on top of the
 * settings in force. Every problem is collected with the key it concerns; the caller keeps the
 * old settings when there is any.
 */
public final class SettingsParser {

    /** The outcome: new settings, or the problems that prevented them. */
    public record Result(ServerSettings settings, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /** Backends a client may name: the built-in ones, and any other provider on the class path. */
    static final Set<String> BACKENDS;
    /** {@code model.weights}: as stored (""), or quantized at load. */
    static final Set<String> WEIGHTS = Set.of("", "q8_0", "q4_0");

    static {
        java.util.Set<String> names = new java.util.TreeSet<>(List.of("cpu", "tornadovm", ModelSettings.REMOTE));
        org.replique.engine.backend.Backends.providers().forEach(p -> names.add(p.name()));
        BACKENDS = java.util.Set.copyOf(names);
    }

    private final List<String> problems = new ArrayList<>();

    private SettingsParser() {}

    /**
     * Applies {@code json} — {@code {"settings": {"replique": {…}}}}, {@code {"replique": {…}}}
     * or the settings object itself — over {@code base}. Null or an empty object changes nothing.
     */
    public static Result parse(JsonElement json, ServerSettings base) {
        SettingsParser p = new SettingsParser();
        JsonObject root = p.unwrap(json);
        if (root == null) {
            return new Result(base, p.problems);
        }
        ServerSettings s = new ServerSettings(
                p.model(p.section(root, "model"), base.model()),
                p.sampling(p.section(root, "sampling"), base.sampling()),
                p.completion(p.section(root, "completion"), base.completion()),
                p.prompt(p.section(root, "prompt"), base.prompt()));
        return new Result(p.problems.isEmpty() ? s : base, List.copyOf(p.problems));
    }

    private JsonObject unwrap(JsonElement json) {
        if (json == null || json.isJsonNull()) return null;
        if (!json.isJsonObject()) {
            problems.add("settings must be a JSON object");
            return null;
        }
        JsonObject o = json.getAsJsonObject();
        if (o.has("settings") && o.get("settings").isJsonObject()) o = o.getAsJsonObject("settings");
        if (o.has("replique") && o.get("replique").isJsonObject()) o = o.getAsJsonObject("replique");
        return o;
    }

    private JsonObject section(JsonObject root, String name) {
        JsonElement e = root.get(name);
        if (e == null || e.isJsonNull()) return new JsonObject();
        if (!e.isJsonObject()) {
            problems.add(name + " must be an object");
            return new JsonObject();
        }
        return e.getAsJsonObject();
    }

    private ModelSettings model(JsonObject o, ModelSettings b) {
        String path = o.has("path") ? optionalString(o, "path", "model.path") : b.path();
        if (path != null && path.isBlank()) path = null;
        String backend = string(o, "backend", "model.backend", b.backend(), BACKENDS);
        int threads = integer(o, "threads", "model.threads", b.threads(), 0, 256);
        int context = integer(o, "contextLength", "model.contextLength", b.contextLength(), 16, 131072);
        String weights = string(o, "weights", "model.weights", b.weights(), null);
        if (!WEIGHTS.contains(weights)) {
            problems.add("model.weights must be q8_0, q4_0 or empty (as stored), not '" + weights + "'");
            weights = b.weights();
        }
        String endpoint = o.has("endpoint") ? endpoint(optionalString(o, "endpoint", "model.endpoint")) : b.endpoint();
        String name = o.has("name") ? blankToNull(optionalString(o, "name", "model.name")) : b.name();
        String apiKeyEnv = o.has("apiKeyEnv") ? environmentVariable(optionalString(o, "apiKeyEnv", "model.apiKeyEnv"))
                : b.apiKeyEnv();
        if (ModelSettings.REMOTE.equals(backend) && endpoint == null) {
            problems.add("model.endpoint is required when model.backend is remote (e.g. http://gpu-box:8000/v1)");
        }
        return new ModelSettings(path, backend, threads, context, weights, endpoint, name, apiKeyEnv);
    }

    /**
     * An OpenAI-compatible server's base URL: http or https, a host, no credentials (the key goes in
     * the environment variable that {@code model.apiKeyEnv} names), no query; without its trailing slash.
     */
    private String endpoint(String value) {
        String v = blankToNull(value);
        if (v == null) return null;
        try {
            java.net.URI uri = new java.net.URI(v.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                problems.add("model.endpoint must be an http:// or https:// URL such as http://gpu-box:8000/v1, not '" + v + "'");
                return null;
            }
            if (uri.getRawUserInfo() != null) {
                problems.add("model.endpoint must not hold credentials: put the key in an environment variable and name it in model.apiKeyEnv");
                return null;
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                problems.add("model.endpoint must be a base URL without query or fragment, not '" + v + "'");
                return null;
            }
            String s = uri.toString();
            while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
            return s;
        } catch (java.net.URISyntaxException e) {
            problems.add("model.endpoint is not a URL: " + e.getMessage());
            return null;
        }
    }

    private String environmentVariable(String value) {
        String v = blankToNull(value);
        if (v != null && !v.strip().matches("[A-Za-z_][A-Za-z0-9_]*")) {
            problems.add("model.apiKeyEnv must name an environment variable (letters, digits, _), not '" + v
                    + "': the key itself never goes in the settings");
            return null;
        }
        return v == null ? null : v.strip();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private SamplingSettings sampling(JsonObject o, SamplingSettings b) {
        float temperature = number(o, "temperature", "sampling.temperature", b.temperature(), 0, 10);
        int topK = integer(o, "topK", "sampling.topK", b.topK(), 0, 1_000_000);
        float topP = number(o, "topP", "sampling.topP", b.topP(), 0.0001f, 1);
        float minP = number(o, "minP", "sampling.minP", b.minP(), 0, 1);
        float penalty = number(o, "repeatPenalty", "sampling.repeatPenalty", b.repeatPenalty(), 0.01f, 10);
        Long seed = b.seed();
        if (o.has("seed")) {
            JsonElement e = o.get("seed");
            if (e.isJsonNull()) {
                seed = null;
            } else if (isNumber(e) && e.getAsDouble() == Math.rint(e.getAsDouble())) {
                seed = e.getAsLong();
            } else {
                problems.add("sampling.seed must be an integer or null");
            }
        }
        return new SamplingSettings(temperature, topK, topP, minP, penalty, seed);
    }

    private CompletionSettings completion(JsonObject o, CompletionSettings b) {
        return new CompletionSettings(
                integer(o, "maxTokens", "completion.maxTokens", b.maxTokens(), 1, 1000),
                bool(o, "autoTrigger", "completion.autoTrigger", b.autoTrigger()),
                integer(o, "debounceMs", "completion.debounceMs", b.debounceMs(), 0, 10_000),
                integer(o, "timeBudgetMs", "completion.timeBudgetMs", b.timeBudgetMs(), 1, 600_000),
                integer(o, "candidates", "completion.candidates", b.candidates(), 1, 10),
                integer(o, "automaticCandidates", "completion.automaticCandidates", b.automaticCandidates(), 1, 10),
                bool(o, "fallbackItem", "completion.fallbackItem", b.fallbackItem()),
                bool(o, "speculate", "completion.speculate", b.speculate()));
    }

    private PromptSettings prompt(JsonObject o, PromptSettings b) {
        return new PromptSettings(
                string(o, "speakerStyle", "prompt.speakerStyle", b.speakerStyle(), Set.of("names", "intervenant", "dash")),
                bool(o, "characterVoice", "prompt.characterVoice", b.characterVoice()),
                integer(o, "contextBudget", "prompt.contextBudget", b.contextBudget(), 64, 131072),
                string(o, "directions", "prompt.directions", b.directions(), Set.of("drop", "keep")),
                integer(o, "ringTokens", "prompt.ringTokens", b.ringTokens(), 0, 131072),
                integer(o, "ringFiles", "prompt.ringFiles", b.ringFiles(), 0, 64));
    }

    private static boolean isNumber(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
    }

    private int integer(JsonObject o, String key, String name, int fallback, int min, int max) {
        if (!o.has(key) || o.get(key).isJsonNull()) return fallback;
        JsonElement e = o.get(key);
        if (!isNumber(e) || e.getAsDouble() != Math.rint(e.getAsDouble())) {
            problems.add(name + " must be an integer, not " + e);
            return fallback;
        }
        long v = e.getAsLong();
        if (v < min || v > max) {
            problems.add(name + " must be between " + min + " and " + max + ", not " + v);
            return fallback;
        }
        return (int) v;
    }

    private float number(JsonObject o, String key, String name, float fallback, float min, float max) {
        if (!o.has(key) || o.get(key).isJsonNull()) return fallback;
        JsonElement e = o.get(key);
        if (!isNumber(e)) {
            problems.add(name + " must be a number, not " + e);
            return fallback;
        }
        float v = e.getAsFloat();
        if (!(v >= min && v <= max)) {
            problems.add(name + " must be between " + min + " and " + max + ", not " + v);
            return fallback;
        }
        return v;
    }

    private boolean bool(JsonObject o, String key, String name, boolean fallback) {
        if (!o.has(key) || o.get(key).isJsonNull()) return fallback;
        JsonElement e = o.get(key);
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())) {
            problems.add(name + " must be true or false, not " + e);
            return fallback;
        }
        return e.getAsBoolean();
    }

    private String string(JsonObject o, String key, String name, String fallback, Set<String> allowed) {
        if (!o.has(key) || o.get(key).isJsonNull()) return fallback;
        JsonElement e = o.get(key);
        if (!(e.isJsonPrimitive() && ((JsonPrimitive) e).isString())) {
            problems.add(name + " must be a string, not " + e);
            return fallback;
        }
        String v = e.getAsString().trim();
        if (allowed != null && !allowed.contains(v)) {
            problems.add(name + " must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ", not '" + v + "'");
            return fallback;
        }
        return v;
    }

    private String optionalString(JsonObject o, String key, String name) {
        JsonElement e = o.get(key);
        if (e.isJsonNull()) return null;
        if (!(e.isJsonPrimitive() && ((JsonPrimitive) e).isString())) {
            problems.add(name + " must be a string, not " + e);
            return null;
        }
        return e.getAsString();
    }
}

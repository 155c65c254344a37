package org.replique.intellij;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What LSP4IJ sends for a {@code settings.json} whose template has {@code "expandConfiguration": true}:
 * the dotted keys expanded into nested objects, {@code {"a.b": 1}} → {@code {"a": {"b": 1}}}, as
 * {@code SettingsHelper#parseJson} does (github.com/redhat-developer/lsp4ij,
 * {@code src/main/java/com/redhat/devtools/lsp4ij/client/SettingsHelper.java}). LSP4IJ then sends
 * the result as {@code workspace/didChangeConfiguration}'s {@code settings} once the server has started.
 */
final class Lsp4ijSettings {
    private Lsp4ijSettings() {}

    static JsonElement expand(String settingsJson) {
        JsonElement parsed = JsonParser.parseString(settingsJson);
        if (!parsed.isJsonObject() || parsed.getAsJsonObject().keySet().stream().noneMatch(k -> k.contains("."))) {
            return parsed;
        }
        Map<String, JsonElement> flat = new LinkedHashMap<>();
        flatten("", parsed, flat);
        JsonObject root = new JsonObject();
        flat.forEach((key, value) -> insert(root, key, value));
        return root;
    }

    private static void flatten(String prefix, JsonElement element, Map<String, JsonElement> into) {
        if (element.isJsonObject()) {
            for (var e : element.getAsJsonObject().entrySet()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into);
            }
        } else {
            into.put(prefix, element);
        }
    }

    private static void insert(JsonObject root, String dottedKey, JsonElement value) {
        JsonObject current = root;
        String[] parts = dottedKey.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            JsonElement next = current.get(parts[i]);
            if (!(next instanceof JsonObject)) {
                next = new JsonObject();
                current.add(parts[i], next);
            }
            current = next.getAsJsonObject();
        }
        current.add(parts[parts.length - 1], value);
    }
}

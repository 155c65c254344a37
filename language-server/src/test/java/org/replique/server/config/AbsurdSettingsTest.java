package org.replique.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every setting given an absurd value — negative, huge, fractional, NaN or infinite, of the wrong
 * type — is refused with a problem that names it, and the settings in force stay.
 */
class AbsurdSettingsTest {
    /** Each key and the kind of value it takes. */
    private static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("model.path", "path"), Map.entry("model.backend", "choice"), Map.entry("model.threads", "int"),
            Map.entry("model.contextLength", "int"), Map.entry("model.weights", "choice"),
            Map.entry("sampling.temperature", "number"), Map.entry("sampling.topK", "int"),
            Map.entry("sampling.topP", "number"), Map.entry("sampling.minP", "number"),
            Map.entry("sampling.repeatPenalty", "number"), Map.entry("sampling.seed", "seed"),
            Map.entry("completion.maxTokens", "int"), Map.entry("completion.autoTrigger", "bool"),
            Map.entry("completion.debounceMs", "int"), Map.entry("completion.timeBudgetMs", "int"),
            Map.entry("completion.candidates", "int"), Map.entry("completion.automaticCandidates", "int"),
            Map.entry("completion.fallbackItem", "bool"), Map.entry("prompt.speakerStyle", "choice"),
            Map.entry("prompt.characterVoice", "bool"), Map.entry("prompt.contextBudget", "int"),
            Map.entry("prompt.directions", "choice"));

    private static final Map<String, List<String>> ABSURD = Map.of(
            "int", List.of("-1", "-2147483649", "1e300", "18446744073709551616", "9223372036854775808", "1.5", "NaN",
                    "Infinity", "-Infinity", "\"12\"", "true", "[]", "{}"),
            "number", List.of("-1", "1e300", "-1e300", "NaN", "Infinity", "\"0.5\"", "false", "[0.5]", "{}"),
            "seed", List.of("1.5", "1e300", "18446744073709551616", "NaN", "Infinity", "\"42\"", "true", "[]", "{}"),
            "bool", List.of("\"true\"", "1", "0", "[]", "{}"),
            "choice", List.of("42", "\"\\u0000\"", "\"no-such-value\"", "[]", "{}", "true"),
            "path", List.of("42", "true", "[\"a\"]", "{\"p\": 1}"));

    @Test
    void eachAbsurdValueIsRefusedWithItsKeyAndTheSettingsStay() {
        ServerSettings base = ServerSettings.defaults();
        List<String> accepted = new ArrayList<>();
        for (var key : KEYS.entrySet()) {
            for (String value : ABSURD.get(key.getValue())) {
                String[] parts = key.getKey().split("\\.");
                String json = "{\"replique\": {\"" + parts[0] + "\": {\"" + parts[1] + "\": " + value + "}}}";
                SettingsParser.Result r = SettingsParser.parse(JsonParser.parseString(json), base);
                if (r.valid()) {
                    accepted.add(key.getKey() + " = " + value);
                    continue;
                }
                assertThat(r.settings()).isSameAs(base);
                assertThat(r.problems()).as(json).hasSize(1);
                assertThat(r.problems().getFirst()).as(json).startsWith(key.getKey() + " must be");
            }
        }
        assertThat(accepted).as("absurd values accepted").isEmpty();
    }

    @Test
    void absurdValuesOfEveryKeyAtOnceAreEachReported() {
        JsonObject replique = new JsonObject();
        for (var key : KEYS.entrySet()) {
            String[] parts = key.getKey().split("\\.");
            if (!replique.has(parts[0])) replique.add(parts[0], new JsonObject());
            replique.getAsJsonObject(parts[0]).add(parts[1], JsonParser.parseString(ABSURD.get(key.getValue()).getFirst()));
        }
        JsonObject root = new JsonObject();
        root.add("replique", replique);
        SettingsParser.Result r = SettingsParser.parse(root, ServerSettings.defaults());
        assertThat(r.valid()).isFalse();
        assertThat(r.problems()).hasSize(KEYS.size());
        for (String key : KEYS.keySet()) {
            assertThat(r.problems()).anyMatch(p -> p.startsWith(key + " must be"));
        }
    }
}

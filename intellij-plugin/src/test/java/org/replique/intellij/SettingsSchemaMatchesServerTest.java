package org.replique.intellij;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.server.config.ServerSettings;
import org.replique.server.config.ServerSettings.CompletionSettings;
import org.replique.server.config.SettingsParser;

/**
 * The schema LSP4IJ checks the Configuration tab with, against the parser the server applies the
 * same settings with: the same keys, the same defaults, and at every bound the schema declares,
 * the same verdict.
 */
class SettingsSchemaMatchesServerTest {

    /** What the server makes of a settings.json text, sent as LSP4IJ sends it. */
    private static SettingsParser.Result serverReads(String settingsJson) {
        return SettingsParser.parse(Lsp4ijSettings.expand(settingsJson), ServerSettings.defaults());
    }

    @Test
    void theSchemaNamesExactlyTheSettingsTheServerReads() throws Exception {
        var serverKeys = new TreeSet<String>();
        for (RecordComponent section : ServerSettings.class.getRecordComponents()) {
            for (RecordComponent key : section.getType().getRecordComponents()) {
                serverKeys.add("replique." + section.getName() + "." + key.getName());
            }
        }
        assertThat(TemplateFolder.fieldNames(TemplateFolder.json("settings.schema.json").get("properties")))
                .containsExactlyInAnyOrderElementsOf(serverKeys);
    }

    @Test
    void settingsJsonIsTheServersDefaultsButForTheDebounceLsp4ijAlreadyDoes() throws Exception {
        SettingsParser.Result r = serverReads(TemplateFolder.text("settings.json"));
        assertThat(r.problems()).isEmpty();
        ServerSettings d = ServerSettings.defaults();
        CompletionSettings c = d.completion();
        assertThat(r.settings()).isEqualTo(new ServerSettings(d.model(), d.sampling(),
                new CompletionSettings(c.maxTokens(), c.autoTrigger(), 0, c.timeBudgetMs(), c.candidates(),
                        c.automaticCandidates(), c.fallbackItem(), c.speculate()),
                d.prompt()));
    }

    @Test
    void initializationOptionsAreAcceptedAsTheyAre() throws Exception {
        // LSP4IJ sends initializationOptions.json without expanding it.
        var r = SettingsParser.parse(com.google.gson.JsonParser.parseString(TemplateFolder.text("initializationOptions.json")),
                ServerSettings.defaults());
        assertThat(r.problems()).isEmpty();
        assertThat(r.settings()).isEqualTo(ServerSettings.defaults());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("probes")
    void theServerAcceptsAValueExactlyWhenTheSchemaDoes(String key, String value) throws Exception {
        String settings = "{\"" + key + "\": " + value + "}";
        boolean schemaAccepts = SettingsSchema.load().errors(settings).isEmpty();
        SettingsParser.Result server = serverReads(settings);
        assertThat(server.valid()).as("server %s %s, schema %s", server.valid() ? "accepts" : "rejects",
                server.problems(), schemaAccepts ? "accepts" : "rejects").isEqualTo(schemaAccepts);
    }

    /** Values on and beyond each bound, each enum value and one more, and a value of the wrong type. */
    static Stream<Arguments> probes() throws Exception {
        JsonNode properties = TemplateFolder.json("settings.schema.json").get("properties");
        List<Arguments> probes = new ArrayList<>();
        for (String key : TemplateFolder.fieldNames(properties)) {
            for (String value : valuesAround(properties.get(key))) probes.add(Arguments.of(key, value));
        }
        return probes.stream();
    }

    private static List<String> valuesAround(JsonNode p) {
        List<String> values = new ArrayList<>();
        List<String> types = new ArrayList<>();
        if (p.get("type").isArray()) p.get("type").forEach(t -> types.add(t.asText())); else types.add(p.get("type").asText());
        if (p.has("enum")) {
            p.get("enum").forEach(e -> values.add(e.toString()));
            values.add("\"something-else\"");
        }
        if (types.contains("null")) values.add("null");
        if (types.contains("boolean")) values.addAll(List.of("true", "false", "\"true\"", "1"));
        if (types.contains("string") && !p.has("enum")) values.addAll(List.of("\"text\"", "42"));
        if (types.contains("integer") || types.contains("number")) {
            boolean integer = types.contains("integer");
            BigDecimal min = p.has("minimum") ? p.get("minimum").decimalValue() : null;
            BigDecimal max = p.has("maximum") ? p.get("maximum").decimalValue() : null;
            BigDecimal step = integer ? BigDecimal.ONE
                    : min != null && max != null ? max.subtract(min).divide(BigDecimal.valueOf(1000)) : new BigDecimal("0.5");
            BigDecimal inside = min != null ? min : max != null ? max : BigDecimal.valueOf(42);
            if (min != null) values.addAll(List.of(min.toPlainString(), min.subtract(step).toPlainString()));
            if (max != null) values.addAll(List.of(max.toPlainString(), max.add(step).toPlainString()));
            if (min == null && max == null) values.add(inside.toPlainString());
            if (integer) values.add(inside.add(new BigDecimal("0.5")).toPlainString());
            values.add("\"" + inside.toPlainString() + "\"");
        }
        return values;
    }
}

package org.replique.intellij;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every file of the template parses, and the settings LSP4IJ edits validate against their schema. */
class TemplateFilesTest {

    static Stream<String> files() {
        return TemplateFolder.FILES.stream();
    }

    @ParameterizedTest
    @MethodSource("files")
    void parsesAsAJsonObject(String file) throws Exception {
        assertThat(Files.isRegularFile(TemplateFolder.dir().resolve(file))).as(file).isTrue();
        assertThatCode(() -> TemplateFolder.json(file)).as(file).doesNotThrowAnyException();
        assertThat(TemplateFolder.json(file).isObject()).as(file).isTrue();
    }

    @Test
    void theFolderHoldsOnlyTemplateFiles() throws Exception {
        try (Stream<java.nio.file.Path> listing = Files.list(TemplateFolder.dir())) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(TemplateFolder.FILES);
        }
    }

    @Test
    void theSchemaIsAValidDraft07Schema() throws Exception {
        assertThat(SettingsSchema.metaSchemaErrors()).isEmpty();
    }

    @Test
    void settingsJsonValidatesAgainstTheSchema() throws Exception {
        assertThat(SettingsSchema.load().errors(TemplateFolder.text("settings.json"))).isEmpty();
    }

    @Test
    void theSchemaCatchesTyposAndWrongTypes() throws Exception {
        SettingsSchema schema = SettingsSchema.load();
        assertThat(schema.errors("{\"replique.model.thread\": 4}")).isNotEmpty();
        assertThat(schema.errors("{\"replique.model.threads\": \"four\"}")).isNotEmpty();
        assertThat(schema.errors("{\"replique.prompt.speakerStyle\": \"initials\"}")).isNotEmpty();
        assertThat(schema.errors("{\"replique.model.path\": \"$USER_HOME$/models/claire.Q4_0.gguf\"}")).isEmpty();
    }

    @Test
    void everySettingIsDocumentedWithItsDefault() throws Exception {
        JsonNode properties = TemplateFolder.json("settings.schema.json").get("properties");
        JsonNode settings = TemplateFolder.json("settings.json");
        List<String> names = TemplateFolder.fieldNames(properties);
        assertThat(names).isNotEmpty();
        for (String name : names) {
            JsonNode p = properties.get(name);
            assertThat(p.path("description").asText()).as(name).isNotBlank();
            assertThat(p.has("default")).as(name).isTrue();
            // settings.json is what the Configuration tab starts from: the documented defaults.
            assertThat(settings.get(name)).as(name).isEqualTo(p.get("default"));
        }
        assertThat(settings.size()).isEqualTo(names.size());
    }
}

package org.replique.intellij;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The template folder as the build ships it: the files LSP4IJ reads from a template folder
 * ({@code LanguageServerTemplateManager#createLsTemplate} in github.com/redhat-developer/lsp4ij),
 * parsed strictly (no comments, no trailing commas, no duplicate keys), so that a file LSP4IJ's
 * lenient parser would accept by luck still fails here.
 */
final class TemplateFolder {
    /** Every file of the template, by the names LSP4IJ looks for. */
    static final List<String> FILES = List.of("template.json", "settings.json", "settings.schema.json",
            "initializationOptions.json", "clientSettings.json");

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private TemplateFolder() {}

    static Path dir() {
        String dir = System.getProperty("replique.template");
        if (dir == null) throw new IllegalStateException("replique.template is not set (run the tests with Maven)");
        return Path.of(dir);
    }

    static String text(String file) throws IOException {
        return Files.readString(dir().resolve(file));
    }

    static JsonNode json(String file) throws IOException {
        return parse(text(file));
    }

    static JsonNode parse(String json) throws IOException {
        return STRICT.readTree(json);
    }

    /** An object's keys, in order. */
    static List<String> fieldNames(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

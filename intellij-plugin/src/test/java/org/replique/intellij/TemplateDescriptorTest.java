package org.replique.intellij;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code template.json} against what LSP4IJ's deserializer reads (github.com/redhat-developer/lsp4ij:
 * {@code templates/ServerTemplateJsonDeserializer.java} for id, name, url and the mappings,
 * {@code launching/templates/LanguageServerTemplateDeserializer.java} for programArgs, env and
 * expandConfiguration). It dereferences {@code programArgs} and each mapping's {@code fileType}
 * without a null check, and takes {@code programArgs} as a map from an OS key to one string.
 */
class TemplateDescriptorTest {
    /** The OS keys {@code ServerTemplate#getOSProgramArgs} looks up; "default" is the fallback. */
    private static final List<String> OS_KEYS = List.of("windows", "mac", "unix", "default");

    @Test
    void hasTheIdentityTheNewLanguageServerDialogNeeds() throws Exception {
        JsonNode t = TemplateFolder.json("template.json");
        assertThat(t.path("id").isTextual()).isTrue();
        assertThat(t.get("id").asText()).matches("[a-z][a-z0-9-]*");
        assertThat(t.path("name").asText()).isEqualTo("Réplique");
        // A string: without it LSP4IJ links to a page of its own docs named after the id.
        assertThat(t.path("url").isTextual()).isTrue();
    }

    @Test
    void programArgsStartTheServerOverStdioOnEveryOs() throws Exception {
        JsonNode args = TemplateFolder.json("template.json").get("programArgs");
        assertThat(args).isNotNull();
        assertThat(args.isObject()).isTrue();
        assertThat(TemplateFolder.fieldNames(args)).containsExactlyInAnyOrder("default", "windows").allMatch(OS_KEYS::contains);
        args.forEach(a -> assertThat(a.isTextual()).isTrue());

        List<String> unix = Lsp4ijCommandLine.split(args.get("default").asText());
        assertThat(unix.getFirst()).isEqualTo("$USER_HOME$/.lsp4ij/lsp/replique/bin/replique");
        assertThat(unix.subList(1, unix.size())).containsExactly("serve", "--stdio");
        List<String> windows = Lsp4ijCommandLine.split(args.get("windows").asText());
        assertThat(windows.getFirst()).isEqualTo("$USER_HOME$/.lsp4ij/lsp/replique/bin/replique.cmd");
        assertThat(windows.subList(1, windows.size())).containsExactly("serve", "--stdio");
    }

    @Test
    void theCommandStaysOneArgumentWhenTheHomeFolderHasSpaces() {
        String args = "\"$USER_HOME$/.lsp4ij/lsp/replique/bin/replique.cmd\" serve --stdio";
        assertThat(Lsp4ijCommandLine.resolve(args, "C:\\Users\\Jean Dupont"))
                .containsExactly("C:/Users/Jean Dupont/.lsp4ij/lsp/replique/bin/replique.cmd", "serve", "--stdio");
    }

    @Test
    void everyFormatIsMappedToItsLanguageId() throws Exception {
        Map<String, String> languageIdByPattern = new LinkedHashMap<>();
        for (JsonNode mapping : TemplateFolder.json("template.json").get("fileTypeMappings")) {
            JsonNode fileType = mapping.get("fileType");
            assertThat(fileType).as("each mapping needs a fileType object").isNotNull();
            assertThat(fileType.isObject()).isTrue();
            assertThat(mapping.path("languageId").isTextual()).isTrue();
            for (JsonNode pattern : fileType.path("patterns")) {
                languageIdByPattern.put(pattern.asText(), mapping.get("languageId").asText());
            }
        }
        // The language ids the server's contract names (docs/configuration.md, "Languages").
        assertThat(languageIdByPattern).containsExactly(
                Map.entry("*.fountain", "fountain"), Map.entry("*.spmd", "fountain"),
                Map.entry("*.play", "replique-play"), Map.entry("*.play.txt", "replique-play"),
                Map.entry("*.transcript", "replique-transcript"), Map.entry("*.dialogue", "replique-transcript"));
    }

    @Test
    void dottedSettingsKeysAreExpandedBeforeTheyReachTheServer() throws Exception {
        JsonNode template = TemplateFolder.json("template.json");
        assertThat(TemplateFolder.fieldNames(TemplateFolder.json("settings.json"))).allMatch(k -> k.startsWith("replique."));
        // Without it LSP4IJ would send {"replique.model.path": …}, which the server does not read.
        assertThat(template.path("expandConfiguration").asBoolean(false)).isTrue();
    }

    @Test
    void theSystemEnvironmentReachesTheLauncher() throws Exception {
        // bin/replique finds the JDK through JAVA_HOME or REPLIQUE_JAVA_HOME.
        JsonNode env = TemplateFolder.json("template.json").path("env");
        assertThat(env.path("includeSystemEnvironmentVariables").asBoolean(false)).isTrue();
        assertThat(env.path("variables").isObject()).isTrue();
    }
}

package org.replique.intellij;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.fixtures.lsp.ScriptedClient;

/**
 * The template's Linux/macOS command, run as LSP4IJ runs it, against the packaged distribution
 * installed where the guide says ({@code ~/.lsp4ij/lsp/replique}, a temporary folder standing for
 * the home folder): the server starts, takes the template's settings, and gives ghost text after
 * a cue with the embedded demo model.
 */
class TemplateCommandStartsTheServerIT {
    @TempDir
    static Path home;

    @BeforeAll
    static void installTheDistribution() throws Exception {
        Distribution.unzip(Distribution.zip(), Files.createDirectories(home.resolve(".lsp4ij/lsp")));
    }

    private static List<String> command() throws Exception {
        String programArgs = TemplateFolder.json("template.json").get("programArgs").get("default").asText();
        return Lsp4ijCommandLine.resolve(programArgs, home.toString());
    }

    @Test
    void theCommandNamesTheInstalledLauncher() throws Exception {
        Path launcher = Path.of(command().getFirst());
        assertThat(launcher).isEqualTo(home.resolve(".lsp4ij/lsp/replique/bin/replique"));
        assertThat(Files.isExecutable(launcher)).as("the zip keeps bin/replique executable").isTrue();
    }

    @Test
    void theServerStartsAnswersInitializeAndGivesGhostTextAfterACue() throws Exception {
        try (ScriptedClient client = ScriptedClient.spawn(command())) {
            InitializeResult init = client.initialize(
                    JsonParser.parseString(TemplateFolder.text("initializationOptions.json")), Lsp4ijCapabilities.create());
            assertThat(init.getServerInfo().getName()).isEqualTo("replique");
            assertThat(init.getCapabilities().getInlineCompletionProvider().getLeft()).isTrue();

            // Once started, LSP4IJ sends settings.json, expanded, with workspace/didChangeConfiguration.
            client.configure(Lsp4ijSettings.expand(TemplateFolder.text("settings.json")));
            client.awaitStatus("ready");

            String uri = home.resolve("scene.fountain").toUri().toString();
            client.open(uri, fountainLanguageId(), "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n\nPAUL\n");
            List<InlineCompletionItem> items = client.inline(uri, 5, 4, InlineCompletionTriggerKind.Automatic);

            assertThat(items).isNotEmpty().allSatisfy(item -> {
                assertThat(item.getInsertText().isLeft()).as("plain text, never a snippet").isTrue();
                assertThat(item.getCommand()).isNull();
                assertThat(item.getRange().getStart()).isEqualTo(new Position(5, 4));
                assertThat(item.getInsertText().getLeft()).startsWith("\n");
                assertThat(item.getInsertText().getLeft().strip()).isNotEmpty();
            });
            assertThat(client.shownMessages()).noneMatch(m -> m.getType() == MessageType.Error);
            client.shutdown();
        }
    }

    private static String fountainLanguageId() throws Exception {
        for (var mapping : TemplateFolder.json("template.json").get("fileTypeMappings")) {
            for (var pattern : mapping.get("fileType").path("patterns")) {
                if (pattern.asText().equals("*.fountain")) return mapping.get("languageId").asText();
            }
        }
        throw new AssertionError("no mapping for *.fountain");
    }
}

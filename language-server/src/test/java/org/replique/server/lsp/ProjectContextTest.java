package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.server.completion.DialogueCompleter;
import org.replique.server.config.ServerSettings;
import org.replique.server.documents.ContextRing;
import org.replique.server.documents.DocumentStore;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.documents.TextDocument;
import org.replique.server.config.SettingsHolder;

/**
 * The whole script as context: a play in acts and a characters.md in the workspace give the prompt
 * of the act being written the earlier speeches and the descriptions of the people of its scene,
 * ahead of the scene and in a stable order, so that typing keeps reusing the model's cache.
 */
class ProjectContextTest {
    private static final String ACT_ONE = "ACTE I\n\nSCÈNE I. Marie, Paul.\n\nMARIE. Je partirai demain, avec ou sans toi.\n\n"
            + "PAUL. La mer est grise ce matin.\n\nMARIE. Tu ne dis jamais rien.\n\nGORGIBUS. Holà !\n";
    private static final String CHARACTERS = "# Personnages\n\n## Marie\n\nUne veuve de trente ans, vive et moqueuse.\n\n"
            + "## Paul\n\nSon beau-frère, marin, taiseux.\n";
    private static final String ACT_TWO = "ACTE II\n\nSCÈNE I. Marie, Paul.\n\nMARIE. Tu es revenu.\n\nPAUL. Je n'étais pas parti.\n\n"
            + "MARIE. ";

    @TempDir
    Path project;

    private String workspace() throws Exception {
        Files.writeString(project.resolve("acte1.play.txt"), ACT_ONE);
        Files.writeString(project.resolve("characters.md"), CHARACTERS);
        Path actTwo = project.resolve("acte2.play.txt");
        Files.writeString(actTwo, ACT_TWO);
        return actTwo.toUri().toString();
    }

    @Test
    void thePromptStartsWithTheOtherFilesChunksAboutThePeopleOfTheScene() throws Exception {
        String uri = workspace();
        DocumentStore documents = new DocumentStore();
        ContextRing ring = new ContextRing(documents, new SettingsHolder());
        ring.folders(List.of(project));
        documents.open(uri, "replique-play", 1, ACT_TWO);
        try (var models = new org.replique.server.model.ModelService()) {
            models.load(ServerSettings.defaults().model()).join();
            ParsedDocument doc = documents.parsed(uri).orElseThrow();
            TextDocument text = doc.text();
            Position end = text.position(ACT_TWO.length());
            var prepared = DialogueCompleter.prepare(models.current().orElseThrow(), doc, end.getLine(), end.getCharacter(),
                    ServerSettings.defaults(), ring.sourceFor(uri));
            String prompt = prepared.prompt().text();
            assertThat(prompt).startsWith("""
                    Marie : Une veuve de trente ans, vive et moqueuse.
                    Paul : Son beau-frère, marin, taiseux.
                    [Marie:] Je partirai demain, avec ou sans toi.
                    [Paul:] La mer est grise ce matin.
                    [Marie:] Tu ne dis jamais rien.

                    [Marie:] Tu es revenu.
                    """);
            assertThat(prompt).doesNotContain("Holà").endsWith("[Marie:]");
        }
    }

    @Test
    void theStatusNamesTheChunksUsedAndTypingKeepsReusingTheCache() throws Exception {
        String uri = workspace();
        try (ServerHarness h = ServerHarness.startedIn(project, "{\"completion\": {\"debounceMs\": 0, \"speculate\": false},"
                + " \"sampling\": {\"seed\": 9}}")) {
            h.client.awaitStatus("ready");
            h.client.open(uri, "replique-play", ACT_TWO);
            Position at = new Position(8, "MARIE. ".length());
            int seen = h.client.statuses().size();
            h.client.inline(uri, at.getLine(), at.getCharacter(), InlineCompletionTriggerKind.Invoked);
            JsonObject first = h.client.awaitSuggestionAfter(seen);
            List<String> context = new ArrayList<>();
            for (JsonElement e : first.getAsJsonArray("context")) context.add(e.getAsString());
            assertThat(context).containsExactly("characters.md: Marie (description)", "characters.md: Paul (description)",
                    "acte1.play.txt: MARIE (speech)", "acte1.play.txt: PAUL (speech)", "acte1.play.txt: MARIE (speech)");

            // The writer types a speech, a suggestion asked at each keystroke.
            String typed = "Et la barque ?";
            List<Double> reuse = new ArrayList<>();
            for (int i = 0; i < typed.length(); i++) {
                h.client.type(uri, at, typed.substring(i, i + 1));
                at = new Position(at.getLine(), at.getCharacter() + 1);
                seen = h.client.statuses().size();
                h.client.inline(uri, at.getLine(), at.getCharacter(), InlineCompletionTriggerKind.Automatic);
                JsonObject stats = h.client.awaitSuggestionAfter(seen);
                if ("model".equals(stats.get("source").getAsString())) {
                    reuse.add(stats.get("reusedTokens").getAsDouble() / stats.get("promptTokens").getAsDouble());
                    assertThat(stats.getAsJsonArray("context")).hasSize(5);
                }
            }
            assertThat(reuse).isNotEmpty().allSatisfy(r -> assertThat(r).isGreaterThanOrEqualTo(0.9));
        }
    }
}

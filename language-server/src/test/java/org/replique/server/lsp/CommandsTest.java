package org.replique.server.lsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.replique.server.lsp.ServerHarness.lineOf;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generate-dialogue command writes turns in the document's form through workspace/applyEdit. */
class CommandsTest {
    private static ServerHarness h;

    @BeforeAll
    static void start() throws Exception {
        h = ServerHarness.ready("{\"sampling\": {\"seed\": 3}}");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static JsonObject generate(String uri, int line, int character, int turns, String... speakers) {
        JsonObject args = new JsonObject();
        args.addProperty("uri", uri);
        JsonObject position = new JsonObject();
        position.addProperty("line", line);
        position.addProperty("character", character);
        args.add("position", position);
        args.addProperty("turns", turns);
        if (speakers.length > 0) {
            var a = new com.google.gson.JsonArray();
            for (String s : speakers) a.add(s);
            args.add("speakers", a);
        }
        return h.client.executeJson("replique.generateDialogue", args);
    }

    @Test
    void generatesTurnsInAPlayAndAppliesThemAsOneEdit() throws Exception {
        String uri = "file:///scripts/precieuses.play.txt";
        String play = ServerHarness.document("plays/moliere-precieuses-ridicules.play.txt");
        h.client.open(uri, "replique-play", play);
        int line = lineOf(play, "LA GRANGE. Quoi ?", 0) + 1;
        int editsBefore = h.client.appliedEdits().size();
        JsonObject result = generate(uri, line, 0, 3);
        assertThat(result.get("applied").getAsBoolean()).isTrue();
        assertThat(result.get("turns").getAsInt()).isBetween(1, 3);
        assertThat(h.client.appliedEdits()).hasSize(editsBefore + 1);
        String inserted = result.get("text").getAsString();
        assertThat(h.client.text(uri)).contains(inserted.strip());
        // Each generated turn is a play speech: NAME. text
        long speeches = inserted.lines().filter(l -> l.matches("[A-ZÀ-Ü][A-ZÀ-Ü' -]+\\. .+")).count();
        assertThat(speeches).isEqualTo(result.get("turns").getAsLong());
        var kinds = h.client.progress().stream().map(p -> p.getValue().getLeft()).toList();
        assertThat(kinds).anyMatch(k -> k instanceof WorkDoneProgressBegin b && b.getTitle().equals("Generating dialogue"));
        assertThat(kinds).anyMatch(k -> k instanceof WorkDoneProgressEnd);
    }

    @Test
    void turnsGoWhereThePlaceMovedWhenTheWriterTypesMeanwhile() {
        String uri = "file:///scripts/typing-meanwhile.fountain";
        String scene = "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n\nPAUL\nLe bus.\n\n";
        h.client.open(uri, "fountain", scene);
        String typed = "Title: Le Retard\n\n";
        // The writer adds a title page while the server's edit travels: the edit, made for the
        // version before, is refused, and the server places the turns again.
        var once = new java.util.concurrent.atomic.AtomicBoolean();
        h.client.beforeApplyingEdits(() -> {
            if (once.compareAndSet(false, true)) h.client.type(uri, new org.eclipse.lsp4j.Position(0, 0), typed);
        });
        try {
            JsonObject result = generate(uri, 8, 0, 1);
            assertThat(result.get("applied").getAsBoolean()).isTrue();
            assertThat(once).isTrue();
            assertThat(h.client.text(uri)).isEqualTo(typed + scene + result.get("text").getAsString());
        } finally {
            h.client.beforeApplyingEdits(null);
        }
    }

    @Test
    void speakersCanBeRestricted() throws Exception {
        String uri = "file:///scripts/steer.fountain";
        String doc = "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n\nPAUL\nLe bus.\n\nLUCIE\nEncore ?\n\n";
        h.client.open(uri, "fountain", doc);
        JsonObject result = generate(uri, 11, 0, 4, "MARIE", "PAUL");
        String inserted = result.get("text").getAsString();
        var cues = inserted.lines().map(String::strip).filter(l -> l.matches("[A-Z]+( \\(CONT'D\\))?")).toList();
        assertThat(cues).isNotEmpty().allMatch(c -> c.startsWith("MARIE") || c.startsWith("PAUL"));
    }

    @Test
    void theCommandIsOfferedAsACodeActionWhereDialogueBelongs() throws Exception {
        String uri = "file:///scripts/action.fountain";
        String doc = "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n\nPAUL\n";
        h.client.open(uri, "fountain", doc);
        var params = new org.eclipse.lsp4j.CodeActionParams(new org.eclipse.lsp4j.TextDocumentIdentifier(uri),
                new org.eclipse.lsp4j.Range(new org.eclipse.lsp4j.Position(5, 4), new org.eclipse.lsp4j.Position(5, 4)),
                new org.eclipse.lsp4j.CodeActionContext(java.util.List.of()));
        var actions = org.replique.fixtures.lsp.ScriptedClient.await(h.client.server().getTextDocumentService().codeAction(params));
        assertThat(actions).hasSize(1);
        var command = actions.getFirst().getRight().getCommand();
        assertThat(command.getCommand()).isEqualTo("replique.generateDialogue");
        // Running it as a client would applies turns after PAUL's cue.
        JsonObject result = h.client.executeJson(command.getCommand(), command.getArguments().toArray());
        assertThat(result.get("applied").getAsBoolean()).isTrue();
        assertThat(h.client.text(uri)).startsWith(doc.stripTrailing());

        params.setRange(new org.eclipse.lsp4j.Range(new org.eclipse.lsp4j.Position(0, 5), new org.eclipse.lsp4j.Position(0, 5)));
        assertThat(org.replique.fixtures.lsp.ScriptedClient.await(h.client.server().getTextDocumentService().codeAction(params)))
                .as("no dialogue on a scene heading").isEmpty();
    }

    @Test
    void withoutSpeakersTheTurnsGoToThePeopleOfTheScene() throws Exception {
        String uri = "file:///scripts/cast.fountain";
        String doc = "INT. CUISINE - JOUR\n\nMARIE\nTu es en retard.\n\nPAUL\nLe bus.\n\nMARIE\nEncore ?\n\n";
        h.client.open(uri, "fountain", doc);
        String inserted = generate(uri, 11, 0, 4).get("text").getAsString();
        var cues = inserted.lines().map(String::strip).filter(l -> l.matches("[A-Z]+( \\(CONT'D\\))?")).toList();
        assertThat(cues).isNotEmpty().allMatch(c -> c.startsWith("MARIE") || c.startsWith("PAUL"));
    }

    @Test
    void badArgumentsAreAnErrorNotACrash() {
        assertThatThrownBy(() -> h.client.execute("replique.generateDialogue", "nonsense"))
                .hasMessageContaining("takes one object");
        assertThatThrownBy(() -> generate("file:///not/open.fountain", 0, 0, 2)).hasMessageContaining("document not open");
        assertThat(h.client.executeJson("replique.status")
                .get("state").getAsString()).isEqualTo("ready");
    }
}

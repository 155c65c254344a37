package org.replique.dialogue.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.fixtures.Fixtures;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CommandsTest {

    /** The application registers the commands under {@code replique}; so does this test. */
    @Command(name = "replique", subcommands = {ParseCommand.class, PromptCommand.class})
    static final class Replique {
    }

    record Result(int exitCode, String out, String err) {
        JsonObject json() {
            return JsonParser.parseString(out).getAsJsonObject();
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new Replique());
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static String document(String relative) {
        return Fixtures.file("documents/" + relative).toString();
    }

    @Test
    void parseJsonHasElementsAndCuesWithZeroBasedLines() {
        Result result = run("parse", document("fountain/brick-and-steel.fountain"), "--json");
        assertThat(result.exitCode()).isZero();
        JsonObject json = result.json();
        assertThat(json.keySet()).containsExactly("format", "elements", "cues");
        assertThat(json.get("format").getAsString()).isEqualTo("fountain");
        JsonObject first = json.getAsJsonArray("elements").get(0).getAsJsonObject();
        assertThat(first.keySet()).containsExactly("type", "text", "line");
        assertThat(first.get("type").getAsString()).isEqualTo("title_entry");
        JsonArray cues = json.getAsJsonArray("cues");
        assertThat(cues).hasSize(20);
        JsonObject steel = cues.get(0).getAsJsonObject();
        assertThat(steel.keySet()).containsExactly("line", "name", "extension", "dual", "forced");
        assertThat(steel.get("line").getAsInt()).isEqualTo(18);
        assertThat(steel.get("name").getAsString()).isEqualTo("STEEL");
        assertThat(steel.get("extension").isJsonNull()).isTrue();
        assertThat(cues.get(6).getAsJsonObject().get("dual").getAsBoolean()).isTrue();
        assertThat(json.getAsJsonArray("elements")).anySatisfy(e -> assertThat(e.getAsJsonObject().get("type").getAsString())
                .isEqualTo("scene_heading"));
    }

    @Test
    void parseUsesPlayAndTranscriptTypes() {
        JsonObject play = run("parse", document("plays/racine-plaideurs.play.txt"), "--json").json();
        assertThat(play.get("format").getAsString()).isEqualTo("play");
        assertThat(play.getAsJsonArray("elements").asList().stream().map(e -> e.getAsJsonObject().get("type").getAsString()).distinct())
                .containsExactlyInAnyOrder("title", "cast_list", "act", "scene", "character", "dialogue", "stage_direction");
        JsonObject transcript = run("parse", document("dialogues/moliere-george-dandin.named.txt"), "--json").json();
        assertThat(transcript.get("format").getAsString()).isEqualTo("transcript");
        assertThat(transcript.getAsJsonArray("elements").asList().stream().map(e -> e.getAsJsonObject().get("type").getAsString()).distinct())
                .containsExactlyInAnyOrder("character", "dialogue");
    }

    @Test
    void theFormatOptionOverridesDetection(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("misanthrope.fountain");
        Files.writeString(file, "ALCESTE: Laissez-moi, je vous prie.\n", StandardCharsets.UTF_8);
        assertThat(run("parse", file.toString(), "--json").json().get("format").getAsString()).isEqualTo("play");
        JsonObject forced = run("parse", file.toString(), "--format", "fountain", "--json").json();
        assertThat(forced.get("format").getAsString()).isEqualTo("fountain");
        assertThat(forced.getAsJsonArray("cues")).isEmpty();
        Result wrong = run("parse", file.toString(), "--format", "novel");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.err()).contains("--format must be one of auto, fountain, play, transcript");
    }

    @Test
    void parseWithoutJsonListsRanges() {
        Result result = run("parse", document("fountain/brick-and-steel.fountain"));
        assertThat(result.out()).startsWith("format: fountain\n").contains("\n18:0-18:5 character STEEL\n");
    }

    @Test
    void aMissingFileIsAnError() {
        Result result = run("parse", "no-such-file.fountain", "--json");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("cannot read no-such-file.fountain");
    }

    @Test
    void promptJsonGivesTheTextAndTheKind() {
        Result result = run("prompt", document("fountain/brick-and-steel.fountain"), "--line", "21", "--column", "5", "--json");
        assertThat(result.exitCode()).isZero();
        JsonObject json = result.json();
        assertThat(json.get("kind").getAsString()).isEqualTo("fixed_speaker");
        assertThat(json.get("speaker").getAsString()).isEqualTo("BRICK");
        assertThat(json.get("prompt").getAsString()).isEqualTo("[Steel:] Beer's ready!\n[Brick:]");
        assertThat(json.get("tokens").getAsInt()).isEqualTo(("[Steel:] Beer's ready!\n[Brick:]".length() + 2) / 3);
        JsonObject brick = json.getAsJsonArray("speakers").get(1).getAsJsonObject();
        assertThat(brick.get("label").getAsString()).isEqualTo("Brick");
        assertThat(brick.get("name").getAsString()).isEqualTo("BRICK");
    }

    @Test
    void promptKindsInSnakeCase() {
        String play = document("plays/moliere-precieuses-ridicules.play.txt");
        assertThat(run("prompt", play, "--line", "23", "--column", "0", "--json").json().get("kind").getAsString()).isEqualTo("new_turn");
        assertThat(run("prompt", play, "--line", "24", "--column", "14", "--json").json().get("kind").getAsString()).isEqualTo("mid_speech");
        assertThat(run("prompt", play, "--line", "20", "--column", "3", "--json").json().get("kind").getAsString()).isEqualTo("none");
    }

    @Test
    void theBudgetLimitsThePrompt() {
        String play = document("plays/marivaux-jeu-de-l-amour-et-du-hasard.play.txt");
        JsonObject small = run("prompt", play, "--line", "900", "--column", "0", "--budget", "150", "--json").json();
        JsonObject large = run("prompt", play, "--line", "900", "--column", "0", "--budget", "3000", "--json").json();
        assertThat(small.get("tokens").getAsInt()).isLessThanOrEqualTo(150);
        assertThat(large.get("tokens").getAsInt()).isGreaterThan(small.get("tokens").getAsInt()).isLessThanOrEqualTo(3000);
        assertThat(large.get("prompt").getAsString()).endsWith(small.get("prompt").getAsString());
    }

    @Test
    void withoutJsonThePromptAloneGoesToStandardOutput() {
        Result result = run("prompt", document("fountain/brick-and-steel.fountain"), "--line", "20", "--column", "0");
        assertThat(result.out()).isEqualTo("[Steel:] Beer's ready!\n");
        assertThat(result.err()).contains("kind: new_turn");
    }

    @Test
    void labelOptions() {
        String play = document("plays/moliere-precieuses-ridicules.play.txt");
        String prompt = run("prompt", play, "--line", "27", "--column", "0", "--labels", "intervenant", "--json").json()
                .get("prompt").getAsString();
        assertThat(prompt).startsWith("[Intervenant 1:] Seigneur la Grange.\n[Intervenant 2:] Quoi ?\n");
        assertThat(run("prompt", play, "--line", "27", "--column", "0", "--labels", "loud").exitCode()).isNotZero();
    }
}

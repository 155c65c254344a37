package org.replique.dialogue.fountain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.fixtures.Fixtures;

/** The cues of three real screenplays, against hand-checked lists (1-based lines there). */
class GoldCuesTest {

    record GoldCue(int line, String name, String extension, boolean dual, boolean forced) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"brick-and-steel", "cyber-bob-ep01-traffic-control-dogs", "cyber-bob-sith-super-informal-language"})
    void findsExactlyTheGoldCues(String screenplay) throws IOException {
        String text = Files.readString(Fixtures.file("documents/fountain/" + screenplay + ".fountain"), StandardCharsets.UTF_8);
        JsonObject gold = JsonParser.parseString(Files.readString(
                Fixtures.file("documents/fountain/gold/" + screenplay + ".cues.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        List<GoldCue> expected = new ArrayList<>();
        for (JsonElement element : gold.getAsJsonArray("cues")) {
            JsonObject cue = element.getAsJsonObject();
            expected.add(new GoldCue(cue.get("line").getAsInt(), cue.get("name").getAsString(),
                    cue.get("extension").isJsonNull() ? null : cue.get("extension").getAsString(),
                    cue.get("dual").getAsBoolean(), cue.get("forced").getAsBoolean()));
        }

        DialogueDocument doc = FountainParser.parse(text);
        List<GoldCue> found = new ArrayList<>();
        for (Cue cue : doc.cues()) {
            found.add(new GoldCue(cue.range().startLine() + 1, cue.name(), cue.extension(), cue.dual(), cue.forced()));
        }
        assertThat(found).isNotEmpty().isEqualTo(expected);
    }
}

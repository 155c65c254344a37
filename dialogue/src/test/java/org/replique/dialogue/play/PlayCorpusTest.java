package org.replique.dialogue.play;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.Turn;
import org.replique.fixtures.Fixtures;

/**
 * Three real plays against the turn lists made from the same TEI sources: every speech's cue,
 * words and inline directions, in order.
 */
class PlayCorpusTest {

    /** What the TEI says about one speech: the cue as printed, the words, the directions inside. */
    record Speech(String cue, String text, List<String> stage) {
    }

    @ParameterizedTest
    @CsvSource({
        "moliere-precieuses-ridicules.play.txt, moliere-precieuses-ridicules, 17",
        "moliere-precieuses-ridicules.play-colon-fr.txt, moliere-precieuses-ridicules, 17",
        "marivaux-jeu-de-l-amour-et-du-hasard.play.txt, marivaux-jeu-de-l-amour-et-du-hasard, 32",
        "racine-plaideurs.play.txt, racine-plaideurs, 26",
    })
    void readsEverySpeechAsTheSourceHasIt(String play, String turns, int scenes) throws IOException {
        DialogueDocument doc = PlayParser.parse(read(play));

        List<Speech> expected = new ArrayList<>();
        for (String line : read(turns + ".turns.jsonl").split("\n")) {
            JsonObject row = JsonParser.parseString(line).getAsJsonObject();
            List<String> stage = new ArrayList<>();
            for (JsonElement direction : row.getAsJsonArray("stage")) {
                stage.add(direction.getAsString());
            }
            expected.add(new Speech(row.get("cue").getAsString(), row.get("text").getAsString(), stage));
        }
        List<Speech> found = new ArrayList<>();
        for (Turn turn : doc.turns()) {
            String cue = turn.cue().direction() == null ? turn.cue().name() : turn.cue().name() + ", " + turn.cue().direction();
            String text = turn.parts().stream().filter(p -> p.type() == ElementType.DIALOGUE)
                    .map(p -> p.text().replace('\n', ' ')).collect(Collectors.joining(" "));
            // The cue's own direction is not one of the speech's inline directions.
            List<String> stage = turn.parts().stream().filter(p -> p.type() == ElementType.STAGE_DIRECTION)
                    .filter(p -> !p.text().equals(turn.cue().direction())).map(Element::text).toList();
            found.add(new Speech(cue, text, stage));
        }
        assertThat(found).hasSize(expected.size()).isEqualTo(expected);
        assertThat(doc.scenes().stream().filter(s -> s.heading() != null && s.heading().type() == ElementType.SCENE)).hasSize(scenes);
    }

    private static String read(String name) throws IOException {
        return Files.readString(Fixtures.file("documents/plays/" + name), StandardCharsets.UTF_8);
    }
}

package org.replique.dialogue.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.stream.Stream;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.prompt.ContinuationKind;
import org.replique.dialogue.prompt.Prompt;
import org.replique.dialogue.prompt.PromptBuilder;
import org.replique.dialogue.prompt.PromptOptions;
import org.replique.fixtures.Fixtures;

/**
 * The demo model's reference runs: documents whose prompt is exactly the reference prompt, and
 * the model's real output rendered back into them.
 */
class ReferenceOutputsTest {

    private static JsonObject reference(String name) throws IOException {
        return JsonParser.parseString(Files.readString(Fixtures.file("reference/replique-mini-fr." + name + ".n64.torch-f64.json"),
                StandardCharsets.UTF_8)).getAsJsonObject();
    }

    static Stream<Arguments> runs() {
        return Stream.of(
                Arguments.of("alceste", "x.play", "ALCESTE. Je veux qu'on soit sincère, et qu'en homme d'honneur,\n\nPHILINTE.",
                        " Je ne sais pas que je ne puis plus faire."),
                Arguments.of("dash", "x.txt", "- Où courez-vous si tard, mon ami ?\n- ",
                        "Je ne sais pas que je ne vous ai pas dit, je ne vous en prie."),
                Arguments.of("cuisiner", "x.txt", "[Intervenant 1:] Bonjour, qu'allez-vous nous cuisiner aujourd'hui ?\n[Intervenant 2:]",
                        " Je ne vous en prie pas."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void theReferencePromptAndItsOutputInTheDocument(String run, String file, String text, String speech) throws IOException {
        JsonObject reference = reference(run);
        DialogueDocument doc = Dialogue.parse(file, text);
        int line = doc.lines().size() - 1;
        Prompt prompt = PromptBuilder.build(doc, line, doc.line(line).length(), PromptOptions.defaults());
        assertThat(prompt.kind()).isEqualTo(ContinuationKind.FIXED_SPEAKER);
        assertThat(prompt.text()).isEqualTo(reference.get("prompt").getAsString());

        Rendering rendering = Renderer.render(doc, prompt, reference.get("text").getAsString(), RenderOptions.defaults());
        assertThat(rendering.text()).isEqualTo(speech);
        assertThat(rendering.complete()).isTrue();
    }

    @Test
    void anInventedSpeakerGetsTheDocumentsCueStyle() throws IOException {
        DialogueDocument doc = Dialogue.parse("x.play", "ALCESTE. Je veux qu'on soit sincère, et qu'en homme d'honneur,\n\nPHILINTE.");
        Prompt prompt = PromptBuilder.build(doc, 2, 9, PromptOptions.defaults());
        Rendering rendering = Renderer.render(doc, prompt, reference("alceste").get("text").getAsString(),
                RenderOptions.defaults().withStop(StopRule.turns(2)));
        assertThat(rendering.text()).isEqualTo(" Je ne sais pas que je ne puis plus faire.\n\nALCANDRE. Je ne sais pas que je ne puis plus dire.");
    }
}

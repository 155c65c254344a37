package org.replique.dialogue.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.Test;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.document.DialogueDocument;

/** Chunks of the project's other files ahead of the scene: who they are about, how many, in what order. */
class PromptChunksTest {
    private static final String ACT_TWO = "ACTE II\n\nSCÈNE I. Marie, Paul.\n\nMARIE. Tu es revenu.\n\nPAUL. Je n'étais pas parti.\n\n";

    /** A source that records whom it was asked about and answers with these chunks, in this order. */
    private static final class Recording implements ChunkSource {
        final List<List<String>> asked = new ArrayList<>();
        final List<ContextChunk> chunks;

        Recording(List<ContextChunk> chunks) {
            this.chunks = chunks;
        }

        @Override
        public List<ContextChunk> about(List<String> people) {
            asked.add(people);
            return chunks;
        }
    }

    private static ContextChunk speech(String source, long position, String speaker, String text) {
        return new ContextChunk(ContextChunk.Kind.SPEECH, source, position, speaker, text);
    }

    private static ContextChunk description(String source, long position, String speaker, String text) {
        return new ContextChunk(ContextChunk.Kind.DESCRIPTION, source, position, speaker, text);
    }

    private static final List<ContextChunk> CHUNKS = List.of(
            speech("acte1.play.txt", 900, "MARIE", "Je partirai demain, avec ou sans toi."),
            speech("acte1.play.txt", 120, "PAUL", "La mer est grise ce matin."),
            description("characters.md", 40, "Marie", "Marie : une veuve de trente ans, vive et moqueuse."),
            description("characters.md", 10, "Paul", "Paul : son beau-frère, marin, taiseux."));

    private static Prompt at(String text, PromptOptions options) {
        DialogueDocument doc = Dialogue.parse("acte2.play.txt", text);
        return PromptBuilder.build(doc, doc.lines().size() - 1, doc.line(doc.lines().size() - 1).length(), options);
    }

    @Test
    void theChunksComeFirstDescriptionsThenSpeechesEachInTheirFilesOrderAsTheirOwnConversation() {
        Recording source = new Recording(CHUNKS);
        Prompt prompt = at(ACT_TWO + "MARIE. ", PromptOptions.defaults().withChunks(source, 400));
        assertThat(prompt.text()).startsWith("""
                Paul : son beau-frère, marin, taiseux.
                Marie : une veuve de trente ans, vive et moqueuse.
                [Paul:] La mer est grise ce matin.
                [Marie:] Je partirai demain, avec ou sans toi.

                [Marie:] Tu es revenu.
                """);
        assertThat(prompt.chunks()).extracting(ContextChunk::describe).containsExactly(
                "characters.md: Paul (description)", "characters.md: Marie (description)",
                "acte1.play.txt: PAUL (speech)", "acte1.play.txt: MARIE (speech)");
        // Asked about the people of the scene: its heading's, then those who spoke, then the speaker.
        assertThat(source.asked).containsExactly(List.of("Marie", "Paul"));
    }

    @Test
    void theBudgetKeepsTheSourcesFavouritesFirst() {
        ToIntFunction<String> counter = TokenCounters.approximate();
        // Room for the two speeches only (the source lists them first).
        int twoSpeeches = 1 + counter.applyAsInt("[Marie:] " + CHUNKS.get(0).text() + "\n")
                + counter.applyAsInt("[Paul:] " + CHUNKS.get(1).text() + "\n");
        Prompt prompt = at(ACT_TWO + "MARIE. ", PromptOptions.defaults().withBudget(2048, counter)
                .withChunks(new Recording(CHUNKS), twoSpeeches));
        assertThat(prompt.chunks()).extracting(ContextChunk::kind).containsOnly(ContextChunk.Kind.SPEECH).hasSize(2);
        assertThat(prompt.tokens()).isLessThanOrEqualTo(2048);
    }

    @Test
    void noBudgetNoChunks() {
        Recording source = new Recording(CHUNKS);
        Prompt prompt = at(ACT_TWO + "MARIE. ", PromptOptions.defaults().withChunks(source, 0));
        assertThat(prompt.chunks()).isEmpty();
        assertThat(prompt.text()).startsWith("[Marie:] Tu es revenu.");
        assertThat(source.asked).isEmpty();
    }

    @Test
    void theStartOfThePromptStaysTheSameWhileTheWriterTypes() {
        PromptOptions options = PromptOptions.defaults().withChunks(new Recording(CHUNKS), 400);
        String speech = "MARIE. Alors dis-moi pourquoi la barque est encore au port.";
        String stable = null;
        for (int typed = "MARIE. ".length(); typed <= speech.length(); typed++) {
            Prompt prompt = at(ACT_TWO + speech.substring(0, typed), options);
            String start = prompt.text().substring(0, prompt.stableLength());
            if (stable != null) {
                assertThat(start).isEqualTo(stable);
            }
            stable = start;
        }
    }
}

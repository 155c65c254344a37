package org.replique.server.completion;

import java.util.function.ToIntFunction;
import org.replique.dialogue.claire.LabelStyle;
import org.replique.dialogue.prompt.ChunkSource;
import org.replique.dialogue.prompt.DirectionPolicy;
import org.replique.dialogue.prompt.PromptOptions;
import org.replique.server.config.ServerSettings;

/** Turns the server's settings and the model's token counter into the prompt builder's options. */
final class PromptOptionsFactory {
    /** Earlier lines of the next speaker put ahead of the scene when character voice is on. */
    static final int VOICE_LINES = 3;

    private PromptOptionsFactory() {}

    /**
     * @param counter       the tokens of a text on its own, without BOS
     * @param contextLength the positions of a document's session
     * @param ring          chunks of the project's other files
     */
    static PromptOptions of(ServerSettings s, ToIntFunction<String> counter, int contextLength, ChunkSource ring) {
        // Room for the answer and BOS: the prompt may not fill the whole context.
        int budget = Math.max(64, Math.min(s.prompt().contextBudget(), contextLength - s.completion().maxTokens() - 8));
        LabelStyle labels = switch (s.prompt().speakerStyle()) {
            case "intervenant" -> LabelStyle.INTERVENANT;
            case "dash" -> LabelStyle.DASH;
            default -> LabelStyle.AUTO;
        };
        DirectionPolicy directions = "keep".equals(s.prompt().directions()) ? DirectionPolicy.KEEP : DirectionPolicy.DROP;
        return PromptOptions.defaults()
                .withBudget(budget, counter)
                .withLabels(labels)
                .withDirections(directions)
                .withVoiceLines(s.prompt().characterVoice() ? VOICE_LINES : 0)
                .withChunks(ring, s.prompt().ringTokens());
    }
}

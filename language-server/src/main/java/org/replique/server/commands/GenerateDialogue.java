package org.replique.server.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.replique.dialogue.claire.LabelStyle;
import org.replique.dialogue.prompt.ContinuationKind;
import org.replique.dialogue.prompt.Prompt;
import org.replique.dialogue.prompt.PromptBuilder;
import org.replique.dialogue.render.RenderOptions;
import org.replique.dialogue.render.Renderer;
import org.replique.dialogue.render.Rendering;
import org.replique.dialogue.render.StopRule;
import org.replique.dialogue.roster.Roster;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.session.SessionResult;
import org.replique.server.completion.DialogueCompleter;
import org.replique.server.completion.PromptOptionsFactory;
import org.replique.server.config.ServerSettings;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.model.LoadedModel;

/**
 * Several turns of dialogue at the cursor, one model line at a time in the document's session (so
 * each turn reuses the cache of the previous ones). When speakers are given, each new turn is
 * started with one of them, alternating, so the model speaks only for them.
 */
public final class GenerateDialogue {
    /** Tokens allowed for one turn. */
    static final int TOKENS_PER_TURN = 120;

    /** The text to insert and the turns it holds. */
    public record Result(String text, int turns) {}

    private GenerateDialogue() {}

    public static Result run(LoadedModel m, ParsedDocument doc, int line, int column, int turns, List<String> speakers,
                             ServerSettings s, IntConsumer progress, Cancellation cancel) {
        Prompt prompt = PromptBuilder.build(doc.dialogue(), line, column,
                PromptOptionsFactory.of(s, m.model().tokenizer(), m.sessions().contextLength()));
        if (prompt.kind() == ContinuationKind.NONE) {
            throw new IllegalArgumentException("no dialogue belongs at line " + (line + 1) + " (a heading, a title page or action)");
        }
        List<String> allowed = resolve(doc, speakers);
        boolean steer = !allowed.isEmpty() && prompt.labels() != LabelStyle.DASH;
        String last = prompt.kind() == ContinuationKind.NEW_TURN ? prompt.cursor().lastSpeaker() : prompt.speaker();
        StringBuilder generated = new StringBuilder();
        for (int i = 0; i < turns; i++) {
            cancel.check();
            boolean newTurn = i > 0 || prompt.kind() == ContinuationKind.NEW_TURN;
            String label = "";
            if (steer && newTurn) {
                String next = pick(allowed, last);
                label = "[" + prompt.speakers().label(next, List.of(next)) + ":]";
                last = next;
            }
            String text = prompt.text() + generated + label;
            GenerationRequest request = new GenerationRequest(DialogueCompleter.sampling(s), TOKENS_PER_TURN, true,
                    List.of("\n"), 1);
            SessionResult r = m.sessions().supersede(doc.text().uri(), m.model().tokenizer().encode(text), request,
                    TokenListener.NONE, cancel);
            String out = r.generation().first().text();
            if (out.isBlank() && label.isEmpty()) {
                break; // the model ended the conversation
            }
            generated.append(label).append(out).append('\n');
            progress.accept((i + 1) * 100 / turns);
        }
        Rendering rendering = Renderer.render(doc.dialogue(), prompt, generated.toString(),
                RenderOptions.defaults().withStop(StopRule.turns(turns)));
        return new Result(rendering.text(), rendering.turns().size());
    }

    /** The document's own names for the requested speakers (matched through the roster). */
    private static List<String> resolve(ParsedDocument doc, List<String> speakers) {
        if (speakers == null || speakers.isEmpty()) return List.of();
        Roster roster = Roster.of(doc.dialogue());
        List<String> names = new ArrayList<>();
        for (String s : speakers) {
            String found = roster.find(s);
            names.add(found != null ? found : s);
        }
        return names;
    }

    /** The next speaker: the first allowed one who did not just speak. */
    private static String pick(List<String> allowed, String last) {
        for (String s : allowed) {
            if (last == null || !s.equalsIgnoreCase(last)) return s;
        }
        return allowed.getFirst();
    }
}

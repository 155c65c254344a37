package org.replique.server.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.replique.dialogue.claire.LabelStyle;
import org.replique.dialogue.prompt.ChunkSource;
import org.replique.dialogue.prompt.ContinuationKind;
import org.replique.dialogue.prompt.Prompt;
import org.replique.dialogue.render.RenderOptions;
import org.replique.dialogue.render.Renderer;
import org.replique.dialogue.render.Rendering;
import org.replique.dialogue.render.StopRule;
import org.replique.dialogue.roster.Roster;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.TokenListener;
import org.replique.server.completion.DialogueCompleter;
import org.replique.server.config.ServerSettings;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.generation.PromptInput;
import org.replique.server.model.LoadedModel;

/**
 * Several turns of dialogue at the cursor, one model line at a time in the document's session (so
 * each turn reuses the cache of the previous ones). The speakers are the ones asked for, or else
 * the people of the scene: a turn the model gives to anyone else is written again, started with
 * the cast member who has waited longest.
 */
public final class GenerateDialogue {
    /** Tokens allowed for one turn. */
    static final int TOKENS_PER_TURN = 120;
    private static final Pattern LABEL = Pattern.compile("^\\s*\\[([^\\]]+?):\\]");

    /** The text to insert and the turns it holds. */
    public record Result(String text, int turns) {}

    private GenerateDialogue() {}

    public static Result run(LoadedModel m, ParsedDocument doc, int line, int column, int turns, List<String> speakers,
                             ServerSettings s, ChunkSource ring, IntConsumer progress, Cancellation cancel) {
        DialogueCompleter.PreparedPrompt prepared = DialogueCompleter.prepare(m, doc, line, column, s, ring);
        if (!prepared.asksForDialogue()) {
            throw new IllegalArgumentException("no dialogue belongs at line " + (line + 1) + " (a heading, a title page or action)");
        }
        Prompt prompt = prepared.prompt();
        boolean labelled = prompt.labels() != LabelStyle.DASH;
        List<String> cast = speakers == null || speakers.isEmpty() ? prompt.speakers().documentNames() : resolve(doc, speakers);
        boolean steerEveryTurn = speakers != null && !speakers.isEmpty();
        List<String> recent = new ArrayList<>(prompt.speakers().documentNames());
        if (prompt.cursor().lastSpeaker() != null) recent.add(prompt.cursor().lastSpeaker());

        StringBuilder generated = new StringBuilder();
        for (int i = 0; i < turns; i++) {
            cancel.check();
            boolean newTurn = i > 0 || prompt.kind() == ContinuationKind.NEW_TURN;
            String forced = labelled && newTurn && steerEveryTurn ? longestWaiting(cast, recent) : null;
            String out = line(m, doc, s, prepared, generated, forced, cancel);
            if (labelled && newTurn && forced == null && !cast.isEmpty() && speakerOf(prompt, out) == null) {
                // The model gave the turn to someone who is not in the scene: ask again for one who is.
                forced = longestWaiting(cast, recent);
                out = line(m, doc, s, prepared, generated, forced, cancel);
            }
            if (out.isBlank() && forced == null) {
                break; // the model ended the conversation
            }
            String full = (forced == null ? "" : label(prompt, forced)) + out;
            String speaker = forced != null ? forced : speakerOf(prompt, full);
            if (speaker != null) recent.add(speaker);
            generated.append(full).append('\n');
            progress.accept((i + 1) * 100 / turns);
        }
        Rendering rendering = Renderer.render(doc.dialogue(), prompt, generated.toString(),
                RenderOptions.defaults().withStop(StopRule.turns(turns)));
        return new Result(rendering.text(), rendering.turns().size());
    }

    /** One line from the model after the prompt, what was generated so far and an optional speaker label. */
    private static String line(LoadedModel m, ParsedDocument doc, ServerSettings s, DialogueCompleter.PreparedPrompt prepared,
                               CharSequence generated, String forced, Cancellation cancel) {
        Prompt prompt = prepared.prompt();
        String text = prompt.text() + generated + (forced == null ? "" : label(prompt, forced));
        // The first turn asks for the prompt itself, which is tokenized already.
        PromptInput input = text.length() == prompt.text().length() ? prepared.input() : m.input(text);
        GenerationRequest request = new GenerationRequest(DialogueCompleter.sampling(s), TOKENS_PER_TURN, true,
                List.of("\n"), 1);
        return m.continuations().supersede(doc.text().uri(), input, request, TokenListener.NONE, cancel)
                .first().text();
    }

    private static String label(Prompt prompt, String name) {
        return "[" + prompt.speakers().label(name, List.of(name)) + ":]";
    }

    /** The document name of the speaker a model line starts with, or null when the prompt has no such speaker. */
    private static String speakerOf(Prompt prompt, String modelLine) {
        Matcher matcher = LABEL.matcher(modelLine);
        return matcher.find() ? prompt.speakers().documentName(matcher.group(1).strip()) : null;
    }

    /** The document's own names for the requested speakers (matched through the roster). */
    private static List<String> resolve(ParsedDocument doc, List<String> speakers) {
        Roster roster = Roster.of(doc.dialogue());
        List<String> names = new ArrayList<>();
        for (String s : speakers) {
            String found = roster.find(s);
            names.add(found != null ? found : s);
        }
        return names;
    }

    /** The cast member whose last turn is the oldest (or who has not spoken at all). */
    private static String longestWaiting(List<String> cast, List<String> recent) {
        String best = cast.getFirst();
        int bestIndex = Integer.MAX_VALUE;
        for (String name : cast) {
            int last = -1;
            for (int i = recent.size() - 1; i >= 0; i--) {
                if (recent.get(i).equalsIgnoreCase(name)) {
                    last = i;
                    break;
                }
            }
            if (last < bestIndex) {
                bestIndex = last;
                best = name;
            }
        }
        return best;
    }
}

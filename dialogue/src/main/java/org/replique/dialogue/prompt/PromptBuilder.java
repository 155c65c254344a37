package org.replique.dialogue.prompt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.replique.dialogue.claire.ClaireNames;
import org.replique.dialogue.claire.ClaireText;
import org.replique.dialogue.claire.LabelStyle;
import org.replique.dialogue.claire.SpeakerMap;
import org.replique.dialogue.document.CastMember;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.document.Names;
import org.replique.dialogue.document.Scene;
import org.replique.dialogue.document.Turn;

/**
 * Builds Claire's prompt at a cursor: a pure function of the document, the cursor and the options.
 *
 * <p>Layout, most stable first so the model's KV cache survives keystrokes: chunks of other files
 * of the project about the people of the scene (descriptions, then speeches, in the files' order,
 * ended by a blank line), the optional voice
 * lines of the character about to speak (their own conversation, ended by a blank line), then the
 * context turns, one per line, a blank line between scenes as between Claire's conversations,
 * then the cursor's own turn: nothing after the last newline for a new turn, {@code [Name:]} for a
 * fixed speaker (no space after it: the model's next token carries its own leading space),
 * {@code [Name:] words so far} for a speech in progress (trailing spaces trimmed for the same
 * reason). The context is cut at turn boundaries to the budget, oldest turns first, in steps.
 */
public final class PromptBuilder {
    private PromptBuilder() {}

    /** Tokens a label takes at most, counted while reading back through the context. */
    private static final int LABEL_ALLOWANCE = 8;

    public static Prompt build(DialogueDocument doc, int line, int column, PromptOptions options) {
        CursorContext cursor = CursorLocator.locate(doc, line, column, options.directions());
        if (cursor.kind() == ContinuationKind.NONE) {
            return new Prompt("", ContinuationKind.NONE, null, new SpeakerMap(LabelStyle.NAMED, doc.cast()), LabelStyle.NAMED,
                    0, cursor.historyEnd(), 0, cursor, List.of());
        }
        ContextLines context = new ContextLines(doc, options.directions());
        List<HistoryLine> history = context.before(cursor.historyEnd(), options.budget(), LABEL_ALLOWANCE, options.tokens());
        LabelStyle style = resolve(options.labels(), doc, history, cursor);
        String typed = ClaireText.normalize(cursor.typed());

        int[] costs = new int[history.size()];
        for (int i = 0; i < history.size(); i++) {
            boolean sceneBreak = i > 0 && history.get(i - 1).scene() != history.get(i).scene();
            costs[i] = options.tokens().applyAsInt(estimate(history.get(i), style) + (sceneBreak ? "\n" : ""));
        }
        String tailEstimate = tail(cursor, style, typed, estimateLabel(cursor.speaker(), cursor.speakers(), style));
        List<ContextChunk> chunks = chunks(doc, cursor, style, options);
        int chunkCost = chunks.isEmpty() ? 0 : 1;
        for (ContextChunk chunk : chunks) {
            chunkCost += options.tokens().applyAsInt(estimate(chunk, style) + "\n");
        }
        int tailCost = options.tokens().applyAsInt(tailEstimate + "\n") + chunkCost;
        int first = PromptWindow.firstLine(costs, history, options.budget() - tailCost, options.windowQuantum());

        List<HistoryLine> voice = List.of();
        String target = cursor.kind() == ContinuationKind.NEW_TURN ? expectedNext(history, cursor.scene()) : cursor.speaker();
        int windowStart = first < history.size() ? history.get(first).firstTurn() : cursor.historyEnd();
        if (options.voiceLines() > 0 && target != null && windowStart > 0) {
            voice = withinAllowance(context.bySpeaker(target, windowStart, options.voiceLines()), options);
            int voiceCost = 0;
            for (HistoryLine v : voice) {
                voiceCost += options.tokens().applyAsInt(estimate(v, style) + "\n");
            }
            first = Math.max(first, PromptWindow.firstLine(costs, history, options.budget() - tailCost - voiceCost - 1,
                    options.windowQuantum()));
        }

        while (true) {
            Prompt prompt = assemble(cursor, chunks, history.subList(first, history.size()), voice, style, doc.cast(), typed,
                    options);
            if (prompt.tokens() <= options.budget() || first >= history.size()) {
                return prompt;
            }
            // The estimate fell short (labels longer than guessed): drop the oldest line kept.
            first++;
        }
    }

    private static Prompt assemble(CursorContext cursor, List<ContextChunk> chunks, List<HistoryLine> window,
                                   List<HistoryLine> voice, LabelStyle style, List<CastMember> cast, String typed,
                                   PromptOptions options) {
        SpeakerMap speakers = new SpeakerMap(style, cast);
        StringBuilder text = new StringBuilder();
        for (ContextChunk chunk : chunks) {
            text.append(format(chunk, style, speakers)).append('\n');
        }
        if (!chunks.isEmpty()) {
            text.append('\n');
        }
        for (HistoryLine line : voice) {
            text.append(format(line, style, speakers)).append('\n');
        }
        if (!voice.isEmpty()) {
            text.append('\n');
        }
        int scene = Integer.MIN_VALUE;
        for (HistoryLine line : window) {
            if (scene != Integer.MIN_VALUE && line.scene() != scene) {
                text.append('\n');
            }
            text.append(format(line, style, speakers)).append('\n');
            scene = line.scene();
        }
        int stable = text.length();
        if (scene != Integer.MIN_VALUE && cursor.scene() != scene) {
            text.append('\n'); // the cursor stands in a new scene: a new conversation for the model
        }
        String label = null;
        if (cursor.speaker() != null) {
            // Labelled even with dashes: the way back needs to know who speaks.
            String assigned = speakers.label(cursor.speaker(), cursor.speakers());
            label = style == LabelStyle.DASH ? null : assigned;
        }
        text.append(tail(cursor, style, typed, label));
        String prompt = text.toString();
        int firstTurn = window.isEmpty() ? cursor.historyEnd() : window.getFirst().firstTurn();
        return new Prompt(prompt, cursor.kind(), cursor.speaker(), speakers, style, stable, firstTurn,
                options.tokens().applyAsInt(prompt), cursor, chunks);
    }

    /** The cursor's own line: nothing, {@code [Name:]}, or {@code [Name:] words}. */
    private static String tail(CursorContext cursor, LabelStyle style, String typed, String label) {
        if (cursor.kind() == ContinuationKind.NEW_TURN) {
            return "";
        }
        String mark = style == LabelStyle.DASH || label == null ? "-" : "[" + label + ":]";
        return cursor.kind() == ContinuationKind.MID_SPEECH ? mark + " " + typed : mark;
    }

    private static String format(HistoryLine line, LabelStyle style, SpeakerMap speakers) {
        if (style == LabelStyle.DASH || line.speaker() == null) {
            if (line.speaker() != null) {
                speakers.label(line.speaker(), line.speakers());
            }
            return "- " + line.text();
        }
        return "[" + speakers.label(line.speaker(), line.speakers()) + ":] " + line.text();
    }

    /** A description as it is written; a speech as a turn line of its speaker. */
    private static String format(ContextChunk chunk, LabelStyle style, SpeakerMap speakers) {
        if (chunk.kind() == ContextChunk.Kind.DESCRIPTION) {
            return chunk.text();
        }
        if (style == LabelStyle.DASH) {
            return "- " + chunk.text();
        }
        return "[" + speakers.label(chunk.speaker(), List.of(chunk.speaker())) + ":] " + chunk.text();
    }

    private static String estimate(ContextChunk chunk, LabelStyle style) {
        return chunk.kind() == ContextChunk.Kind.DESCRIPTION ? chunk.text()
                : estimateLabel(chunk.speaker(), List.of(chunk.speaker()), style) + " " + chunk.text();
    }

    /**
     * The chunks of other files about the people of the cursor's scene, as many as the chunk budget
     * holds in the source's order of preference, then laid out in a stable order (descriptions,
     * then speeches, each by file and position) so that the prompt's start stays the same.
     */
    private static List<ContextChunk> chunks(DialogueDocument doc, CursorContext cursor, LabelStyle style,
                                             PromptOptions options) {
        int allowance = Math.min(options.chunkBudget(), options.budget() / 3);
        if (allowance <= 0) {
            return List.of();
        }
        List<String> people = people(doc, cursor);
        if (people.isEmpty()) {
            return List.of();
        }
        List<ContextChunk> kept = new ArrayList<>();
        int spent = 1;
        for (ContextChunk chunk : options.chunks().about(people)) {
            int cost = options.tokens().applyAsInt(estimate(chunk, style) + "\n");
            if (spent + cost <= allowance) {
                kept.add(chunk);
                spent += cost;
            }
        }
        kept.sort(Comparator.comparing(ContextChunk::kind, Comparator.reverseOrder())
                .thenComparing(ContextChunk::source).thenComparingLong(ContextChunk::position));
        return kept;
    }

    /**
     * The people of the cursor's scene in a stable order: those its heading lists, then those who
     * speak in it before the cursor by first speech, then the cursor's speaker.
     */
    static List<String> people(DialogueDocument doc, CursorContext cursor) {
        Map<String, String> byKey = new LinkedHashMap<>();
        if (cursor.scene() >= 0 && cursor.scene() < doc.scenes().size()) {
            Scene scene = doc.scenes().get(cursor.scene());
            scene.onStage().forEach(name -> byKey.putIfAbsent(Names.key(name), name));
            for (Turn turn : scene.turns()) {
                if (turn.range().startLine() >= cursor.line()) {
                    break;
                }
                if (turn.cue() != null) {
                    turn.cue().speakers().forEach(name -> byKey.putIfAbsent(Names.key(name), name));
                }
            }
        }
        if (cursor.speaker() != null) {
            cursor.speakers().forEach(name -> byKey.putIfAbsent(Names.key(name), name));
        }
        return List.copyOf(byKey.values());
    }

    private static String estimate(HistoryLine line, LabelStyle style) {
        return estimateLabel(line.speaker(), line.speakers(), style) + " " + line.text();
    }

    private static String estimateLabel(String speaker, List<String> speakers, LabelStyle style) {
        if (style == LabelStyle.DASH || speaker == null) {
            return "-";
        }
        return style == LabelStyle.INTERVENANT ? "[Intervenant 10:]" : "[" + ClaireNames.label(speakers.size() > 1 ? String.join(" et ", speakers) : speaker) + ":]";
    }

    private static LabelStyle resolve(LabelStyle requested, DialogueDocument doc, List<HistoryLine> history, CursorContext cursor) {
        long unnamed = history.stream().filter(l -> l.speaker() == null).count();
        boolean dashDocument = doc.format() == DocumentFormat.TRANSCRIPT && unnamed * 2 > history.size()
                || doc.format() == DocumentFormat.TRANSCRIPT && history.isEmpty() && cursor.speaker() == null
                && doc.turns().stream().anyMatch(t -> t.cue() == null);
        if (dashDocument) {
            return LabelStyle.DASH;
        }
        if (requested == LabelStyle.AUTO) {
            return LabelStyle.NAMED;
        }
        if (requested == LabelStyle.DASH) {
            Set<String> distinct = new HashSet<>();
            history.stream().filter(l -> l.speaker() != null).forEach(l -> distinct.add(Names.key(l.speaker())));
            if (cursor.speaker() != null) {
                distinct.add(Names.key(cursor.speaker()));
            }
            // Claire saw dashes only for one or two speakers.
            return distinct.size() <= 2 ? LabelStyle.DASH : LabelStyle.NAMED;
        }
        return requested;
    }

    /** Who likely speaks next in a scene: the speaker before the last one (A/B/A). */
    private static String expectedNext(List<HistoryLine> history, int scene) {
        String last = null;
        for (int i = history.size() - 1; i >= 0; i--) {
            HistoryLine line = history.get(i);
            if (line.scene() != scene || line.speaker() == null) {
                break;
            }
            if (last == null) {
                last = line.speaker();
            } else if (!Names.key(line.speaker()).equals(Names.key(last))) {
                return line.speaker();
            }
        }
        return null;
    }

    /** The voice lines within a quarter of the budget, dropping the oldest first. */
    private static List<HistoryLine> withinAllowance(List<HistoryLine> lines, PromptOptions options) {
        List<HistoryLine> kept = new ArrayList<>(lines);
        int allowance = options.budget() / 4;
        while (!kept.isEmpty() && kept.stream().mapToInt(l -> options.tokens().applyAsInt(l.text())).sum() > allowance) {
            kept.removeFirst();
        }
        return kept;
    }
}

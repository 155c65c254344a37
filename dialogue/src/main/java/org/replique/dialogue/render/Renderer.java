package org.replique.dialogue.render;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.replique.dialogue.claire.ClaireNames;
import org.replique.dialogue.claire.LabelStyle;
import org.replique.dialogue.document.CastMember;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Names;
import org.replique.dialogue.document.Scene;
import org.replique.dialogue.document.Turn;
import org.replique.dialogue.fountain.FountainShapes;
import org.replique.dialogue.play.PlayShapes;
import org.replique.dialogue.prompt.ContinuationKind;
import org.replique.dialogue.prompt.CursorContext;
import org.replique.dialogue.prompt.Prompt;
import org.replique.dialogue.render.ModelTurns.ModelTurn;
import org.replique.dialogue.render.Rendering.RenderedTurn;
import org.replique.dialogue.roster.Roster;

/**
 * Turns the model's output (Claire turn lines, the last one possibly unfinished) into text to
 * insert at the cursor, in the document's own form. Safe to call after every generated token:
 * {@link Rendering#complete()} says when to stop generating.
 *
 * <p>Speakers are mapped back through the prompt's labels ({@code Alceste} to {@code ALCESTE});
 * a label the prompt did not use is looked up in the document's roster, an unknown
 * {@code Intervenant N} becomes the most frequent character the prompt did not show, and any
 * other new name is written in the document's style (capitals in a screenplay). Rendering never
 * writes a scene heading, an act or a transition: it stops before a turn that looks like one.
 */
public final class Renderer {
    private Renderer() {}

    private static final Pattern INTERVENANT = Pattern.compile("(?i)intervenant\\s+\\d+");

    public static Rendering render(DialogueDocument doc, Prompt prompt, String output, RenderOptions options) {
        if (prompt.kind() == ContinuationKind.NONE) {
            return new Rendering("", List.of(), true);
        }
        CursorContext cursor = prompt.cursor();
        ModelTurns.Parsed parsed = ModelTurns.parse(output, prompt.kind());
        Typography typography = Typography.of(doc, cursor.line());
        LazyRoster roster = new LazyRoster(doc);
        Set<String> present = options.onlyPresentSpeakers() ? present(doc, cursor, prompt) : Set.of();
        char beforeCursor = cursor.column() > 0 ? doc.line(cursor.line()).charAt(cursor.column() - 1) : '\n';

        int limit = options.stop().kind() == StopRule.Kind.TURNS ? options.stop().turns() : 1;
        List<Speech> speeches = new ArrayList<>();
        boolean complete = parsed.ended();
        String previous = prompt.kind() == ContinuationKind.NEW_TURN ? cursor.lastSpeaker() : prompt.speaker();
        List<ModelTurn> turns = parsed.turns();
        for (int i = 0; i < turns.size(); i++) {
            ModelTurn turn = turns.get(i);
            if (speeches.size() == limit) {
                complete = true;
                break;
            }
            boolean continuation = i == 0 && prompt.kind() != ContinuationKind.NEW_TURN;
            String speaker;
            boolean known = true;
            if (continuation) {
                speaker = prompt.speaker();
            } else {
                if (looksLikeStructure(turn)) {
                    complete = true;
                    break;
                }
                Resolved resolved = resolve(turn, prompt, roster, doc.cast(), previous);
                speaker = resolved.name();
                known = resolved.known();
                if (!present.isEmpty() && (speaker == null || !present.contains(Names.key(speaker)))) {
                    complete = true;
                    break;
                }
            }
            String words = continuation ? turn.text() : turn.text().strip();
            boolean sentenceDone = false;
            if (options.stop().kind() == StopRule.Kind.ONE_LINE) {
                int end = sentenceEnd(words, turn.complete());
                if (end >= 0) {
                    words = words.substring(0, end);
                    sentenceDone = true;
                }
            }
            words = typography.apply(words, continuation ? beforeCursor : '\n');
            if (!continuation && !speeches.isEmpty() && !speeches.getLast().continuation() && speaker != null
                    && speeches.getLast().speaker() != null && Names.key(speaker).equals(Names.key(speeches.getLast().speaker()))) {
                // Claire merges a speaker's consecutive turns; so does the document.
                Speech last = speeches.removeLast();
                speeches.add(new Speech(last.speaker(), last.known(), last.words() + " " + words, false));
            } else {
                speeches.add(new Speech(speaker, known, words, continuation));
            }
            previous = speaker;
            if (sentenceDone || speeches.size() == limit && turn.complete()) {
                complete = true;
                break;
            }
        }

        String text = switch (doc.format()) {
            case FOUNTAIN -> FountainForm.write(doc, cursor, speeches, options.markContinued());
            case PLAY -> PlayForm.write(doc, cursor, speeches);
            case TRANSCRIPT -> TranscriptForm.write(doc, cursor, speeches);
        };
        List<RenderedTurn> rendered = speeches.stream().map(s -> new RenderedTurn(s.speaker(), s.words().strip())).toList();
        return new Rendering(text, rendered, complete);
    }

    /** A speaker as the document names them; {@code known} if the document already has them. */
    private record Resolved(String name, boolean known) {
    }

    /** The roster, read from the document only when a label the prompt did not use needs it. */
    private static final class LazyRoster {
        private final DialogueDocument doc;
        private Roster roster;

        LazyRoster(DialogueDocument doc) {
            this.doc = doc;
        }

        Roster get() {
            if (roster == null) {
                roster = Roster.of(doc);
            }
            return roster;
        }
    }

    private static Resolved resolve(ModelTurn turn, Prompt prompt, LazyRoster rosterOf, List<CastMember> cast,
                                    String previous) {
        if (turn.label() == null) {
            if (prompt.labels() == LabelStyle.DASH) {
                // Dashes: the two speakers take turns.
                for (String name : prompt.speakers().documentNames()) {
                    if (previous == null || !Names.key(name).equals(Names.key(previous))) {
                        return new Resolved(name, true);
                    }
                }
            }
            return new Resolved(null, true);
        }
        // A small model sometimes ends a label with punctuation ("[Le Second Fland,:]"): a name never does.
        String label = turn.label().strip().replaceAll("[\\s,;:!?…]+$", "");
        if (label.isEmpty()) {
            return new Resolved(null, true);
        }
        String name = prompt.speakers().documentName(label);
        if (name != null) {
            return new Resolved(name, true);
        }
        Roster roster = rosterOf.get();
        name = roster.find(label);
        if (name == null) {
            // The label may be how Claire names someone of the document the prompt did not show.
            for (String candidate : roster.names()) {
                String fromCast = ClaireNames.castLabel(cast, candidate);
                boolean same = Names.key(ClaireNames.label(candidate)).equals(Names.key(label))
                        || fromCast != null && Names.key(fromCast).equals(Names.key(label));
                if (same) {
                    name = candidate;
                    break;
                }
            }
        }
        if (name == null && INTERVENANT.matcher(label).matches()) {
            Set<String> shown = new HashSet<>();
            prompt.speakers().documentNames().forEach(n -> shown.add(Names.key(n)));
            for (String candidate : roster.names()) {
                if (!shown.contains(Names.key(candidate))) {
                    name = candidate;
                    break;
                }
            }
        }
        return name != null ? new Resolved(name, true) : new Resolved(label, false);
    }

    /** A heading, an act, a scene or a transition, which a completion must never write. */
    private static boolean looksLikeStructure(ModelTurn turn) {
        String text = turn.text().strip();
        String label = turn.label() == null ? "" : turn.label();
        return FountainShapes.hasHeadingPrefix(text) || FountainShapes.isTransition(text)
                || PlayShapes.isScene(text) || PlayShapes.isAct(text)
                || PlayShapes.isScene(label) || PlayShapes.isAct(label);
    }

    /** Who is in the cursor's scene: the characters its heading lists, those who speak in it, the current speaker. */
    private static Set<String> present(DialogueDocument doc, CursorContext cursor, Prompt prompt) {
        Set<String> present = new HashSet<>();
        if (cursor.scene() >= 0 && cursor.scene() < doc.scenes().size()) {
            Scene scene = doc.scenes().get(cursor.scene());
            scene.onStage().forEach(name -> present.add(Names.key(name)));
            for (Turn turn : scene.turns()) {
                if (turn.cue() != null) {
                    present.add(Names.key(turn.cue().name()));
                    turn.cue().speakers().forEach(s -> present.add(Names.key(s)));
                }
            }
        }
        if (prompt.speaker() != null) {
            present.add(Names.key(prompt.speaker()));
        }
        return present;
    }

    /**
     * End of the first sentence: after {@code . ! ? …} (and any closing quote) followed by a space,
     * or at the end of a finished line; -1 if the sentence may go on.
     */
    static int sentenceEnd(String text, boolean lineFinished) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '.' && c != '!' && c != '?' && c != '\u2026') {
                continue;
            }
            int end = i + 1;
            while (end < text.length() && ".!?\u2026".indexOf(text.charAt(end)) >= 0) {
                end++;
            }
            int quote = end;
            while (quote < text.length() && (text.charAt(quote) == ' ' || text.charAt(quote) == '\u00A0' || text.charAt(quote) == '\u202F')) {
                quote++;
            }
            if (quote < text.length() && (text.charAt(quote) == '\u00BB' || text.charAt(quote) == '"')) {
                end = quote + 1;
            }
            boolean atEnd = end >= text.length();
            if (atEnd ? lineFinished : Character.isWhitespace(text.charAt(end))) {
                return end;
            }
            i = end - 1;
        }
        return -1;
    }
}

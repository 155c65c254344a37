package org.replique.dialogue.prompt;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Names;
import org.replique.dialogue.document.Scene;
import org.replique.dialogue.document.Turn;

/**
 * The speeches before the cursor as context lines, read from the cursor backwards only as far as
 * the budget can reach, so a keystroke costs the same at the end of a long document as of a short
 * one. Consecutive speeches of the same people in a scene are merged into one line, empty ones
 * dropped, as in Claire's training data.
 */
final class ContextLines {
    private final DialogueDocument doc;
    private final List<Turn> turns;
    private final int[] sceneOfTurn;
    private final long[] lineOffsets;
    private final DirectionPolicy directions;

    ContextLines(DialogueDocument doc, DirectionPolicy directions) {
        this.doc = doc;
        this.turns = doc.turns();
        this.directions = directions;
        this.sceneOfTurn = sceneOfTurns(doc);
        this.lineOffsets = new long[doc.lines().size() + 1];
        for (int l = 0; l < doc.lines().size(); l++) {
            lineOffsets[l + 1] = lineOffsets[l] + doc.lines().get(l).length() + 1;
        }
    }

    /** The index of each turn's scene, by the turn's index in {@link DialogueDocument#turns()}. */
    static int[] sceneOfTurns(DialogueDocument doc) {
        List<Scene> scenes = doc.scenes();
        int count = 0;
        for (Scene scene : scenes) {
            count += scene.turns().size();
        }
        int[] sceneOfTurn = new int[count];
        int index = 0;
        for (int s = 0; s < scenes.size(); s++) {
            for (int t = 0; t < scenes.get(s).turns().size(); t++) {
                sceneOfTurn[index++] = s;
            }
        }
        return sceneOfTurn;
    }

    /**
     * The lines ending at turn {@code end} (exclusive), oldest first, going back until their
     * tokens (each counted with {@code allowance} more for its label) pass {@code reach}.
     */
    List<HistoryLine> before(int end, int reach, int allowance, ToIntFunction<String> tokens) {
        List<HistoryLine> lines = new ArrayList<>();
        long spent = 0;
        int t = end - 1;
        while (t >= 0 && spent <= reach) {
            HistoryLine line = lineEndingAt(t);
            if (line != null) {
                lines.addFirst(line);
                spent += tokens.applyAsInt(line.text()) + allowance;
                t = line.firstTurn() - 1;
            } else {
                t--;
            }
        }
        return lines;
    }

    /** Up to {@code count} lines by {@code speaker} before turn {@code end}, oldest first. */
    List<HistoryLine> bySpeaker(String speaker, int end, int count) {
        String key = Names.key(speaker);
        List<HistoryLine> found = new ArrayList<>();
        int t = end - 1;
        while (t >= 0 && found.size() < count) {
            Turn turn = turns.get(t);
            if (turn.cue() != null && Names.key(turn.cue().name()).equals(key)) {
                HistoryLine line = lineEndingAt(t);
                if (line != null) {
                    found.addFirst(line);
                    t = line.firstTurn() - 1;
                    continue;
                }
            }
            t--;
        }
        return found;
    }

    /** The line whose last speech is turn {@code t}, merged with the same people's speeches just before; null if empty. */
    private HistoryLine lineEndingAt(int t) {
        Turn last = turns.get(t);
        String text = TurnText.of(last, doc.format(), directions);
        if (text.isEmpty()) {
            return null;
        }
        int first = t;
        while (first > 0 && sameSpeakers(turns.get(first - 1), last) && sceneOfTurn[first - 1] == sceneOfTurn[t]) {
            String earlier = TurnText.of(turns.get(first - 1), doc.format(), directions);
            if (!earlier.isEmpty()) {
                text = earlier + " " + text;
            }
            first--;
        }
        Turn opening = turns.get(first);
        String speaker = opening.cue() == null ? null : opening.cue().name();
        List<String> speakers = opening.cue() == null ? List.of() : opening.cue().speakers();
        long offset = lineOffsets[opening.range().startLine()] + opening.range().startColumn();
        return new HistoryLine(speaker, speakers, text, sceneOfTurn[t], first, offset);
    }

    /** The same people, in any order: "CHICANNEAU, LA COMTESSE et L'INTIMÉ" then "CHICANNEAU, L'INTIMÉ et LA COMTESSE". */
    private static boolean sameSpeakers(Turn a, Turn b) {
        if (a.cue() == null || b.cue() == null) {
            return false;
        }
        Set<String> first = new HashSet<>();
        a.cue().speakers().forEach(name -> first.add(Names.key(name)));
        Set<String> second = new HashSet<>();
        b.cue().speakers().forEach(name -> second.add(Names.key(name)));
        return first.equals(second);
    }
}

package org.replique.dialogue.document;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed dialogue document. Elements are in document order; every element, cue and turn keeps
 * its source range.
 *
 * @param format   how it was read
 * @param lines    the source lines, without line terminators
 * @param elements every element, in order of their start
 * @param cues     every character cue, in order
 * @param scenes   the scenes in order; the turns of all scenes are all the document's turns
 * @param cast     a play's cast list (empty for other documents)
 */
public record DialogueDocument(DocumentFormat format, List<String> lines, List<Element> elements,
                               List<Cue> cues, List<Scene> scenes, List<CastMember> cast) {

    public DialogueDocument {
        lines = List.copyOf(lines);
        elements = List.copyOf(elements);
        cues = List.copyOf(cues);
        scenes = List.copyOf(scenes);
        cast = List.copyOf(cast);
    }

    /** All speech turns, in order. */
    public List<Turn> turns() {
        List<Turn> turns = new ArrayList<>();
        for (Scene scene : scenes) {
            turns.addAll(scene.turns());
        }
        return turns;
    }

    /** The source line, or an empty string past the end (a cursor may sit on a last empty line). */
    public String line(int index) {
        return index >= 0 && index < lines.size() ? lines.get(index) : "";
    }
}

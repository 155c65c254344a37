package org.replique.dialogue.project;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.replique.dialogue.Dialogue;
import org.replique.dialogue.document.CastMember;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;

/**
 * Another file of the project, as the prompt can use it: a script (its speeches, its cast list,
 * its Fountain notes about people) or a notes file describing the characters.
 *
 * @param name     the file's name, as shown to the writer
 * @param dialogue the script, or null for a notes file
 * @param notes    the descriptions it holds
 */
public record ProjectFile(String name, DialogueDocument dialogue, List<Note> notes) {

    public ProjectFile {
        notes = List.copyOf(notes);
    }

    /** Whether a file of this name describes characters rather than holding a script: Markdown or plain-text notes. */
    public static boolean isNotes(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        boolean text = n.endsWith(".md") || n.endsWith(".markdown") || n.endsWith(".txt") && !n.endsWith(".play.txt");
        return text && (n.contains("character") || n.contains("personnage") || n.contains("cast") || n.contains("notes")
                || n.contains("distribution"));
    }

    /** Reads a notes file or a script by its name and text. */
    public static ProjectFile read(String fileName, String text) {
        if (isNotes(fileName)) {
            return new ProjectFile(fileName, null, Notes.parse(text));
        }
        return of(fileName, Dialogue.parse(fileName, text));
    }

    /** A script already parsed (an open document): its cast list and notes about people are its descriptions. */
    public static ProjectFile of(String fileName, DialogueDocument doc) {
        List<Note> notes = new ArrayList<>();
        long[] offsets = lineOffsets(doc);
        for (CastMember member : doc.cast()) {
            String text = member.description().isBlank() ? "" : member.name() + ", " + member.description();
            if (!text.isEmpty()) {
                notes.add(new Note(member.name(), text, offsets[member.range().startLine()]));
            }
        }
        for (Element element : doc.elements()) {
            if (element.type() == ElementType.NOTE) {
                for (Note note : Notes.parse(element.text())) {
                    notes.add(new Note(note.subject(), note.text(), offsets[element.range().startLine()] + note.position()));
                }
            }
        }
        return new ProjectFile(fileName, doc, notes);
    }

    private static long[] lineOffsets(DialogueDocument doc) {
        long[] offsets = new long[doc.lines().size() + 1];
        for (int l = 0; l < doc.lines().size(); l++) {
            offsets[l + 1] = offsets[l] + doc.lines().get(l).length() + 1;
        }
        return offsets;
    }
}

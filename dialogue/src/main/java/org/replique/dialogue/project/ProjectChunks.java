package org.replique.dialogue.project;

import java.util.ArrayList;
import java.util.List;

import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Names;
import org.replique.dialogue.document.Turn;
import org.replique.dialogue.prompt.ChunkSource;
import org.replique.dialogue.prompt.ContextChunk;
import org.replique.dialogue.prompt.DirectionPolicy;
import org.replique.dialogue.prompt.TurnText;

/**
 * The chunks of the project's other files about the people of a scene, best first: their latest
 * speeches in each file (one of each person in turn, the most recently edited file first), then
 * their descriptions.
 */
public final class ProjectChunks implements ChunkSource {
    /** Speeches taken from one file for one person, at most. */
    static final int SPEECHES_PER_PERSON = 3;
    /** The longest speech kept, in characters: a long tirade says less per token than three short lines. */
    static final int LONGEST_SPEECH = 300;

    private final List<ProjectFile> files;

    /** @param files the other files, the most recently edited first */
    public ProjectChunks(List<ProjectFile> files) {
        this.files = List.copyOf(files);
    }

    @Override
    public List<ContextChunk> about(List<String> people) {
        List<String> keys = people.stream().map(Names::key).toList();
        List<List<ContextChunk>> perFileAndPerson = new ArrayList<>();
        for (ProjectFile file : files) {
            if (file.dialogue() == null) {
                continue;
            }
            for (String key : keys) {
                perFileAndPerson.add(latestSpeeches(file, key));
            }
        }
        List<ContextChunk> chunks = new ArrayList<>();
        for (int depth = 0; depth < SPEECHES_PER_PERSON; depth++) {
            for (List<ContextChunk> speeches : perFileAndPerson) {
                if (depth < speeches.size()) {
                    chunks.add(speeches.get(depth));
                }
            }
        }
        for (String key : keys) {
            for (ProjectFile file : files) {
                for (Note note : file.notes()) {
                    if (about(note.subject(), key)) {
                        chunks.add(new ContextChunk(ContextChunk.Kind.DESCRIPTION, file.name(), note.position(),
                                note.subject(), note.text()));
                    }
                }
            }
        }
        return chunks;
    }

    /** The person's latest speeches in the file, the latest first. */
    private static List<ContextChunk> latestSpeeches(ProjectFile file, String key) {
        DialogueDocument doc = file.dialogue();
        List<Turn> turns = doc.turns();
        List<ContextChunk> found = new ArrayList<>();
        long[] offsets = null;
        for (int t = turns.size() - 1; t >= 0 && found.size() < SPEECHES_PER_PERSON; t--) {
            Turn turn = turns.get(t);
            if (turn.cue() == null || !Names.key(turn.cue().name()).equals(key)) {
                continue;
            }
            String text = TurnText.of(turn, doc.format(), DirectionPolicy.DROP);
            if (text.isBlank() || text.length() > LONGEST_SPEECH) {
                continue;
            }
            if (offsets == null) {
                offsets = lineOffsets(doc);
            }
            found.add(new ContextChunk(ContextChunk.Kind.SPEECH, file.name(),
                    offsets[turn.range().startLine()] + turn.range().startColumn(), turn.cue().name(), text));
        }
        return found;
    }

    /** A note is about a person when it names them, whole or as the end of a longer title ({@code LE MARQUIS DE MASCARILLE}). */
    private static boolean about(String subject, String key) {
        String s = Names.key(subject);
        return s.equals(key) || s.endsWith(" " + key) || key.endsWith(" " + s);
    }

    private static long[] lineOffsets(DialogueDocument doc) {
        long[] offsets = new long[doc.lines().size() + 1];
        for (int l = 0; l < doc.lines().size(); l++) {
            offsets[l + 1] = offsets[l] + doc.lines().get(l).length() + 1;
        }
        return offsets;
    }
}

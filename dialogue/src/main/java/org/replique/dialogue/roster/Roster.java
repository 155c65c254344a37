package org.replique.dialogue.roster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.replique.dialogue.document.CastMember;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Names;
import org.replique.dialogue.document.Turn;

/**
 * The characters of a document, from its cues and its cast list, with how often each speaks.
 * Cast entries that name a character who speaks under a shorter cue ({@code LE MARQUIS DE
 * MASCARILLE} for {@code MASCARILLE}) are not listed twice: the cue is what the writer types.
 */
public final class Roster {

    /** A character and the number of speeches they have. */
    public record Entry(String name, int speeches) {
    }

    private final List<Entry> entries;
    private final List<Turn> turns;

    private Roster(List<Entry> entries, List<Turn> turns) {
        this.entries = List.copyOf(entries);
        this.turns = turns;
    }

    public static Roster of(DialogueDocument doc) {
        List<Turn> turns = doc.turns();
        Map<String, String> nameByKey = new LinkedHashMap<>();
        Map<String, Integer> count = new HashMap<>();
        for (Turn turn : turns) {
            if (turn.cue() == null) {
                continue;
            }
            for (String speaker : turn.cue().speakers()) {
                String key = Names.key(speaker);
                nameByKey.putIfAbsent(key, speaker);
                count.merge(key, 1, Integer::sum);
            }
        }
        List<Entry> entries = new ArrayList<>();
        nameByKey.forEach((key, name) -> entries.add(new Entry(name, count.get(key))));
        // Stable sort: equal counts keep the order of first appearance.
        entries.sort((a, b) -> Integer.compare(b.speeches(), a.speeches()));
        for (CastMember member : doc.cast()) {
            String key = Names.key(member.name());
            boolean known = nameByKey.containsKey(key)
                    || nameByKey.keySet().stream().anyMatch(cue -> key.endsWith(" " + cue));
            if (!known && !key.isEmpty()) {
                nameByKey.put(key, member.name());
                entries.add(new Entry(member.name(), 0));
            }
        }
        return new Roster(entries, turns);
    }

    /** Every character, those who speak most first, then silent cast members. */
    public List<Entry> entries() {
        return entries;
    }

    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /** The roster's name for {@code name} (any case, hyphens, no-break spaces), or null. */
    public String find(String name) {
        String key = Names.key(name);
        for (Entry entry : entries) {
            if (Names.key(entry.name()).equals(key)) {
                return entry.name();
            }
        }
        return null;
    }

    /**
     * The names in the order a cue completion on {@code line} should offer them: the speaker
     * before the last one first (dialogue alternates, A/B/A: what Better Fountain users expect),
     * then the others by number of speeches, and the last speaker last, since a speaker seldom
     * follows themselves. Only speeches that started on an earlier line count (in a play, a
     * name typed without its punctuation yet reads as more of the speech above: that speech counts).
     */
    public List<String> rankedAt(int line) {
        String last = null;
        String beforeLast = null;
        for (Turn turn : turns) {
            if (turn.range().startLine() >= line) {
                break;
            }
            if (turn.cue() == null) {
                continue;
            }
            String speaker = turn.cue().speakers().getFirst();
            if (last == null || !Names.key(speaker).equals(Names.key(last))) {
                beforeLast = last;
                last = speaker;
            }
        }
        List<String> ranked = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        if (beforeLast != null) {
            add(ranked, placed, find(beforeLast));
        }
        String lastKey = last == null ? null : Names.key(last);
        for (Entry entry : entries) {
            if (!Names.key(entry.name()).equals(lastKey)) {
                add(ranked, placed, entry.name());
            }
        }
        if (last != null) {
            add(ranked, placed, find(last));
        }
        return ranked;
    }

    private static void add(List<String> ranked, Set<String> placed, String name) {
        if (name != null && placed.add(Names.key(name))) {
            ranked.add(name);
        }
    }
}

package org.replique.dialogue.project;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the descriptions of a notes file ({@code characters.md}, {@code personnages.md}): each
 * heading with the paragraph under it, each list item and each paragraph whose first words name
 * someone ({@code ## Marie}, {@code - **Paul** — marin}, {@code MARIE : une veuve…}) is one note.
 */
public final class Notes {
    private Notes() {}

    /** The longest description kept, in characters. */
    static final int LONGEST = 400;

    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");
    private static final Pattern ITEM = Pattern.compile("^\\s*(?:[-*+]|\\d+[.)])\\s+(.*)$");
    /** A subject: bold or italic words, or up to four words before a colon, a dash or a comma. */
    private static final Pattern SUBJECT = Pattern.compile(
            "^(?:\\*\\*|__|\\*|_)(.+?)(?:\\*\\*|__|\\*|_)|^([\\p{L}][\\p{L}'’ .-]{0,40}?)\\s*(?::|—|–| - |,)");

    public static List<Note> parse(String text) {
        List<Note> notes = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        long offset = 0;
        String heading = null;
        long headingAt = 0;
        StringBuilder paragraph = new StringBuilder();
        long paragraphAt = 0;
        for (String raw : lines) {
            String line = raw.stripTrailing();
            Matcher h = HEADING.matcher(line);
            Matcher item = ITEM.matcher(line);
            if (h.matches() || item.matches() || line.isBlank()) {
                add(notes, heading, headingAt, paragraph, paragraphAt);
                paragraph.setLength(0);
                if (h.matches()) {
                    heading = plain(h.group(1));
                    headingAt = offset;
                } else if (item.matches()) {
                    paragraph.append(item.group(1).strip());
                    paragraphAt = offset;
                    add(notes, null, 0, paragraph, paragraphAt);
                    paragraph.setLength(0);
                }
            } else {
                if (paragraph.isEmpty()) paragraphAt = offset;
                paragraph.append(paragraph.isEmpty() ? "" : " ").append(line.strip());
            }
            offset += raw.length() + 1;
        }
        add(notes, heading, headingAt, paragraph, paragraphAt);
        return notes;
    }

    /** A paragraph under a heading names the heading's subject; else its own first words may name one. */
    private static void add(List<Note> notes, String heading, long headingAt, StringBuilder paragraph, long at) {
        if (paragraph.isEmpty()) {
            return;
        }
        String body = paragraph.toString();
        if (heading != null && isName(heading)) {
            notes.add(new Note(heading, cap(heading + " : " + plain(body)), headingAt));
            return;
        }
        Matcher m = SUBJECT.matcher(body);
        if (m.find()) {
            String subject = plain(m.group(1) != null ? m.group(1) : m.group(2)).strip();
            if (isName(subject)) {
                notes.add(new Note(subject, cap(plain(body)), at));
            }
        }
    }

    /** A name: one to four words, a capital first. */
    static boolean isName(String text) {
        String t = text.strip();
        return !t.isEmpty() && Character.isUpperCase(t.codePointAt(0)) && t.split("\\s+").length <= 4;
    }

    /** Without Markdown emphasis, code and link marks. */
    private static String plain(String text) {
        return text.replaceAll("(\\*\\*|__|\\*|`)", "").replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1").strip();
    }

    private static String cap(String text) {
        String t = text.strip().replaceAll("\\s+", " ");
        return t.length() <= LONGEST ? t : t.substring(0, t.lastIndexOf(' ', LONGEST) > 0 ? t.lastIndexOf(' ', LONGEST) : LONGEST) + "…";
    }
}

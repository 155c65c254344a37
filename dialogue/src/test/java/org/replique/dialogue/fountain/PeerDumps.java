package org.replique.dialogue.fountain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.Lines;

/**
 * Writes a parsed Fountain document in the two peer suites' dump formats, so their expected
 * outputs can be compared with ours.
 *
 * <p>The peers keep blank lines between action paragraphs inside one merged action; we keep
 * paragraphs apart and record their ranges, so the writers merge consecutive actions again,
 * counting the blank lines between them (lines inside a boneyard or a note do not count).
 */
final class PeerDumps {
    private PeerDumps() {}

    /** fountain-tools' {@code Script.dump()}: one entry per element, notes and boneyards last. */
    static String fountainTools(DialogueDocument doc, boolean mergeActions, boolean mergeDialogue) {
        List<String> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> boneyards = new ArrayList<>();
        Map<Element, Cue> cues = cuesByElement(doc);
        Element lastAction = null;
        String pending = null;
        for (Element e : doc.elements()) {
            if (e.type() == ElementType.NOTE) {
                notes.add("[[" + notes.size() + "]]NOTE:\"" + e.text() + "\"");
                continue;
            }
            if (e.type() == ElementType.BONEYARD) {
                boneyards.add("/*" + boneyards.size() + "*/BONEYARD:\"" + e.text() + "\"");
                continue;
            }
            boolean actionLike = e.type() == ElementType.ACTION || e.type() == ElementType.CENTERED;
            if (actionLike && lastAction != null) {
                int gap = blankLinesBetween(doc, lastAction, e);
                boolean afterPlainAction = lastAction.type() == ElementType.ACTION;
                if (mergeActions && afterPlainAction && e.type() == ElementType.ACTION) {
                    pending += "\n".repeat(gap + 1) + e.text();
                    lastAction = e;
                    continue;
                }
                if (mergeActions && afterPlainAction) {
                    // fountain-tools pads the previous action with the blank lines before a centered line.
                    pending += "\n".repeat(gap);
                    flushAction(out, lastAction, pending, true);
                } else {
                    flushAction(out, lastAction, pending, mergeActions);
                    for (int k = 0; k < gap; k++) {
                        out.add("ACTION:\"\"");
                    }
                }
                lastAction = null;
            }
            if (actionLike) {
                lastAction = e;
                pending = e.text();
                continue;
            }
            if (lastAction != null) {
                flushAction(out, lastAction, pending, mergeActions);
                lastAction = null;
            }
            switch (e.type()) {
                case TITLE_ENTRY -> out.add("TITLEENTRY:\"" + e.label() + "\":\"" + e.text() + "\"");
                case SCENE_HEADING -> out.add("HEADING:\"" + e.text() + "\"" + (e.label() == null ? "" : " (" + e.label() + ")"));
                case CHARACTER -> {
                    Cue cue = cues.get(e);
                    out.add("CHARACTER:\"" + cue.name() + "\""
                            + (cue.extension() == null ? "" : " \"" + cue.extension() + "\"")
                            + (cue.dual() ? " (Dual)" : ""));
                }
                case DIALOGUE -> {
                    for (String line : mergeDialogue ? List.of(e.text()) : List.of(e.text().split("\n", -1))) {
                        out.add("DIALOGUE:\"" + line + "\"");
                    }
                }
                case PARENTHETICAL -> out.add("PARENTHETICAL:\"" + e.text().substring(1, e.text().length() - 1).strip() + "\"");
                case LYRICS -> out.add("LYRIC:\"" + e.text() + "\"");
                case TRANSITION -> out.add("TRANSITION:\"" + e.text() + "\"");
                case PAGE_BREAK -> out.add("PAGEBREAK:\"\"");
                case SECTION -> out.add("SECTION:\"" + e.text() + "\" (" + e.label() + ")");
                case SYNOPSIS -> out.add("SYNOPSIS:\"" + e.text() + "\"");
                default -> throw new IllegalStateException("not a Fountain element: " + e.type());
            }
        }
        if (lastAction != null) {
            flushAction(out, lastAction, pending, mergeActions);
        }
        out.addAll(notes);
        out.addAll(boneyards);
        return String.join("\n", out);
    }

    private static void flushAction(List<String> out, Element last, String text, boolean merged) {
        String suffix = last.type() == ElementType.CENTERED ? " (centered)" : "";
        for (String line : merged ? List.of(text) : List.of(text.split("\n", -1))) {
            out.add("ACTION:\"" + line + "\"" + suffix);
        }
    }

    /** Jouvence's element list: a type character, then the text. */
    static List<String> jouvence(DialogueDocument doc) {
        List<String> out = new ArrayList<>();
        Map<Element, Cue> cues = cuesByElement(doc);
        List<Element> elements = doc.elements();
        String pendingAction = null;
        Element pendingElement = null;
        for (Element e : elements) {
            if (e.type() == ElementType.NOTE || e.type() == ElementType.BONEYARD || e.type() == ElementType.TITLE_ENTRY) {
                continue;
            }
            if (e.type() == ElementType.ACTION) {
                if (pendingAction != null) {
                    pendingAction += "\n".repeat(blankLinesBetween(doc, pendingElement, e) + 1) + e.text();
                } else {
                    pendingAction = e.text();
                }
                pendingElement = e;
                continue;
            }
            if (pendingAction != null) {
                out.add("!" + pendingAction);
                pendingAction = null;
            }
            out.add(switch (e.type()) {
                case SCENE_HEADING -> "." + e.text();
                case CENTERED -> "!><" + e.text();
                case CHARACTER -> {
                    Cue cue = cues.get(e);
                    yield "@" + cue.name() + (cue.extension() == null ? "" : " " + cue.extension());
                }
                case DIALOGUE -> "=" + e.text();
                case PARENTHETICAL -> "_" + e.text();
                case TRANSITION -> ">" + e.text();
                case LYRICS -> "~" + e.text();
                case SECTION -> "#" + e.text();
                case SYNOPSIS -> "+" + e.text();
                case PAGE_BREAK -> "<pagebreak>";
                default -> throw new IllegalStateException("not a Fountain element: " + e.type());
            });
        }
        if (pendingAction != null) {
            out.add("!" + pendingAction);
        }
        return out;
    }

    /** Jouvence's title page: lower-case keys. */
    static Map<String, String> jouvenceTitle(DialogueDocument doc) {
        Map<String, String> title = new LinkedHashMap<>();
        for (Element e : doc.elements()) {
            if (e.type() == ElementType.TITLE_ENTRY) {
                title.put(e.label().toLowerCase(java.util.Locale.ROOT), e.text());
            }
        }
        return title;
    }

    private static Map<Element, Cue> cuesByElement(DialogueDocument doc) {
        Map<Element, Cue> map = new java.util.IdentityHashMap<>();
        int cue = 0;
        for (Element e : doc.elements()) {
            if (e.type() == ElementType.CHARACTER) {
                map.put(e, doc.cues().get(cue++));
            }
        }
        return map;
    }

    /** Blank source lines between two elements, not counting lines inside a boneyard or a note. */
    static int blankLinesBetween(DialogueDocument doc, Element a, Element b) {
        int count = 0;
        for (int line = a.range().endLine() + 1; line < b.range().startLine(); line++) {
            if (Lines.isBlank(doc.line(line)) && !insideAside(doc, line)) {
                count++;
            }
        }
        return count;
    }

    private static boolean insideAside(DialogueDocument doc, int line) {
        for (Element e : doc.elements()) {
            if ((e.type() == ElementType.BONEYARD || e.type() == ElementType.NOTE)
                    && e.range().startLine() <= line && line <= e.range().endLine()) {
                return true;
            }
        }
        return false;
    }
}

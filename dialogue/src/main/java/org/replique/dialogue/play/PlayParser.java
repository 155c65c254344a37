package org.replique.dialogue.play;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.replique.dialogue.document.CastMember;
import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.DocumentBuilder;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.Lines;
import org.replique.dialogue.document.Names;
import org.replique.dialogue.document.TextRange;

/**
 * Parses a stage play, paragraph by paragraph (paragraphs are separated by blank lines).
 *
 * <p>A paragraph is the cast list heading and its roles, an act or scene heading, a stage
 * direction in parentheses or brackets ({@code (Il sort.)}, {@code [Exit.]}, or English
 * {@code Enter …}/{@code Exit}/{@code Exeunt}), a speech opening with a cue, or — after a speech —
 * more of that speech (modern editions split long speeches into paragraphs). A cue alone on its
 * paragraph ({@code PHILINTE.}) opens a speech with no words yet, the writer's next line; before
 * the first speech it may be a title instead, unless the cast list names it. Before the first
 * heading or speech, paragraphs are the title, or directions (the setting) once the cast list has
 * been read. Verse stays one line per verse inside the speech's dialogue.
 */
public final class PlayParser {
    private static final Pattern MIXED_CASE_CUE =
            Pattern.compile("^\\s*(\\p{Lu}[\\p{L}'’\\-]*(?:[ \\u00A0][\\p{L}'’\\-]+){0,3})[ \\u00A0]?[.:][ \\u00A0]");
    /** Lines shaped like a cue that end a play: "FIN." is nobody's speech but a direction. */
    private static final java.util.Set<String> CLOSING_WORDS = java.util.Set.of("FIN", "RIDEAU", "THE END", "CURTAIN", "END");
    private static final Pattern ENGLISH_DIRECTION = Pattern.compile("^\\s*(?:Enter|Exit|Exeunt|Re-enter|Manet|Manent)\\b");

    private final List<String> lines;
    private final List<int[]> paragraphs = new ArrayList<>();
    private final KnownNames known = new KnownNames();
    private final DocumentBuilder out;

    private PlayParser(List<String> lines) {
        this.lines = lines;
        this.out = new DocumentBuilder(DocumentFormat.PLAY, lines);
        int start = -1;
        for (int l = 0; l <= lines.size(); l++) {
            boolean blank = l == lines.size() || Lines.isBlank(lines.get(l));
            if (!blank && start < 0) {
                start = l;
            } else if (blank && start >= 0) {
                paragraphs.add(new int[] {start, l - 1});
                start = -1;
            }
        }
    }

    /** Parses a stage play. */
    public static DialogueDocument parse(String text) {
        return new PlayParser(Lines.split(text)).run();
    }

    private DialogueDocument run() {
        learnNames();
        boolean front = true;
        boolean castOpen = false;
        boolean castSeen = false;
        for (int[] paragraph : paragraphs) {
            int a = paragraph[0];
            int b = paragraph[1];
            String first = lines.get(a);
            if (PlayShapes.isCastHeading(first)) {
                out.add(new Element(ElementType.CAST_LIST, content(a), first.strip()));
                castOpen = true;
                castSeen = true;
                for (int l = a + 1; l <= b; l++) {
                    castEntry(l);
                }
                continue;
            }
            if (castOpen && isCastParagraph(a, b)) {
                for (int l = a; l <= b; l++) {
                    castEntry(l);
                }
                continue;
            }
            castOpen = false;
            if (PlayShapes.isScene(first)) {
                String heading = joined(a, b);
                out.startScene(new Element(ElementType.SCENE, span(a, b), heading), onStage(heading));
                front = false;
            } else if (PlayShapes.isAct(first) && a == b) {
                out.startScene(new Element(ElementType.ACT, span(a, b), first.strip()), List.of());
                front = false;
            } else if (isDirection(a, b) || a == b && CLOSING_WORDS.contains(Names.key(trimDots(first)))) {
                String text = joined(a, b);
                if (text.startsWith("(") && text.endsWith(")") || text.startsWith("[") && text.endsWith("]")) {
                    text = text.substring(1, text.length() - 1).strip();
                }
                out.add(new Element(ElementType.STAGE_DIRECTION, span(a, b), text));
            } else if (speech(a, b, front)) {
                front = false;
            } else if (front) {
                boolean title = !castSeen || joined(a, b).equals(joined(a, b).toUpperCase(java.util.Locale.ROOT));
                out.add(new Element(title ? ElementType.TITLE : ElementType.STAGE_DIRECTION, span(a, b), joined(a, b)));
            } else if (out.inTurn()) {
                SpeechText.parts(lines, a, 0, b, out::addPart);
            } else {
                out.add(new Element(ElementType.STAGE_DIRECTION, span(a, b), joined(a, b)));
            }
        }
        return out.build();
    }

    /** Names from the cast list and from unambiguous cues, so that ambiguous cues can be read. */
    private void learnNames() {
        Map<String, Integer> mixedCase = new HashMap<>();
        boolean castOpen = false;
        for (int[] paragraph : paragraphs) {
            String first = lines.get(paragraph[0]);
            if (PlayShapes.isCastHeading(first)) {
                castOpen = true;
                for (int l = paragraph[0] + 1; l <= paragraph[1]; l++) {
                    known.add(castName(lines.get(l)));
                }
                continue;
            }
            if (castOpen && isCastParagraph(paragraph[0], paragraph[1])) {
                for (int l = paragraph[0]; l <= paragraph[1]; l++) {
                    known.add(castName(lines.get(l)));
                }
                continue;
            }
            castOpen = false;
            TheatreCue cue = TheatreCue.match(first, KnownNames.none());
            if (cue != null && cue.textStart() < first.length()) {
                cue.speakers().forEach(known::add);
            }
            if (mayOpenWithMixedCaseName(first)) {
                Matcher m = MIXED_CASE_CUE.matcher(first);
                if (m.find()) {
                    mixedCase.merge(m.group(1), 1, Integer::sum);
                }
            }
        }
        // A mixed-case name opening three speeches or more is taken for a cue style ("Hamlet. …").
        mixedCase.forEach((name, count) -> {
            if (count >= 3) {
                known.add(name);
            }
        });
    }

    /** A capital followed by a lower-case letter: the only openings the mixed-case cue pattern needs to see. */
    private static boolean mayOpenWithMixedCaseName(String line) {
        int i = Lines.indent(line);
        return i + 1 < line.length() && Character.isUpperCase(line.charAt(i)) && Character.isLowerCase(line.charAt(i + 1));
    }

    /** Reads a speech opening at line a; false if the paragraph does not open with a cue. */
    private boolean speech(int a, int b, boolean front) {
        String first = lines.get(a);
        TheatreCue cue = TheatreCue.match(first, known);
        boolean alone = cue != null && cue.textStart() >= first.length() && a == b;
        boolean knownSpeakers = cue != null && cue.speakers().stream().allMatch(known::contains);
        // A cue alone is a speech about to be written (the writer has typed the name), never words
        // added to the speech above; but before the first speech it may be a title ("LE MISANTHROPE.").
        if (cue != null && !(alone && front && !knownSpeakers)) {
            Cue parsed = new Cue(TextRange.onLine(a, cue.nameStart(), cue.nameEnd()), cue.name(), null, false, false,
                    cue.direction(), cue.speakers());
            out.startTurn(parsed, new Element(ElementType.CHARACTER, parsed.range(), cue.name()));
            if (cue.direction() != null) {
                out.addPart(new Element(ElementType.STAGE_DIRECTION,
                        TextRange.onLine(a, cue.directionStart(), cue.directionEnd()), cue.direction()));
            }
            SpeechText.parts(lines, a, cue.textStart(), b, out::addPart);
            return true;
        }
        // Acting editions: the name alone on its line, the speech under it.
        String name = first.strip();
        if (b > a && known.contains(name) && TheatreCue.isCapitalisedName(name)) {
            int start = Lines.indent(first);
            Cue parsed = Cue.simple(TextRange.onLine(a, start, start + name.length()), name);
            out.startTurn(parsed, new Element(ElementType.CHARACTER, parsed.range(), name));
            SpeechText.parts(lines, a + 1, 0, b, out::addPart);
            return true;
        }
        return false;
    }

    private boolean isDirection(int a, int b) {
        String first = lines.get(a).strip();
        if (first.startsWith("(") || first.startsWith("[")) {
            String text = joined(a, b);
            return text.endsWith(")") || text.endsWith("]");
        }
        int start = Lines.indent(first);
        char c = start < first.length() ? first.charAt(start) : ' ';
        return (c == 'E' || c == 'R' || c == 'M') && ENGLISH_DIRECTION.matcher(first).find();
    }

    /** Roles, one per line: capitalised, closed by punctuation, and none of them a cue with a speech. */
    private boolean isCastParagraph(int a, int b) {
        for (int l = a; l <= b; l++) {
            String line = lines.get(l).strip();
            if (line.isEmpty() || !Character.isUpperCase(line.codePointAt(0))
                    || PlayShapes.isScene(line) || PlayShapes.isAct(line)) {
                return false;
            }
            boolean punctuated = line.endsWith(".") || line.endsWith(",") || line.endsWith(";") || line.indexOf(',') > 0;
            TheatreCue cue = TheatreCue.match(line, KnownNames.none());
            if (!punctuated || cue != null && cue.textStart() < line.length()) {
                return false;
            }
        }
        return true;
    }

    private void castEntry(int line) {
        String text = lines.get(line).strip();
        String name = castName(text);
        String description = text.substring(Math.min(text.length(), text.indexOf(name) + name.length())).strip();
        while (description.startsWith(",") || description.startsWith(".")) {
            description = description.substring(1).strip();
        }
        out.add(new Element(ElementType.CAST_LIST, content(line), text));
        out.addCastMember(new CastMember(name, description, content(line)));
    }

    /** The role's name: before the first comma, or its leading capitalised words. */
    static String castName(String entry) {
        String text = entry.strip();
        int comma = text.indexOf(',');
        String name = comma > 0 ? text.substring(0, comma) : text;
        if (comma < 0 && !TheatreCue.isCapitalisedName(trimDots(name))) {
            StringBuilder words = new StringBuilder();
            for (String word : name.split("\\s+")) {
                if (!TheatreCue.isCapitalisedName(trimDots(word)) && !words.isEmpty()) {
                    break;
                }
                words.append(words.isEmpty() ? "" : " ").append(word);
            }
            name = words.toString();
        }
        return trimDots(name.strip());
    }

    private static String trimDots(String text) {
        String result = text.strip();
        while (result.endsWith(".")) {
            result = result.substring(0, result.length() - 1).strip();
        }
        return result;
    }

    /** The characters a scene heading lists; a single one only if it is a known character. */
    private List<String> onStage(String heading) {
        List<String> parts = PlayShapes.sceneRest(heading);
        if (parts.size() == 1 && !known.contains(parts.getFirst())) {
            return List.of();
        }
        return parts;
    }

    private String joined(int a, int b) {
        StringBuilder text = new StringBuilder();
        for (int l = a; l <= b; l++) {
            if (l > a) {
                text.append(' ');
            }
            text.append(lines.get(l).strip());
        }
        return text.toString();
    }

    private TextRange content(int line) {
        String text = lines.get(line);
        int start = Lines.indent(text);
        return TextRange.onLine(line, start, Math.max(start, Lines.contentEnd(text)));
    }

    private TextRange span(int a, int b) {
        return content(a).union(content(b));
    }
}

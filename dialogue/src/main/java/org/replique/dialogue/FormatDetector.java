package org.replique.dialogue;

import java.util.List;
import java.util.Locale;

import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.document.Lines;
import org.replique.dialogue.fountain.CueLine;
import org.replique.dialogue.fountain.FountainShapes;
import org.replique.dialogue.play.KnownNames;
import org.replique.dialogue.play.PlayShapes;
import org.replique.dialogue.play.TheatreCue;
import org.replique.dialogue.transcript.TranscriptLine;

/**
 * Tells a Fountain screenplay, a play and a Claire transcript apart by their content, the file
 * name breaking ties.
 *
 * <p>Transcript and play evidence is weighed before the extension: a {@code .fountain} file whose
 * first line is {@code ALCESTE: Laissez-moi…} is a play, which a Fountain parser would swallow as a
 * title page. Only the first {@value #SAMPLE_LINES} lines are read, so detection costs the same on
 * any document.
 */
final class FormatDetector {
    private FormatDetector() {}

    static final int SAMPLE_LINES = 3000;

    static DocumentFormat detect(String fileName, String text) {
        List<String> lines = Lines.split(text, SAMPLE_LINES + 1);
        int sample = Math.min(lines.size(), SAMPLE_LINES);
        int nonBlank = 0;
        int transcriptLines = 0;
        int playCues = 0;
        int playHeadings = 0;
        int fountainCues = 0;
        int fountainHeadings = 0;
        for (int l = 0; l < sample; l++) {
            String line = lines.get(l);
            if (Lines.isBlank(line)) {
                continue;
            }
            nonBlank++;
            if (TranscriptLine.read(line).kind() != TranscriptLine.Kind.TEXT) {
                transcriptLines++;
            }
            boolean paragraphStart = l == 0 || Lines.isBlank(lines.get(l - 1));
            if (!paragraphStart) {
                continue;
            }
            String trimmed = line.strip();
            boolean nextIsText = l + 1 < lines.size() && !Lines.isBlank(lines.get(l + 1));
            if (PlayShapes.isAct(trimmed) || PlayShapes.isScene(trimmed) || PlayShapes.isCastHeading(trimmed)) {
                playHeadings++;
                continue;
            }
            if (FountainShapes.hasHeadingPrefix(trimmed) || trimmed.startsWith(".") && trimmed.length() > 1
                    && Character.isLetter(trimmed.charAt(1)) || FountainShapes.isTransition(line)) {
                fountainHeadings++;
                continue;
            }
            TheatreCue cue = TheatreCue.match(line, KnownNames.none());
            if (cue != null && (cue.textStart() < line.length() || nextIsText)) {
                playCues++;
            } else if (nextIsText && CueLine.parse(line) != null) {
                fountainCues++;
            }
        }
        if (nonBlank > 0 && transcriptLines * 10 >= nonBlank * 6) {
            return DocumentFormat.TRANSCRIPT;
        }
        int play = playCues + 2 * playHeadings;
        int fountain = fountainCues + 2 * fountainHeadings;
        if (play > fountain) {
            return DocumentFormat.PLAY;
        }
        if (fountain > play) {
            return DocumentFormat.FOUNTAIN;
        }
        return byExtension(fileName);
    }

    private static DocumentFormat byExtension(String fileName) {
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".play") || name.endsWith(".play.txt") || name.endsWith(".theatre") || name.endsWith(".script")) {
            return DocumentFormat.PLAY;
        }
        if (name.endsWith(".claire") || name.endsWith(".transcript") || name.endsWith(".dialogue")) {
            return DocumentFormat.TRANSCRIPT;
        }
        // .fountain, .spmd, .txt and anything else: Fountain reads plain text as action, which is harmless.
        return DocumentFormat.FOUNTAIN;
    }
}

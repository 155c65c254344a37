package org.replique.dialogue.claire;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.replique.dialogue.document.CastMember;
import org.replique.dialogue.document.Names;

/**
 * Speaker names as Claire saw them. Its training data title-cased names ({@code ALCESTE} became
 * {@code Alceste}); the model never saw {@code [ALCESTE:]}. French particles inside a name stay
 * lower case ({@code Le Marquis de Mascarille}), as in the play editions Claire was trained on.
 */
public final class ClaireNames {
    private ClaireNames() {}

    private static final Set<String> PARTICLES = Set.of("de", "des", "du", "d'", "la", "le", "les", "l'", "et",
            "von", "van", "der", "den", "of", "the", "and", "y", "da", "di");

    /** The label for one speaker: capitalised names title-cased, mixed-case names kept as written. */
    public static String label(String name) {
        String clean = name.replace('[', ' ').replace(']', ' ').replace(':', ' ')
                .replace('\u00A0', ' ').replace('\u202F', ' ').strip().replaceAll("\\s+", " ");
        if (!clean.equals(clean.toUpperCase(Locale.FRENCH))) {
            return clean;
        }
        String[] words = clean.split(" ");
        List<String> out = new ArrayList<>(words.length);
        for (int w = 0; w < words.length; w++) {
            out.add(titleWord(words[w], w == 0));
        }
        return String.join(" ", out);
    }

    /**
     * The label a cast list gives a cue's character: a cue {@code MASCARILLE} whose cast entry is
     * {@code LE MARQUIS DE MASCARILLE} is {@code Le Marquis de Mascarille}, the name play editions
     * (and so Claire's training data) use; null when no single longer cast name ends with the cue.
     */
    public static String castLabel(List<CastMember> cast, String cue) {
        String key = Names.key(cue);
        CastMember match = null;
        for (CastMember member : cast) {
            String castKey = Names.key(member.name());
            if (castKey.equals(key)) {
                return null; // the cue is the cast name itself
            }
            if (castKey.endsWith(" " + key)) {
                if (match != null) {
                    return null; // two candidates: no guess
                }
                match = member;
            }
        }
        return match == null ? null : label(match.name());
    }

    /** The label for a speech said together: {@code Chicanneau et La Comtesse}. */
    public static String label(List<String> speakers) {
        List<String> labels = new ArrayList<>(speakers.size());
        for (String speaker : speakers) {
            labels.add(label(speaker));
        }
        return String.join(" et ", labels);
    }

    private static String titleWord(String word, boolean first) {
        String lower = word.toLowerCase(Locale.FRENCH);
        if (!first && PARTICLES.contains(lower)) {
            return lower;
        }
        if (!first && word.length() <= 4 && word.chars().allMatch(c -> "IVXLCDM".indexOf(c) >= 0)) {
            return word; // a regnal number: LOUIS XIV
        }
        StringBuilder out = new StringBuilder(word.length());
        boolean capitalise = true;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            out.append(capitalise ? Character.toUpperCase(c) : c);
            capitalise = c == '-' || c == '\'' || c == '\u2019' || c == '.';
        }
        String result = out.toString();
        // An elided particle inside a name: "MONSIEUR D'ARTAGNAN" reads "Monsieur d'Artagnan".
        if (!first && result.length() > 2 && (result.startsWith("D'") || result.startsWith("L'")
                || result.startsWith("D\u2019") || result.startsWith("L\u2019"))) {
            result = Character.toLowerCase(result.charAt(0)) + result.substring(1);
        }
        return result;
    }
}

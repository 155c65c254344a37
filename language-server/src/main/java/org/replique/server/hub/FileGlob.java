package org.replique.server.hub;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * {@code --include} patterns with the semantics of huggingface_hub's {@code allow_patterns}
 * (Python's fnmatch): {@code *} matches any run of characters, {@code /} included, {@code ?} one
 * character, {@code [...]} a set ({@code [!...]} its complement); a pattern ending in {@code /}
 * means everything under that folder. So {@code *.gguf} selects GGUF files at any depth and
 * {@code *Q4_K_M*} the Q4_K_M quantization.
 */
final class FileGlob {

    private FileGlob() {}

    /** Whether a repository path matches any of {@code patterns}; no pattern at all selects everything. */
    static Predicate<String> anyOf(List<String> patterns) {
        if (patterns == null || patterns.isEmpty()) return name -> true;
        List<Pattern> compiled = patterns.stream().map(FileGlob::compile).toList();
        return name -> compiled.stream().anyMatch(p -> p.matcher(name).matches());
    }

    static Pattern compile(String glob) {
        String g = glob.endsWith("/") ? glob + "*" : glob;
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int end = g.indexOf(']', i + 2);
                    if (end < 0) {
                        re.append("\\[");
                    } else {
                        String set = g.substring(i + 1, end);
                        boolean negated = set.startsWith("!");
                        if (negated) set = set.substring(1);
                        re.append('[').append(negated ? "^" : "").append(set.replace("\\", "\\\\").replace("[", "\\["))
                                .append(']');
                        i = end;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}

package org.replique.dialogue.fountain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.fixtures.Fixtures;
import org.yaml.snakeyaml.Yaml;

class JouvenceConformanceTest {

    record Case(String name, String input, List<String> out, Map<String, String> title) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() throws IOException {
        Path folder = Fixtures.file("documents/fountain/peer-fixtures/jouvence");
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> yaml = Files.newDirectoryStream(folder, "*.yaml")) {
            yaml.forEach(files::add);
        }
        files.sort(null);
        List<Case> cases = new ArrayList<>();
        for (Path file : files) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                int index = 0;
                for (Object document : new Yaml().loadAll(reader)) {
                    Map<?, ?> map = (Map<?, ?>) document;
                    List<String> out = new ArrayList<>();
                    for (Object item : (List<?>) map.get("out")) {
                        out.add((String) item);
                    }
                    Map<String, String> title = null;
                    if (map.get("title") instanceof Map<?, ?> t) {
                        title = new LinkedHashMap<>();
                        for (Map.Entry<?, ?> e : t.entrySet()) {
                            title.put((String) e.getKey(), (String) e.getValue());
                        }
                    }
                    String name = file.getFileName().toString().replace(".yaml", "") + "#" + index++;
                    cases.add(new Case(name, (String) map.get("in"), out, title));
                }
            }
        }
        return cases;
    }

    /**
     * Where we read an input differently on purpose.
     *
     * @param testCase the suite's case, {@code file#index}
     * @param reason   why
     * @param ours     the element list we produce instead of the suite's
     */
    record Deviation(String testCase, String reason, List<String> ours) {
    }

    static final List<Deviation> DEVIATIONS = List.of(
            new Deviation("test_lyrics#1",
                    "a line starting with ~ is a lyric whatever follows it (fountain.io: always forced, as fountain-tools reads it); "
                            + "Jouvence makes it action when a non-lyric line follows",
                    List.of("~This is lyrics", "!But this is not")));

    static Stream<Case> conforming() throws IOException {
        return cases().stream().filter(c -> deviation(c) == null);
    }

    static Stream<Case> deviating() throws IOException {
        return cases().stream().filter(c -> deviation(c) != null);
    }

    private static Deviation deviation(Case c) {
        return DEVIATIONS.stream().filter(d -> d.testCase.equals(c.name)).findFirst().orElse(null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conforming")
    void matchesTheSuite(Case c) {
        DialogueDocument doc = FountainParser.parse(c.input);
        assertThat(comparable(PeerDumps.jouvence(doc))).isEqualTo(comparable(c.out));
        if (c.title != null) {
            assertThat(PeerDumps.jouvenceTitle(doc)).isEqualTo(c.title);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deviating")
    void deviatesWhereDocumented(Case c) {
        Deviation deviation = deviation(c);
        List<String> ours = comparable(PeerDumps.jouvence(FountainParser.parse(c.input)));
        assertThat(ours).as(deviation.reason).isEqualTo(comparable(deviation.ours)).isNotEqualTo(comparable(c.out));
    }

    @Test
    void everyDocumentedDeviationNamesACaseOfTheSuite() throws IOException {
        List<String> names = cases().stream().map(Case::name).toList();
        assertThat(names).hasSize(46).containsAll(DEVIATIONS.stream().map(Deviation::testCase).toList());
    }

    /**
     * Jouvence keeps the blank lines around an action inside its text ({@code "!\nThis is an
     * action"}); we keep paragraphs and their ranges instead. Action text is compared trimmed, and
     * an action that is only blank lines is not compared.
     */
    static List<String> comparable(List<String> out) {
        List<String> comparable = new ArrayList<>();
        for (String item : out) {
            if (item.startsWith("!") && !item.startsWith("!><")) {
                String text = item.substring(1).strip();
                if (!text.isEmpty()) {
                    comparable.add("!" + text);
                }
            } else {
                comparable.add(item.startsWith("!><") ? "!><" + item.substring(3).strip() : item);
            }
        }
        return comparable;
    }
}

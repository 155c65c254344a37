package org.replique.dialogue.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.document.DocumentFormat;

/** Any text read as a fountain: a document whose lines and ranges hold (see {@link DocumentInvariants}), never an exception. */
class FountainFuzzTest {
    static Stream<Arguments> seeds() {
        return DocumentInvariants.seeds("documents/fountain", ".fountain");
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void anyTextParsesWithRangesInsideTheDocument(@NotNull @WithUtf8Length(max = 8192) String text) {
        DocumentInvariants.check(text, Dialogue.parse(text, DocumentFormat.FOUNTAIN));
    }
}

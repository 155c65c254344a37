package org.replique.dialogue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.replique.fixtures.Fixtures;

/** Reads the dialogue documents of the test fixtures. */
public final class TestDocuments {
    private TestDocuments() {}

    /** The text of {@code test-fixtures/documents/<relative>}. */
    public static String read(String relative) {
        try {
            return Files.readString(Fixtures.file("documents/" + relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

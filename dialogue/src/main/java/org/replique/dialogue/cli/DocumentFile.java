package org.replique.dialogue.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.replique.dialogue.Dialogue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.DocumentFormat;
import picocli.CommandLine;

/** Reads a document for a command: UTF-8 without a byte-order mark, format detected unless named. */
final class DocumentFile {
    private DocumentFile() {}

    static final String FORMATS = "auto, fountain, play, transcript";

    static DialogueDocument read(Path file, String format, CommandLine commandLine) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (format.equalsIgnoreCase("auto")) {
            return Dialogue.parse(file.getFileName().toString(), text);
        }
        try {
            return Dialogue.parse(text, DocumentFormat.fromId(format));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, "--format must be one of " + FORMATS + ", not " + format);
        }
    }
}

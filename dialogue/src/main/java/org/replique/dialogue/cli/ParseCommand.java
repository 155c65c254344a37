package org.replique.dialogue.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Element;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code replique parse FILE [--format …] [--json]}: the elements and cues of a dialogue document (0-based lines). */
@Command(name = "parse", mixinStandardHelpOptions = true,
        description = "Parse a screenplay (Fountain), a play or a Claire transcript and list its elements and cues.")
public final class ParseCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "the document")
    Path file;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "FORMAT",
            description = "auto (from the name and content), fountain, play or transcript; default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--json", description = "print JSON: {format, elements: [{type, text, line}], cues: [{line, name, extension, dual, forced}]}")
    boolean json;

    @Spec
    CommandSpec spec;

    public ParseCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DialogueDocument doc;
        try {
            doc = DocumentFile.read(file, format, spec.commandLine());
        } catch (IOException e) {
            spec.commandLine().getErr().println("replique parse: cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        if (json) {
            out.println(toJson(doc));
        } else {
            out.println("format: " + doc.format().id());
            for (Element element : doc.elements()) {
                out.printf("%d:%d-%d:%d %s %s%n", element.range().startLine(), element.range().startColumn(),
                        element.range().endLine(), element.range().endColumn(), element.type().id(),
                        element.text().replace("\n", "\\n"));
            }
        }
        out.flush();
        return 0;
    }

    static String toJson(DialogueDocument doc) {
        JsonObject root = new JsonObject();
        root.addProperty("format", doc.format().id());
        JsonArray elements = new JsonArray();
        for (Element element : doc.elements()) {
            JsonObject e = new JsonObject();
            e.addProperty("type", element.type().id());
            e.addProperty("text", element.text());
            e.addProperty("line", element.range().startLine());
            elements.add(e);
        }
        root.add("elements", elements);
        JsonArray cues = new JsonArray();
        for (Cue cue : doc.cues()) {
            JsonObject c = new JsonObject();
            c.addProperty("line", cue.range().startLine());
            c.addProperty("name", cue.name());
            c.addProperty("extension", cue.extension());
            c.addProperty("dual", cue.dual());
            c.addProperty("forced", cue.forced());
            cues.add(c);
        }
        root.add("cues", cues);
        return GSON.toJson(root);
    }

    static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
}

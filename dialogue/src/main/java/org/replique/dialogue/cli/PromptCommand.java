package org.replique.dialogue.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.replique.dialogue.claire.LabelStyle;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.prompt.DirectionPolicy;
import org.replique.dialogue.prompt.Prompt;
import org.replique.dialogue.prompt.PromptBuilder;
import org.replique.dialogue.prompt.PromptOptions;
import org.replique.dialogue.prompt.TokenCounters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replique prompt FILE --line L --column C [--json] [--budget TOKENS]}: Claire's prompt at a
 * cursor (0-based line and column) and the continuation expected there. Without a model at hand,
 * tokens are counted approximately (UTF-8 bytes / 3).
 */
@Command(name = "prompt", mixinStandardHelpOptions = true,
        description = "Build the model's prompt at a cursor and say what the model should write there.")
public final class PromptCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "the document")
    Path file;

    @Option(names = "--line", required = true, paramLabel = "L", description = "cursor line, 0-based")
    int line;

    @Option(names = "--column", required = true, paramLabel = "C", description = "cursor column, 0-based (UTF-16 units, as LSP)")
    int column;

    @Option(names = "--budget", defaultValue = "2048", paramLabel = "TOKENS",
            description = "most tokens the prompt may take (counted as UTF-8 bytes / 3); default: ${DEFAULT-VALUE}")
    int budget;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "FORMAT",
            description = "auto, fountain, play or transcript; default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--labels", defaultValue = "auto", paramLabel = "STYLE",
            description = "auto, named, intervenant or dash; default: ${DEFAULT-VALUE}")
    String labels;

    @Option(names = "--keep-directions", description = "keep parentheticals and stage directions inline")
    boolean keepDirections;

    @Option(names = "--voice", defaultValue = "0", paramLabel = "LINES",
            description = "earlier lines of the speaker to put ahead of the context; default: ${DEFAULT-VALUE}")
    int voice;

    @Option(names = "--json", description = "print JSON: {format, kind, speaker, prompt, tokens, budget, stable_length, first_turn, speakers}")
    boolean json;

    @Spec
    CommandSpec spec;

    public PromptCommand() {
    }

    @Override
    public Integer call() {
        CommandLine commandLine = spec.commandLine();
        if (line < 0 || column < 0 || budget <= 0 || voice < 0) {
            throw new CommandLine.ParameterException(commandLine, "--line and --column must be 0 or more, --budget positive");
        }
        LabelStyle style;
        try {
            style = LabelStyle.valueOf(labels.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, "--labels must be auto, named, intervenant or dash, not " + labels);
        }
        DialogueDocument doc;
        try {
            doc = DocumentFile.read(file, format, commandLine);
        } catch (IOException e) {
            commandLine.getErr().println("replique prompt: cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        PromptOptions options = PromptOptions.defaults()
                .withBudget(budget, TokenCounters.approximate())
                .withLabels(style)
                .withDirections(keepDirections ? DirectionPolicy.KEEP : DirectionPolicy.DROP)
                .withVoiceLines(voice);
        Prompt prompt = PromptBuilder.build(doc, line, column, options);
        PrintWriter out = commandLine.getOut();
        if (json) {
            out.println(toJson(doc, prompt, budget));
        } else {
            // The prompt alone on standard output, byte for byte, so that it can be piped to a model.
            out.print(prompt.text());
            commandLine.getErr().println("kind: " + prompt.kind().id() + (prompt.speaker() == null ? "" : ", speaker: " + prompt.speaker())
                    + ", tokens: " + prompt.tokens());
        }
        out.flush();
        return 0;
    }

    static String toJson(DialogueDocument doc, Prompt prompt, int budget) {
        JsonObject root = new JsonObject();
        root.addProperty("format", doc.format().id());
        root.addProperty("kind", prompt.kind().id());
        root.addProperty("speaker", prompt.speaker());
        root.addProperty("prompt", prompt.text());
        root.addProperty("tokens", prompt.tokens());
        root.addProperty("budget", budget);
        root.addProperty("stable_length", prompt.stableLength());
        root.addProperty("first_turn", prompt.firstTurn());
        JsonArray speakers = new JsonArray();
        for (Map.Entry<String, String> entry : prompt.speakers().labels().entrySet()) {
            JsonObject speaker = new JsonObject();
            speaker.addProperty("label", entry.getKey());
            speaker.addProperty("name", entry.getValue());
            speakers.add(speaker);
        }
        root.add("speakers", speakers);
        return ParseCommand.GSON.toJson(root);
    }
}

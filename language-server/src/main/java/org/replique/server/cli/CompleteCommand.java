package org.replique.server.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.replique.engine.backend.Cancellation;
import org.replique.server.completion.DialogueCompleter;
import org.replique.server.config.ServerSettings;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.documents.TextDocument;
import org.replique.server.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code replique complete}: one inline completion, as the server would return it. */
@Command(name = "complete", mixinStandardHelpOptions = true,
        description = "Suggest the dialogue at a position of a file, as an editor would show it.")
public final class CompleteCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "a screenplay, play or transcript")
    Path file;

    @Option(names = "--line", required = true, paramLabel = "L", description = "0-based line")
    int line;

    @Option(names = "--column", required = true, paramLabel = "C", description = "0-based column (UTF-16 units)")
    int column;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = "GGUF file, Hugging Face folder, or OWNER/NAME of a pulled model (default: the embedded demo model)")
    Path model;

    @Option(names = "--candidates", defaultValue = "1", paramLabel = "N", description = "suggestions (default: ${DEFAULT-VALUE})")
    int candidates;

    @Option(names = "--seed", paramLabel = "S", description = "random seed, for reproducible suggestions")
    Long seed;

    @Option(names = "--json", description = "print the items as JSON, with what the request cost")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        ServerSettings s = ServerSettings.defaults().withModelPath(model == null ? null : model.toString()).withSeed(seed);
        ParsedDocument doc = ParsedDocument.of(new TextDocument(file.toUri().toString(), "", 1, text));
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        try (LoadedModel m = LoadedModel.open(s.model().path(), s.model().backend(), s.model().threads(),
                s.model().contextLength(), null)) {
            double loadMs = (System.nanoTime() - start) / 1e6;
            DialogueCompleter.Outcome o = DialogueCompleter.complete(m, doc, line, column, s, candidates, Cancellation.NONE);
            if (json) {
                JsonObject r = new JsonObject();
                r.addProperty("format", doc.dialogue().format().id());
                r.addProperty("kind", o.kind().id());
                JsonArray items = new JsonArray();
                var at = doc.text().position(doc.text().offset(new org.eclipse.lsp4j.Position(line, column)));
                for (String suggestion : o.suggestions()) {
                    JsonObject item = new JsonObject();
                    item.addProperty("insertText", suggestion);
                    JsonObject range = new JsonObject();
                    range.add("start", position(at));
                    range.add("end", position(at));
                    item.add("range", range);
                    items.add(item);
                }
                r.add("items", items);
                if (o.cost() != null) {
                    r.addProperty("prompt_tokens", o.cost().promptTokens());
                    r.addProperty("evaluated_tokens", o.cost().evaluatedTokens());
                    r.addProperty("generated_tokens", o.cost().generatedTokens());
                    r.addProperty("first_token_ms", o.cost().firstTokenMillis());
                }
                r.addProperty("load_ms", loadMs);
                r.addProperty("total_ms", (System.nanoTime() - start) / 1e6);
                out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(r));
            } else {
                for (String suggestion : o.suggestions()) out.println(suggestion);
            }
        }
        out.flush();
        return 0;
    }

    private static JsonObject position(org.eclipse.lsp4j.Position p) {
        JsonObject o = new JsonObject();
        o.addProperty("line", p.getLine());
        o.addProperty("character", p.getCharacter());
        return o;
    }
}

package org.replique.server.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.Model;
import org.replique.engine.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code replique tokenize}: the token ids of a text; works on vocabulary-only GGUF files too. */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Print the token ids of a text.")
public final class TokenizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "GGUF file or Hugging Face folder (default: the embedded demo model)")
    Path model;

    @Option(names = "--text", paramLabel = "TEXT", required = true, description = "the text to tokenize")
    String text;

    @Option(names = "--no-bos", description = "do not add BOS")
    boolean noBos;

    @Option(names = "--special", description = "parse special-token text such as <s>")
    boolean special;

    @Option(names = "--json", description = "print {\"ids\": [...]} (with the pieces)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Tokenizer tokenizer = Model.loadTokenizer(model != null ? org.replique.server.hub.ModelReference.resolve(model.toString())
                : EmbeddedModel.path());
        // The empty text has no tokens at all: BOS only ever starts a text.
        int[] ids = text.isEmpty() ? new int[0]
                : tokenizer.encode(text, !noBos && tokenizer.vocabulary().addBos(), special);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonObject o = new JsonObject();
            o.add("ids", Json.ids(ids));
            JsonArray pieces = new JsonArray();
            for (int id : ids) pieces.add(tokenizer.vocabulary().piece(id));
            o.add("pieces", pieces);
            out.println(Json.GSON.toJson(o));
        } else {
            StringBuilder line = new StringBuilder();
            for (int id : ids) line.append(line.isEmpty() ? "" : " ").append(id);
            out.println(line);
        }
        out.flush();
        return 0;
    }
}

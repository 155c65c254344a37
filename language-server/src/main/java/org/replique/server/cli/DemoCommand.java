package org.replique.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
import picocli.CommandLine.Spec;

/**
 * {@code replique demo}: the product with zero setup. Two bundled scenes, the embedded model, and
 * each suggestion printed in place (as ghost text would appear in an editor).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show suggestions on two sample scenes with the embedded model.")
public final class DemoCommand implements Callable<Integer> {
    private static final String DIM = "\u001b[2;3m";
    private static final String RESET = "\u001b[0m";

    /** A sample file and where the cursor goes: at the end, where the next speech starts. */
    private record Sample(String resource, String title) {}

    private static final List<Sample> SAMPLES = List.of(
            new Sample("la-repetition.fountain", "Fountain screenplay — after the cue CLAIRE"),
            new Sample("le-misanthrope.play.txt", "French play (Molière) — after PHILINTE."));

    @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--plain", description = "mark suggestions with ⟦ ⟧ instead of terminal colours")
    boolean plain;

    @Option(names = "--candidates", defaultValue = "2", paramLabel = "N", description = "suggestions per scene (default: ${DEFAULT-VALUE})")
    int candidates;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ServerSettings s = ServerSettings.defaults().withSeed(seed);
        boolean colour = !plain && System.console() != null;
        long start = System.nanoTime();
        try (LoadedModel m = LoadedModel.open(null, s.model().backend(), s.model().threads(), s.model().contextLength(), null)) {
            out.printf("Réplique demo — model %s (embedded, %.1f MB), loaded in %.0f ms%n%n", m.description().name(),
                    m.description().sizeBytes() / 1e6, (System.nanoTime() - start) / 1e6);
            for (Sample sample : SAMPLES) {
                String text = read(sample.resource());
                TextDocument td = new TextDocument("demo:///" + sample.resource(), "", 1, text);
                ParsedDocument doc = ParsedDocument.of(td);
                var at = td.endOfText();
                out.println("── " + sample.title() + " " + "─".repeat(Math.max(0, 60 - sample.title().length())));
                long t0 = System.nanoTime();
                DialogueCompleter.Outcome o = DialogueCompleter.complete(m, doc, at.getLine(), at.getCharacter(), s,
                        candidates, Cancellation.NONE);
                double ms = (System.nanoTime() - t0) / 1e6;
                String before = text.substring(0, td.offset(at));
                out.print(tail(before, 12));
                String suggestion = o.suggestions().isEmpty() ? "" : o.suggestions().getFirst();
                out.println(colour ? DIM + suggestion + RESET : "⟦" + suggestion + "⟧");
                for (int i = 1; i < o.suggestions().size(); i++) {
                    out.println("   other suggestion: " + (colour ? DIM : "⟦") + o.suggestions().get(i).strip()
                            + (colour ? RESET : "⟧"));
                }
                out.printf("   (%s, %d prompt tokens, %.0f ms)%n%n", o.kind().id(),
                        o.cost() == null ? 0 : o.cost().promptTokens(), ms);
            }
            out.println("The embedded model is tiny and writes French-looking lines only; use a Claire GGUF for real");
            out.println("completions: replique complete FILE --line L --column C -m Claire-Mistral-7B-0.1.Q4_0.gguf");
        }
        out.flush();
        return 0;
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n", -1);
        StringBuilder b = new StringBuilder();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            b.append(all[i]);
            if (i < all.length - 1) b.append('\n');
        }
        return b.toString();
    }

    private static String read(String name) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/org/replique/server/demo/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

package org.replique.server.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.generate.Completion;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.generate.Generator;
import org.replique.engine.generate.TokenHistory;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.model.Model;
import org.replique.engine.sampling.Sampler;
import org.replique.engine.sampling.SamplingParams;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code replique generate}: continues a prompt, streaming the text or printing one JSON object. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt with a model (default: the embedded French demo model).")
public final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    static final class PromptSource {
        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "the prompt text") String text;
        @Option(names = "--prompt-file", paramLabel = "FILE", description = "read the prompt from a UTF-8 file") Path file;
        @Option(names = "--tokens", paramLabel = "IDS", split = ",", description = "the prompt as token ids, used verbatim")
        int[] ids;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    PromptSource prompt;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "200", description = "tokens to generate (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--greedy", description = "always take the most likely token")
    boolean greedy;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0", description = "sampling temperature (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "10", description = "keep the K most likely tokens (default: ${DEFAULT-VALUE}; 0 = all)")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0", description = "nucleus sampling mass (default: ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.0", description = "drop tokens below P × the best one (default: ${DEFAULT-VALUE})")
    float minP;

    @Option(names = "--repeat-penalty", paramLabel = "X", defaultValue = "1.0", description = "repetition penalty (default: ${DEFAULT-VALUE}, none)")
    float repeatPenalty;

    @Option(names = "--repeat-last-n", paramLabel = "N", defaultValue = "64", description = "tokens the penalty looks back over (default: ${DEFAULT-VALUE})")
    int repeatWindow;

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default: from the clock; printed with --json)")
    Long seed;

    @Option(names = "--candidates", paramLabel = "N", defaultValue = "1", description = "continuations of the same prompt (default: ${DEFAULT-VALUE})")
    int candidates;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop before this text (repeatable)")
    List<String> stops = new ArrayList<>();

    @Option(names = "--stop-at-eos", description = "with --greedy, stop at end-of-sequence (sampling always does)")
    boolean stopAtEos;

    @Option(names = "--no-bos", description = "do not start the prompt with BOS")
    boolean noBos;

    @Option(names = "--special", description = "parse special-token text such as <s> in the prompt")
    boolean special;

    @Option(names = "--json", description = "print one JSON object instead of streaming text")
    boolean json;

    @Option(names = "--top-logits", paramLabel = "K", defaultValue = "0", description = "with --json: the K best next tokens after the prompt")
    int topLogits;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        String text = prompt == null ? "" : prompt.file != null ? Files.readString(prompt.file, StandardCharsets.UTF_8)
                : prompt.text == null ? "" : prompt.text;
        long actualSeed = seed != null ? seed : System.nanoTime();
        // Greedy is temperature 0; a repetition penalty still applies to it.
        SamplingParams sampling = greedy ? new SamplingParams(0f, 0, 1f, 0f, repeatPenalty, repeatWindow, actualSeed)
                : new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatWindow, actualSeed);
        GenerationRequest request = new GenerationRequest(sampling, maxTokens, !greedy || stopAtEos, stops, candidates);

        try (Model model = Model.load(modelOptions.modelPath(), modelOptions.loadOptions());
             Backend backend = Backends.create(modelOptions.backend, model, modelOptions.backendOptions());
             InferenceState state = backend.newState(modelOptions.contextFor(model.config().contextLength()))) {
            int[] tokens = prompt != null && prompt.ids != null ? prompt.ids
                    : model.tokenizer().encode(text, !noBos && model.tokenizer().vocabulary().addBos(), special);
            TokenListener stream = json ? TokenListener.NONE : (candidate, token, piece) -> {
                out.print(piece);
                out.flush();
            };
            if (!json) {
                out.print(text);
                out.flush();
            }
            long start = System.nanoTime();
            GenerationResult result = new Generator(backend).generate(state, new TokenHistory(), tokens, request,
                    stream, Cancellation.NONE);
            long elapsed = System.nanoTime() - start;
            if (json) {
                out.println(Json.GSON.toJson(toJson(model, backend, result, actualSeed, elapsed)));
            } else {
                out.println();
            }
            out.flush();
        }
        return 0;
    }

    private JsonObject toJson(Model model, Backend backend, GenerationResult result, long actualSeed, long nanos) {
        JsonObject o = new JsonObject();
        o.addProperty("model", model.name());
        o.addProperty("backend", backend.description());
        o.add("prompt_tokens", Json.ids(result.promptTokens()));
        Completion first = result.first();
        o.add("tokens", Json.ids(first.tokens()));
        o.addProperty("text", first.text());
        o.addProperty("stop_reason", first.stopReason().wireName());
        if (result.completions().size() > 1) {
            JsonArray all = new JsonArray();
            for (Completion c : result.completions()) {
                JsonObject co = new JsonObject();
                co.add("tokens", Json.ids(c.tokens()));
                co.addProperty("text", c.text());
                co.addProperty("stop_reason", c.stopReason().wireName());
                all.add(co);
            }
            o.add("candidates", all);
        }
        if (!greedy) o.addProperty("seed", actualSeed);
        if (topLogits > 0) {
            float[] logits = result.promptLogits();
            float max = logits[Sampler.argmax(logits)];
            JsonArray top = new JsonArray();
            for (int id : Sampler.topIds(logits, topLogits)) {
                JsonObject e = new JsonObject();
                e.addProperty("id", id);
                e.addProperty("piece", model.tokenizer().vocabulary().piece(id));
                e.addProperty("logit_rel", logits[id] - max);
                top.add(e);
            }
            o.add("next_token_top", top);
        }
        int generated = result.completions().stream().mapToInt(c -> c.tokens().length).sum();
        o.addProperty("total_ms", nanos / 1e6);
        o.addProperty("evaluated_prompt_tokens", result.evaluated());
        o.addProperty("generated_tokens", generated);
        return o;
    }
}

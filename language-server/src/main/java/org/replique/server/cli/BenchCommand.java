package org.replique.server.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Backends;
import org.replique.server.bench.ProcessMemory;
import org.replique.server.bench.SyntheticPrompt;
import org.replique.server.bench.ThroughputBench;
import org.replique.engine.cpu.CpuBackend;
import org.replique.engine.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code replique bench}: prompt-processing and generation speed, like llama-bench, on the same
 * synthetic prompt as the project's llama.cpp reference tool.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prompt processing (pp) and generation (tg) speed in tokens per second.")
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N", defaultValue = "64",
            description = "prompt tokens: BOS and pseudo-random ids (default: ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", defaultValue = "32",
            description = "generated tokens; tg times the N−1 decodes after the first (default: ${DEFAULT-VALUE})")
    int generatedTokens;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "R", defaultValue = "3",
            description = "timed repetitions; medians are reported (default: ${DEFAULT-VALUE})")
    int repetitions;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "1",
            description = "untimed repetitions first, for the JIT and the page cache (default: ${DEFAULT-VALUE})")
    int warmups;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--verbose", description = "also report where the timed repetitions spent their time, step by step "
            + "(cpu backend)")
    boolean verbose;

    @Option(names = "--typing", description = "replay typing at the end of --doc, one character per request "
            + "(with -n: tokens generated per request, default 1)")
    boolean typing;

    @Option(names = "--doc", paramLabel = "FILE", description = "with --typing: the screenplay, play or transcript")
    java.nio.file.Path document;

    @Option(names = "--chars", paramLabel = "N", defaultValue = "200",
            description = "with --typing: characters typed, one request each (default: ${DEFAULT-VALUE})")
    int typedChars;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        if (typing) {
            return typing();
        }
        if (promptTokens < 1 || generatedTokens < 2 || repetitions < 1 || warmups < 0) {
            throw new IllegalArgumentException("need -p ≥ 1, -n ≥ 2, -r ≥ 1 and --warmup ≥ 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        long loadStart = System.nanoTime();
        try (Model model = Model.load(modelOptions.modelPath(), modelOptions.loadOptions());
             Backend backend = Backends.create(modelOptions.backend, model, modelOptions.backendOptions())) {
            double loadMs = (System.nanoTime() - loadStart) / 1e6;
            int bos = model.tokenizer().vocabulary().addBos() ? model.tokenizer().vocabulary().bos() : -1;
            int[] prompt = SyntheticPrompt.tokens(promptTokens, bos, model.config().vocabSize());
            ThroughputBench bench = new ThroughputBench(backend);
            var profile = verbose && backend instanceof CpuBackend cpu ? cpu.profile() : null;
            if (profile != null && warmups > 0) bench.run(prompt, generatedTokens, warmups, 0);
            if (profile != null) profile.enable(true);
            ThroughputBench.Result result = bench.run(prompt, generatedTokens, repetitions, profile != null ? 0 : warmups);
            ProcessMemory memory = ProcessMemory.read().orElse(null);
            if (json) {
                JsonObject o = toJson(model, backend, result, loadMs, memory);
                if (profile != null) {
                    JsonArray lines = new JsonArray();
                    profile.report().forEach(lines::add);
                    o.add("profile", lines);
                }
                out.println(Json.GSON.toJson(o));
            } else {
                printTable(out, model, backend, result, memory);
                if (profile != null) profile.report().forEach(out::println);
            }
            out.flush();
        }
        return 0;
    }

    /** {@code --typing}: the cost of each keystroke's request at the end of a real document. */
    private int typing() throws java.io.IOException {
        if (document == null) {
            throw new IllegalArgumentException("--typing needs --doc FILE (a screenplay, a play or a transcript)");
        }
        String text = java.nio.file.Files.readString(document, java.nio.charset.StandardCharsets.UTF_8);
        PrintWriter out = spec.commandLine().getOut();
        try (Model model = Model.load(modelOptions.modelPath(), modelOptions.loadOptions());
             Backend backend = Backends.create(modelOptions.backend, model, modelOptions.backendOptions())) {
            int context = modelOptions.contextFor(model.config().contextLength());
            // Each keystroke's request generates one token unless -n says otherwise: what is measured
            // is the latency to the first new token.
            int tokens = spec.commandLine().getParseResult().hasMatchedOption("--n-gen") ? Math.max(1, generatedTokens) : 1;
            var report = org.replique.server.bench.TypingBench.run(backend, document, text, typedChars, tokens,
                    context - tokens - 1, context);
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("model", model.name());
                o.addProperty("backend", backend.description());
                o.addProperty("document", document.getFileName().toString());
                o.addProperty("document_chars", text.length());
                o.addProperty("requests", report.steps().size());
                o.addProperty("cold_ms", report.coldMillis());
                o.addProperty("warm_median_ms", report.warmMedianMillis());
                o.addProperty("warm_p90_ms", report.warmP90Millis());
                o.addProperty("evaluated_tokens_median", report.evaluatedTokensMedian());
                o.addProperty("evaluated_tokens_max", report.evaluatedTokensMax());
                o.addProperty("prompt_tokens_last", report.steps().getLast().promptTokens());
                JsonArray steps = new JsonArray();
                for (var step : report.steps()) {
                    JsonObject so = new JsonObject();
                    so.addProperty("typed", step.typedChars());
                    so.addProperty("prompt_tokens", step.promptTokens());
                    so.addProperty("evaluated_tokens", step.evaluatedTokens());
                    so.addProperty("first_token_ms", step.firstTokenNanos() / 1e6);
                    steps.add(so);
                }
                o.add("steps", steps);
                out.println(Json.GSON.toJson(o));
            } else {
                for (var step : report.steps()) {
                    out.printf(Locale.ROOT, "typed %4d  prompt %5d tokens  evaluated %5d  first token %8.1f ms%n",
                            step.typedChars(), step.promptTokens(), step.evaluatedTokens(), step.firstTokenNanos() / 1e6);
                }
                out.printf(Locale.ROOT, "cold %.1f ms, warm median %.1f ms (p90 %.1f), evaluated tokens median %.0f (max %d)%n",
                        report.coldMillis(), report.warmMedianMillis(), report.warmP90Millis(),
                        report.evaluatedTokensMedian(), report.evaluatedTokensMax());
            }
            out.flush();
        }
        return 0;
    }

    private JsonObject toJson(Model model, Backend backend, ThroughputBench.Result r, double loadMs, ProcessMemory memory) {
        JsonObject o = new JsonObject();
        o.addProperty("model", model.name());
        o.addProperty("model_path", model.path().toString());
        o.addProperty("model_size_bytes", model.fileSize());
        o.addProperty("model_params", model.parameterCount());
        o.addProperty("weights", model.weightsFormat().wireName() == null ? "as stored" : model.weightsFormat().wireName());
        o.addProperty("backend", backend.description());
        o.addProperty("threads", backend instanceof CpuBackend cpu ? cpu.threads() : modelOptions.threads);
        o.addProperty("kv_type", modelOptions.backendOptions().kvType().wireName());
        if (backend instanceof CpuBackend cpu) o.addProperty("weights_memory", cpu.placement().wireName());
        o.addProperty("n_prompt", r.promptTokens());
        o.addProperty("n_gen", r.generatedTokens());
        o.addProperty("repetitions", r.runs().length);
        o.addProperty("warmup", warmups);
        o.addProperty("pp_tok_s", r.promptMedian());
        o.addProperty("tg_tok_s", r.generationMedian());
        o.add("pp_tok_s_runs", array(r.promptRates()));
        o.add("tg_tok_s_runs", array(r.generationRates()));
        o.addProperty("load_ms", loadMs);
        o.addProperty("state_bytes", r.runs()[0].stateBytes());
        if (memory != null) {
            o.addProperty("rss_anon_bytes", memory.residentAnonBytes());
            o.addProperty("rss_file_bytes", memory.residentFileBytes());
            o.addProperty("rss_peak_bytes", memory.peakResidentBytes());
        }
        return o;
    }

    private void printTable(PrintWriter out, Model model, Backend backend, ThroughputBench.Result r, ProcessMemory memory) {
        out.printf(Locale.ROOT, "model    %s (%.2f GiB, %.2f B params)%n", model.name(),
                model.fileSize() / (double) (1L << 30), model.parameterCount() / 1e9);
        out.printf(Locale.ROOT, "backend  %s%n", backend.description());
        out.printf(Locale.ROOT, "pp%-5d  %8.2f tok/s   runs %s%n", r.promptTokens(), r.promptMedian(), list(r.promptRates()));
        out.printf(Locale.ROOT, "tg%-5d  %8.2f tok/s   runs %s%n", r.generatedTokens(), r.generationMedian(),
                list(r.generationRates()));
        if (memory != null) {
            out.printf(Locale.ROOT, "memory   %.0f MiB anonymous, %.0f MiB of mapped file resident%n",
                    memory.residentAnonBytes() / 1048576.0, memory.residentFileBytes() / 1048576.0);
        }
    }

    private static JsonArray array(double[] values) {
        JsonArray a = new JsonArray(values.length);
        for (double v : values) a.add(v);
        return a;
    }

    private static String list(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) b.append(b.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", v));
        return b.toString();
    }
}

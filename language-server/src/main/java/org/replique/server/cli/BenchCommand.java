package org.replique.server.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Backends;
import org.replique.server.bench.GcActivity;
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

    @Option(names = "--http", paramLabel = "URL",
            description = "measure a server instead (replique serve --http, vLLM, llama-server…): writers typing at once"
                    + " at the end of --doc, one streamed request per keystroke (-n tokens each, prompts of at most -p"
                    + " tokens); URL is its base, e.g. http://127.0.0.1:8080/v1")
    String http;

    @Option(names = "--clients", paramLabel = "N[,N…]", split = ",", defaultValue = "1,4,8",
            description = "with --http: writers typing at once, one round per value (default: ${DEFAULT-VALUE})")
    int[] clients;

    @Option(names = "--api-key-env", paramLabel = "VAR", description = "with --http: the environment variable holding the server's API key")
    String apiKeyEnv;
    @Option(names = "--accept", description = "with --doc: the first suggestion at the document's end, then the next one "
            + "after reading it for --read-ms and accepting it, with and without writing ahead, cold and warm (-r trials "
            + "each; with -n: the most tokens of a suggestion, default the server's)")
    boolean accept;

    @Option(names = "--read-ms", paramLabel = "MS", defaultValue = "2000",
            description = "with --accept: how long the writer reads a suggestion before accepting it (default: ${DEFAULT-VALUE})")
    long readMs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (http != null) {
            return room();
        }
        if (typing) {
            return typing();
        }
        if (accept) {
            return accept();
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
            // Warm-up runs apart, so that neither the profile nor the collections count them.
            if (warmups > 0) bench.run(prompt, generatedTokens, warmups, 0);
            if (profile != null) profile.enable(true);
            GcActivity gcStart = GcActivity.sinceStart();
            ThroughputBench.Result result = bench.run(prompt, generatedTokens, repetitions, 0);
            GcActivity gc = GcActivity.since(gcStart);
            ProcessMemory memory = ProcessMemory.read().orElse(null);
            if (json) {
                JsonObject o = toJson(model, backend, result, loadMs, memory);
                o.addProperty("gc_count", gc.collections());
                o.addProperty("gc_ms", gc.millis());
                if (profile != null) {
                    JsonArray lines = new JsonArray();
                    profile.report().forEach(lines::add);
                    o.add("profile", lines);
                }
                out.println(Json.GSON.toJson(o));
            } else {
                printTable(out, model, backend, result, memory);
                out.printf(Locale.ROOT, "gc       %d collections, %d ms during the timed runs%n", gc.collections(), gc.millis());
                if (profile != null) profile.report().forEach(out::println);
            }
            out.flush();
        }
        return 0;
    }

    /** {@code --http}: requests per second and waits for a room of writers typing against a server. */
    private int room() throws Exception {
        if (document == null) {
            throw new IllegalArgumentException("--http needs --doc FILE (a screenplay, a play or a transcript)");
        }
        String text = java.nio.file.Files.readString(document, java.nio.charset.StandardCharsets.UTF_8);
        String key = apiKeyEnv == null ? null : System.getenv(apiKeyEnv);
        if (apiKeyEnv != null && (key == null || key.isBlank())) {
            throw new IllegalArgumentException("the environment variable " + apiKeyEnv + " (--api-key-env) is not set");
        }
        PrintWriter out = spec.commandLine().getOut();
        int chars = spec.commandLine().getParseResult().hasMatchedOption("--chars") ? typedChars : 40;
        try (var client = new org.replique.server.remote.OpenAiClient(org.replique.server.remote.RemoteEndpoint.of(http, key),
                java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(120))) {
            var models = client.models(org.replique.engine.backend.Cancellation.NONE);
            String model = models.isEmpty() ? null : models.getFirst().id();
            // The prompt budget: -p when given, else what the server's context leaves (as the editors do).
            int budget = spec.commandLine().getParseResult().hasMatchedOption("--n-prompt") ? promptTokens
                    : models.isEmpty() || models.getFirst().maxModelLen() == null ? 1024
                    : Math.max(64, Math.min(2048, models.getFirst().maxModelLen() - generatedTokens - 8));
            var bench = new org.replique.server.remote.RoomBench(client, model, generatedTokens, budget);
            // Untimed first: the server's JIT and the first prompts' caches.
            for (int w = 0; w < warmups; w++) bench.run(document.getFileName().toString(), text, 1, 3);
            JsonArray rounds = new JsonArray();
            if (!json) {
                out.printf(Locale.ROOT, "server %s, model %s: %d tokens per request, %d keystrokes per writer, prompts of"
                        + " at most %d tokens%n", client.endpoint(), model, generatedTokens, chars + 1, budget);
                out.printf(Locale.ROOT, "%7s %8s %6s %8s %22s %22s %7s%n", "writers", "requests", "failed", "req/s",
                        "first text ms p50/p90", "whole ms p50/p90", "cached");
                out.flush();
            }
            for (int n : clients) {
                if (n < 1) throw new IllegalArgumentException("--clients must be ≥ 1");
                var r = bench.run(document.getFileName().toString(), text, n, chars);
                if (json) {
                    JsonObject o = new JsonObject();
                    o.addProperty("clients", r.clients());
                    o.addProperty("requests", r.requests());
                    o.addProperty("failed", r.failures());
                    o.addProperty("seconds", r.seconds());
                    o.addProperty("requests_per_s", r.requestsPerSecond());
                    o.addProperty("first_text_ms_p50", r.firstTextMillis()[0]);
                    o.addProperty("first_text_ms_p90", r.firstTextMillis()[1]);
                    o.addProperty("total_ms_p50", r.totalMillis()[0]);
                    o.addProperty("total_ms_p90", r.totalMillis()[1]);
                    o.addProperty("cached_fraction", r.cachedFraction());
                    o.addProperty("prompt_tokens_mean", r.promptTokensMean());
                    rounds.add(o);
                } else {
                    out.printf(Locale.ROOT, "%7d %8d %6d %8.2f %11.1f / %8.1f %11.1f / %8.1f %6.0f%%%n", r.clients(),
                            r.requests(), r.failures(), r.requestsPerSecond(), r.firstTextMillis()[0], r.firstTextMillis()[1],
                            r.totalMillis()[0], r.totalMillis()[1], 100 * r.cachedFraction());
                    out.flush();
                }
            }
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("server", client.endpoint().toString());
                o.addProperty("model", model);
                o.addProperty("tokens_per_request", generatedTokens);
                o.addProperty("keystrokes_per_writer", chars + 1);
                o.add("rounds", rounds);
                out.println(Json.GSON.toJson(o));
            }
        }
        out.flush();
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

    /** {@code --accept}: the latency to the first suggestion and to the next one after an accept. */
    private int accept() throws Exception {
        if (document == null) {
            throw new IllegalArgumentException("--accept needs --doc FILE (a screenplay, a play or a transcript)");
        }
        if (repetitions < 1 || readMs < 0) throw new IllegalArgumentException("need -r ≥ 1 and --read-ms ≥ 0");
        String text = java.nio.file.Files.readString(document, java.nio.charset.StandardCharsets.UTF_8);
        PrintWriter out = spec.commandLine().getOut();
        String path = modelOptions.model == null ? null : modelOptions.model.toString();
        var settings = new org.replique.server.config.ServerSettings.ModelSettings(path, modelOptions.backend,
                modelOptions.threads, modelOptions.context > 0 ? modelOptions.context : 4096,
                modelOptions.weights == null ? "" : modelOptions.weights, null, null, null);
        int maxTokens = spec.commandLine().getParseResult().hasMatchedOption("--n-gen") ? Math.max(1, generatedTokens)
                : org.replique.server.config.ServerSettings.defaults().completion().maxTokens();
        AcceptBench bench = new AcceptBench(settings, maxTokens, 17);
        try {
            // One untimed trial first, for the JIT.
            for (int w = 0; w < warmups; w++) bench.run(document.getFileName().toString(), text, false, true, 0);
            List<AcceptBench.Trial> trials = new ArrayList<>();
            for (boolean warm : new boolean[] {false, true}) {
                for (boolean ahead : new boolean[] {true, false}) {
                    for (int r = 0; r < repetitions; r++) {
                        trials.add(bench.run(document.getFileName().toString(), text, ahead, warm, readMs));
                    }
                }
            }
            var model = bench.model();
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("model", model.description().name());
                o.addProperty("backend", model.description().backend());
                o.addProperty("document", document.getFileName().toString());
                o.addProperty("read_ms", readMs);
                JsonArray runs = new JsonArray();
                for (AcceptBench.Trial t : trials) {
                    JsonObject r = new JsonObject();
                    r.addProperty("warm", t.warm());
                    r.addProperty("ahead", t.ahead());
                    r.addProperty("first_ms", t.firstMs());
                    r.addProperty("first_cut", t.firstCut());
                    r.addProperty("whole_ms", t.wholeMs());
                    r.addProperty("next_ms", t.nextMs());
                    r.addProperty("next_source", t.nextSource());
                    runs.add(r);
                }
                o.add("trials", runs);
                out.println(Json.GSON.toJson(o));
            } else {
                out.printf(Locale.ROOT, "model    %s%nbackend  %s%ndocument %s, reading %d ms before each accept, %d trial(s) each"
                        + " (medians)%nfirst: the first suggestion (maybe cut at the time budget); whole: asked again after reading;"
                        + " next: after accepting the whole%n",
                        model.description().name(), model.description().backend(), document.getFileName(), readMs, repetitions);
                out.printf(Locale.ROOT, "%-18s %11s %11s %24s  %s%n", "", "first (ms)", "whole (ms)", "next after accept (ms)",
                        "next from");
                for (boolean warm : new boolean[] {false, true}) {
                    for (boolean ahead : new boolean[] {true, false}) {
                        List<Double> first = new ArrayList<>();
                        List<Double> whole = new ArrayList<>();
                        List<Double> next = new ArrayList<>();
                        List<String> sources = new ArrayList<>();
                        for (AcceptBench.Trial t : trials) {
                            if (t.warm() == warm && t.ahead() == ahead) {
                                first.add(t.firstMs());
                                whole.add(t.wholeMs());
                                next.add(t.nextMs());
                                sources.add(t.nextSource());
                            }
                        }
                        out.printf(Locale.ROOT, "%-18s %11.0f %11.0f %24.0f  %s%n", (warm ? "warm" : "cold") + ", ahead " + (ahead ? "on" : "off"),
                                AcceptBench.median(first), AcceptBench.median(whole), AcceptBench.median(next),
                                String.join(" ", sources));
                    }
                }
            }
            out.flush();
        } finally {
            bench.close();
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

package org.replique.device;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.BackendProvider;
import org.replique.engine.backend.Backends;
import org.replique.server.bench.SyntheticPrompt;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.Model;
import org.replique.fixtures.gguf.GgufWriter.TensorType;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * The device script: is a backend (the TornadoVM one, on a GPU) right, and how fast is it? One run
 * writes one JSON file ({@link Results}) and prints its progress as it goes:
 * <ol>
 *   <li>the environment and the devices (TornadoVM's device list, passed in by the launcher);</li>
 *   <li>stories260K F32: 64 greedy tokens identical to the CPU backend's (and to llama.cpp's), and
 *       the logits of a prompt and of tokens decoded behind it close to the CPU's;</li>
 *   <li>the demo model in F32 and Q8_0, on three prompts: logits close to the CPU's, 32 greedy
 *       tokens identical;</li>
 *   <li>unless {@code --quick}: Mistral-7B-shaped files in Q8_0 and Q4_0, written here by the
 *       project's GGUF writer ({@link ShapedModels}): logits close to the CPU backend's on the same
 *       file (as close as the CPU's own scalar and vector kernels are to each other), then prefill
 *       and decode speed ({@link Speed}) and, when the backend can time its kernels, where a
 *       decoded token's time goes.</li>
 * </ol>
 * The CPU reference runs the engine's scalar kernels on one thread for the small models (the
 * engine's reference arithmetic) and its vector kernels on every core for the 7B-shaped ones. A
 * budget in seconds bounds the run: steps that no longer fit are recorded as skipped.
 *
 * <p>{@code DeviceCheck [--out FILE] [--backend tornadovm] [--label NAME] [--quick] [--fixtures DIR]
 * [--demo-f32 FILE] [--work DIR] [--layers 32] [--prompt 512] [--generate 128] [--repetitions 3]
 * [--profile-tokens 8] [--budget SECONDS] [--devices FILE]}
 */
public final class DeviceCheck {
    static final String[] DEMO_PROMPTS = {"alceste", "cuisiner", "dash"};

    /** Decode and prefill speeds the GPU backend aims at on an H100 (tokens per second). */
    static final double TARGET_DECODE_Q4_0 = 100;
    static final double TARGET_DECODE_Q8_0 = 60;
    static final double TARGET_PREFILL = 1000;

    private final Options o;
    private final PrintStream log;
    private final Results results;
    private final Deadline deadline;
    private final JsonObject speeds = new JsonObject();

    private DeviceCheck(Options o, PrintStream log) {
        this.o = o;
        this.log = log;
        this.deadline = Deadline.in(o.budget);
        this.results = new Results(o.out, o.label);
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("device check: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    /** Runs the check; 0 when every step that ran passed, 1 otherwise. */
    static int run(String[] args, PrintStream log) {
        return new DeviceCheck(Options.parse(args), log).run();
    }

    private int run() {
        say("results: " + o.out.toAbsolutePath() + " (budget " + Results.seconds(o.budget) + ")");
        environment();
        Optional<String> unavailable = unavailable();
        if (unavailable.isPresent()) {
            say("backend '" + o.backend + "' is not available: " + unavailable.get());
            results.summary("verdict", "backend unavailable: " + unavailable.get());
            results.finish();
            return 1;
        }
        ShapedModels shaped = o.quick ? null : new ShapedModels(o.work, o.layers).start();
        if (shaped != null) say("writing the 7B-shaped Q8_0 and Q4_0 files in the background under " + o.work);

        stories();
        demo("f32");
        demo("q8_0");
        if (shaped != null) {
            shapedModel(shaped, TensorType.Q8_0);
            shapedModel(shaped, TensorType.Q4_0);
        }

        int failed = results.count("fail") + results.count("error");
        results.summary("passed", String.valueOf(results.count("pass")));
        results.summary("failed", String.valueOf(failed));
        results.summary("skipped", String.valueOf(results.count("skipped")));
        if (speeds.size() > 0) results.summary("speed", speeds);
        results.summary("verdict", failed == 0 ? "pass" : "fail");
        results.finish();
        say(String.format(Locale.ROOT, "done: %d passed, %d failed, %d skipped -> %s", results.count("pass"), failed,
                results.count("skipped"), o.out));
        return failed == 0 ? 0 : 1;
    }

    private void say(String message) {
        log.printf(Locale.ROOT, "[%6.1fs] %s%n", results.elapsedSeconds(), message);
        log.flush();
    }

    // ---- Environment -------------------------------------------------------------------------

    private void environment() {
        results.environment("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        results.environment("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        results.environment("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        results.environment("max_heap_mib", String.valueOf(Runtime.getRuntime().maxMemory() >> 20));
        results.environment("backend", o.backend);
        JsonObject properties = new JsonObject();
        for (String key : System.getProperties().stringPropertyNames().stream().sorted().toList()) {
            if (key.startsWith("tornado.device") || key.startsWith("tornado.backend") || key.startsWith("replique.")
                    || key.equals("tornado.recover.bailout")) {
                properties.addProperty(key, System.getProperty(key));
            }
        }
        results.environment("properties", properties);
        if (o.devices != null) {
            try {
                String text = Files.readString(o.devices, StandardCharsets.UTF_8);
                results.environment("devices", text.strip());
                say("devices:\n" + text.strip());
            } catch (IOException e) {
                results.environment("devices", "unreadable: " + e);
            }
        }
    }

    private Optional<String> unavailable() {
        for (BackendProvider p : Backends.providers()) {
            if (p.name().equals(o.backend)) {
                try {
                    return p.unavailableReason();
                } catch (RuntimeException | LinkageError e) {
                    return Optional.of(e.toString());
                }
            }
        }
        return Optional.of("no such backend on the class path");
    }

    private Backend device(Model model, Results.Step step) {
        long t0 = System.nanoTime();
        Backend b = Backends.create(o.backend, model, BackendOptions.defaults());
        step.put("backend_start_s", Results.round((System.nanoTime() - t0) / 1e9, 2));
        step.put("backend", b.description());
        return b;
    }

    private boolean fits(Results.Step step, double seconds) {
        if (deadline.remaining() >= seconds) return true;
        step.skip(String.format(Locale.ROOT, "out of time: %.0f s left, the step needs about %.0f s",
                deadline.remaining(), seconds));
        say(step.json.get("name").getAsString() + ": skipped (out of time)");
        return false;
    }

    // ---- Small models ------------------------------------------------------------------------

    /** stories260K F32: 64 greedy tokens on the device, the CPU backend and llama.cpp. */
    private void stories() {
        Results.Step step = results.step("stories260K-f32");
        if (!fits(step, 20)) return;
        say("stories260K-f32: 64 greedy tokens and logits against the CPU backend");
        try (Model model = Model.load(o.fixtures.resolve("models/stories260K-f32.gguf"))) {
            LlamaCppReference ref = LlamaCppReference.load(
                    o.fixtures.resolve("reference/stories260K-f32.once.n64.kvf32.llamacpp.json"));
            try (Backend device = device(model, step);
                 Backend cpu = Backends.create("cpu", model, new BackendOptions(1, "scalar"))) {
                int[] prompt = ref.promptTokens();
                int[] d = Comparisons.greedy(device, prompt, 64);
                int[] c = Comparisons.greedy(cpu, prompt, 64);
                int[] llama = Arrays.copyOf(ref.generatedTokens(), 64);
                boolean same = Arrays.equals(d, c);
                step.put("greedy_tokens", 64);
                step.put("identical_to_cpu", same);
                step.put("identical_to_llamacpp", Arrays.equals(d, llama));
                step.put("first_difference_from_cpu", Comparisons.firstDifference(d, c));
                step.put("device_tokens", Comparisons.json(d));
                int[] story = story(ref, prompt.length + 8);
                JsonObject walk = Comparisons.walk(device, cpu, story, prompt.length, Comparisons.Tolerance.forType("f32"));
                step.put("logits", walk);
                boolean pass = same && walk.get("within_tolerance").getAsBoolean();
                step.pass(pass);
                say(String.format(Locale.ROOT, "stories260K-f32: %s (tokens %s the CPU's, logits max diff %.2e) in %s",
                        pass ? "pass" : "FAIL", same ? "identical to" : "differ from", walk.get("max_difference").getAsDouble(),
                        Results.seconds(step.seconds())));
            }
        } catch (Throwable e) {
            step.error(e);
            say("stories260K-f32: ERROR " + e);
        }
    }

    /** The reference's prompt followed by llama.cpp's greedy tokens, {@code length} in all. */
    private static int[] story(LlamaCppReference ref, int length) {
        int[] tokens = Arrays.copyOf(ref.promptTokens(), length);
        System.arraycopy(ref.generatedTokens(), 0, tokens, ref.promptTokens().length, length - ref.promptTokens().length);
        return tokens;
    }

    /** The demo model ({@code f32} or {@code q8_0}) on three prompts. */
    private void demo(String type) {
        Results.Step step = results.step("replique-mini-fr-" + type);
        Path file = type.equals("q8_0") ? null : o.demoF32;
        if (type.equals("f32") && (file == null || !Files.isRegularFile(file))) {
            step.skip("the F32 demo model is not here" + (file == null ? "" : ": " + file));
            say("replique-mini-fr-" + type + ": skipped (no file)");
            return;
        }
        if (!fits(step, 20)) return;
        say("replique-mini-fr-" + type + ": logits and 32 greedy tokens against the CPU backend, 3 prompts");
        try (Model model = Model.load(file != null ? file : EmbeddedModel.path())) {
            try (Backend device = device(model, step);
                 Backend cpu = Backends.create("cpu", model, new BackendOptions(1, "scalar"))) {
                boolean pass = true;
                JsonArray prompts = new JsonArray();
                for (String name : DEMO_PROMPTS) {
                    LlamaCppReference ref = LlamaCppReference.load(o.fixtures.resolve(
                            "reference/replique-mini-fr-" + type + "." + name + ".n64.kvf32.llamacpp.json"));
                    int split = ref.promptTokens().length;
                    JsonObject walk = Comparisons.walk(device, cpu, story(ref, split + 16), split,
                            Comparisons.Tolerance.forType(type));
                    int[] d = Comparisons.greedy(device, ref.promptTokens(), 32);
                    int[] c = Comparisons.greedy(cpu, ref.promptTokens(), 32);
                    boolean same = Arrays.equals(d, c);
                    walk.addProperty("prompt", name);
                    walk.addProperty("greedy_identical_to_cpu", same);
                    walk.addProperty("greedy_identical_to_llamacpp",
                            Arrays.equals(d, Arrays.copyOf(ref.generatedTokens(), 32)));
                    prompts.add(walk);
                    pass &= same && walk.get("within_tolerance").getAsBoolean();
                }
                step.put("prompts", prompts);
                step.pass(pass);
                say("replique-mini-fr-" + type + ": " + (pass ? "pass" : "FAIL") + " in " + Results.seconds(step.seconds()));
            }
        } catch (Throwable e) {
            step.error(e);
            say("replique-mini-fr-" + type + ": ERROR " + e);
        }
    }

    // ---- Mistral-7B-shaped files ---------------------------------------------------------------

    /**
     * One 7B-shaped file: its logits against the CPU backend's, then speed and profile. The Q8_0
     * file gets half the time left, the Q4_0 file the rest.
     */
    private void shapedModel(ShapedModels shaped, TensorType type) {
        String name = "mistral-7b-shape-" + o.layers + "L-" + type.name().toLowerCase(Locale.ROOT);
        Results.Step check = results.step(name + " logits");
        if (!fits(check, 60)) {
            results.step(name + " speed").skip("out of time");
            return;
        }
        Deadline section = type == TensorType.Q8_0 ? deadline.within(deadline.remaining() / 2) : deadline;
        Path file;
        try {
            say(name + ": waiting for the file");
            file = shaped.await(type, section);
            check.put("file", file.toString());
            check.put("file_gib", Results.round(Files.size(file) / (double) (1L << 30), 3));
            Double written = shaped.writeSeconds(type);
            if (written != null) check.put("write_s", Results.round(written, 1));
        } catch (TimeoutException e) {
            check.skip("the file was not written in time");
            results.step(name + " speed").skip("no file");
            say(name + ": skipped (the file was not written in time)");
            return;
        } catch (Throwable e) {
            check.error(e);
            results.step(name + " speed").skip("no file");
            say(name + ": ERROR writing the file: " + e);
            return;
        }

        try (Model model = Model.load(file)) {
            say(name + ": starting the backend (repack, compile, upload)");
            Backend device;
            try {
                device = device(model, check);
            } catch (Throwable e) {
                check.error(e);
                results.step(name + " speed").skip("no backend");
                say(name + ": ERROR starting the backend: " + e);
                return;
            }
            try (device) {
                say(name + ": started in " + check.json.get("backend_start_s") + " s: " + device.description());
                try (Backend cpu = Backends.create("cpu", model, BackendOptions.defaults());
                     Backend scalar = Backends.create("cpu", model, new BackendOptions(0, "scalar"))) {
                    int vocab = model.config().vocabSize();
                    int[] tokens = Comparisons.walkTokens(20, vocab);
                    Comparisons.Tolerance usual = Comparisons.Tolerance.forType(type.name());
                    JsonObject cpus = Comparisons.walk(scalar, cpu, tokens, 16, usual);
                    Comparisons.Tolerance tolerance = shapedTolerance(usual, cpus);
                    JsonObject walk = Comparisons.walk(device, cpu, tokens, 16, tolerance);
                    check.put("logits", walk);
                    check.put("cpu_scalar_against_vector", cpus);
                    check.put("reference", cpu.description());
                    boolean pass = walk.get("within_tolerance").getAsBoolean();
                    check.pass(pass);
                    say(String.format(Locale.ROOT, "%s: logits %s (max diff %.3g, mean %.3g; the CPU's scalar and vector"
                                    + " kernels differ by %.3g, %.3g) in %s", name, pass ? "pass" : "FAIL",
                            walk.get("max_difference").getAsDouble(), walk.get("mean_difference").getAsDouble(),
                            cpus.get("max_difference").getAsDouble(), cpus.get("mean_difference").getAsDouble(),
                            Results.seconds(check.seconds())));
                } catch (Throwable e) {
                    check.error(e);
                    say(name + ": ERROR in the logits check: " + e);
                }
                speed(name, model, device, type, section);
            }
        } catch (Throwable e) {
            if (check.json.get("status").getAsString().equals("running")) check.error(e);
            say(name + ": ERROR " + e);
        }
    }

    /**
     * How far the device's logits may be from the CPU's on a 7B-shaped file: the usual quantized
     * tolerance, or twice what the CPU's own scalar and vector kernels differ by on the same tokens,
     * whichever is larger. Through many layers of random weights, the odd activation quant that
     * float rounding moves by one moves the logits further than in the small models (on 4 layers
     * of Q4_0 the two CPU kernels already differ by 0.2 at most), so any two exact-to-rounding
     * implementations differ by about as much as those two do.
     */
    static Comparisons.Tolerance shapedTolerance(Comparisons.Tolerance usual, JsonObject cpus) {
        return new Comparisons.Tolerance(Math.max(usual.max(), 2 * cpus.get("max_difference").getAsDouble()),
                Math.max(usual.mean(), 2 * cpus.get("mean_difference").getAsDouble()));
    }

    private void speed(String name, Model model, Backend device, TensorType type, Deadline section) {
        Results.Step step = results.step(name + " speed");
        if (!fits(step, 20)) return;
        try {
            int vocab = model.config().vocabSize();
            Speed speed = new Speed(device, SyntheticPrompt.tokens(o.prompt, 1, vocab));
            say(String.format(Locale.ROOT, "%s: prefill %d tokens, decode %d, up to %d times (%.0f s left for this file)",
                    name, o.prompt, o.generate, o.repetitions, section.remaining()));
            double profileReserve = Math.min(30, section.remaining() / 4);
            JsonObject figures = speed.measure(o.generate, o.repetitions, section.within(section.remaining() - profileReserve));
            step.put("figures", figures);
            long weightBytes = model.fileSize() - model.weights().tokenEmbedding().data().byteSize();
            double decode = figures.get("decode_tok_s").getAsDouble();
            step.put("weight_gib_per_token", Results.round(weightBytes / (double) (1L << 30), 3));
            step.put("decode_weight_gb_s", Results.round(decode * weightBytes / 1e9, 1));
            say(String.format(Locale.ROOT, "%s: prefill %.1f tok/s, decode %.1f tok/s (%.0f GB/s of weights)", name,
                    figures.get("prefill_tok_s").getAsDouble(), decode, decode * weightBytes / 1e9));
            JsonObject s = new JsonObject();
            s.addProperty("prefill_tok_s", figures.get("prefill_tok_s").getAsDouble());
            s.addProperty("decode_tok_s", decode);
            s.addProperty("decode_weight_gb_s", Results.round(decode * weightBytes / 1e9, 1));
            s.addProperty("layers", o.layers);
            if (o.layers == 32) {
                double target = type == TensorType.Q4_0 ? TARGET_DECODE_Q4_0 : TARGET_DECODE_Q8_0;
                s.addProperty("decode_target_tok_s", target);
                s.addProperty("prefill_target_tok_s", TARGET_PREFILL);
                s.addProperty("targets_met", decode >= target && figures.get("prefill_tok_s").getAsDouble() >= TARGET_PREFILL);
            }
            speeds.add(type.name().toLowerCase(Locale.ROOT), s);
            if (section.remaining() > 5) {
                say(name + ": profiling " + o.profileTokens + " decoded tokens and one prompt chunk");
                JsonObject profile = speed.profile(o.profileTokens, 32);
                if (profile != null) {
                    step.put("profile", profile);
                    say(name + ": decode profile " + summary(profile.getAsJsonObject("decode")));
                }
            }
            step.pass(true);
        } catch (Throwable e) {
            step.error(e);
            say(name + ": ERROR in the speed step: " + e);
        }
    }

    /** The three heaviest kernels of a profile and the host's time beside them. */
    private static String summary(JsonObject profile) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%.3f ms/token on the host, %.3f in kernels:",
                profile.get("host_wall_ms_per_token").getAsDouble(), profile.get("kernel_ms_per_token").getAsDouble()));
        JsonArray kernels = profile.getAsJsonArray("kernels");
        for (int i = 0; i < Math.min(4, kernels.size()); i++) {
            JsonObject k = kernels.get(i).getAsJsonObject();
            s.append(String.format(Locale.ROOT, " %s %.3f", k.get("kernel").getAsString(), k.get("ms_per_token").getAsDouble()));
        }
        return s.toString();
    }

    // ---- Options -----------------------------------------------------------------------------

    record Options(Path out, String backend, String label, boolean quick, Path fixtures, Path demoF32, Path work,
                   int layers, int prompt, int generate, int repetitions, int profileTokens, double budget,
                   Path devices) {

        static Options parse(String[] args) {
            Path out = Path.of("device-results.json");
            String backend = "tornadovm";
            String label = null;
            boolean quick = false;
            Path fixtures = null;
            Path demoF32 = null;
            Path work = Path.of(System.getProperty("java.io.tmpdir"), "replique-device");
            int layers = 32, prompt = 512, generate = 128, repetitions = 3, profileTokens = 8;
            double budget = 540;
            Path devices = null;
            List<String> a = List.of(args);
            for (int i = 0; i < a.size(); i++) {
                String arg = a.get(i);
                switch (arg) {
                    case "--quick" -> quick = true;
                    case "--out" -> out = Path.of(value(a, ++i, arg));
                    case "--backend" -> backend = value(a, ++i, arg);
                    case "--label" -> label = value(a, ++i, arg);
                    case "--fixtures" -> fixtures = Path.of(value(a, ++i, arg));
                    case "--demo-f32" -> demoF32 = Path.of(value(a, ++i, arg));
                    case "--work" -> work = Path.of(value(a, ++i, arg));
                    case "--layers" -> layers = positive(a, ++i, arg);
                    case "--prompt" -> prompt = positive(a, ++i, arg);
                    case "--generate" -> generate = positive(a, ++i, arg);
                    case "--repetitions" -> repetitions = positive(a, ++i, arg);
                    case "--profile-tokens" -> profileTokens = positive(a, ++i, arg);
                    case "--budget" -> budget = positive(a, ++i, arg);
                    case "--devices" -> devices = Path.of(value(a, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (fixtures == null) fixtures = org.replique.fixtures.Fixtures.root();
            return new Options(out, backend, label == null ? backend : label, quick, fixtures, demoF32, work, layers,
                    prompt, generate, repetitions, profileTokens, budget, devices);
        }

        private static String value(List<String> a, int i, String option) {
            if (i >= a.size()) throw new IllegalArgumentException(option + " needs a value");
            return a.get(i);
        }

        private static int positive(List<String> a, int i, String option) {
            String v = value(a, i, option);
            try {
                int n = Integer.parseInt(v);
                if (n <= 0) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a positive integer, not " + v);
            }
        }
    }
}

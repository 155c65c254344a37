package org.replique.server.hf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.generate.Generator;
import org.replique.engine.generate.TokenHistory;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.model.LoadOptions;
import org.replique.engine.model.Model;
import org.replique.engine.sampling.SamplingParams;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.hf.HfFolderExporter;

/**
 * Hugging Face folders written by the fixtures' exporter from the F32 GGUFs (once per test run,
 * in a temporary folder), and a greedy run as the llama.cpp references were made (no stop at EOS,
 * F32 cache).
 */
final class HfFixtures {
    private static final Map<String, Path> EXPORTED = new HashMap<>();
    private static Path root;

    private HfFixtures() {}

    /** stories260K (test-fixtures) as a folder. */
    static Path stories(String dtype, int shards, boolean sentencePiece, boolean tokenizerJson) {
        return export(Fixtures.file("models/stories260K-f32.gguf"), "stories260K", dtype, shards,
                sentencePiece ? Fixtures.file("models/stories260K.tokenizer.model") : null, tokenizerJson);
    }

    /** The demo model's F32 GGUF, which only ../shared/models has. */
    static Optional<Path> demoF32() {
        return Fixtures.shared().map(s -> s.resolve("models/replique-mini-fr-f32.gguf")).filter(Files::isRegularFile);
    }

    /** replique-mini-fr as a folder, when ../shared/models has its F32 GGUF. */
    static Optional<Path> demo(String dtype, int shards, boolean sentencePiece, boolean tokenizerJson) {
        return demoF32().map(gguf -> export(gguf, "replique-mini-fr", dtype, shards,
                sentencePiece ? Fixtures.file("models/replique-mini-fr.tokenizer.model") : null, tokenizerJson));
    }

    static final String NO_DEMO = "replique-mini-fr-f32.gguf is only in ../shared/models: the demo-model folder tests"
            + " are SKIPPED (stories260K's still run)";

    private static synchronized Path export(Path gguf, String name, String dtype, int shards, Path sentencePiece,
                                            boolean tokenizerJson) {
        String key = name + "-" + dtype + "-" + shards + (sentencePiece != null ? "-spm" : "") + (tokenizerJson ? "-json" : "");
        return EXPORTED.computeIfAbsent(key, k -> {
            try {
                if (root == null) {
                    Path created = Files.createTempDirectory("replique-hf");
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(created)));
                    root = created;
                }
                Path out = root.resolve(k);
                HfFolderExporter.export(gguf, out, new HfFolderExporter.Options(dtype, shards, sentencePiece, tokenizerJson));
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }

    /** A copy of an exported folder to break in a test. */
    static Path copy(Path folder, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(folder)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
        return to;
    }

    static GenerationResult greedy(Path model, LoadOptions options, int[] prompt, int n, int threads) {
        try (Model m = Model.load(model, options);
             Backend backend = Backends.create("cpu", m, new BackendOptions(threads, "auto"));
             InferenceState state = backend.newState(m.config().contextLength())) {
            GenerationRequest request = GenerationRequest.of(SamplingParams.greedyDecoding(), n).withStopAtEos(false);
            return new Generator(backend).generate(state, new TokenHistory(), prompt, request, TokenListener.NONE,
                    Cancellation.NONE);
        }
    }
}

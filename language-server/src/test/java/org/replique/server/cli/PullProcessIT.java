package org.replique.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.hub.FakeHub;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * The packaged jar as a new user runs it: {@code replique pull OWNER/NAME} from a hub (on
 * 127.0.0.1, named by {@code HF_ENDPOINT}) into {@code HF_HOME}, then {@code -m OWNER/NAME}.
 */
class PullProcessIT {
    @TempDir
    Path tmp;

    private record Run(int exit, String out) {}

    private Run run(FakeHub hub, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(ServeProcessIT.java(args));
        pb.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGING"));
        pb.environment().put("HF_ENDPOINT", hub.endpoint().toString());
        pb.environment().put("HF_HOME", tmp.resolve("hf").toString());
        Path log = tmp.resolve("out-" + System.nanoTime() + ".txt");
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void pullThenGenerateWithTheRepositoryName() throws Exception {
        try (FakeHub hub = new FakeHub("karpathy", "tinyllamas")) {
            hub.license = "mit";
            hub.add("stories260K-f32.gguf", Files.readAllBytes(Fixtures.file("models/stories260K-f32.gguf")), true);
            hub.add("README.md", "# stories260K\n".getBytes(StandardCharsets.UTF_8), false);

            Run pull = run(hub, "pull", "karpathy/tinyllamas");
            assertThat(pull.exit).as(pull.out).isZero();
            assertThat(pull.out).contains("Licence: mit").contains("verified stories260K-f32.gguf (sha256)");
            assertThat(tmp.resolve("hf/hub/models--karpathy--tinyllamas/refs/main")).hasContent(FakeHub.COMMIT);

            Run generate = run(hub, "generate", "-m", "karpathy/tinyllamas", "-p", "Once upon a time", "-n", "64",
                    "--greedy", "--json");
            assertThat(generate.exit).as(generate.out).isZero();
            String json = generate.out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
            List<Integer> tokens = JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("tokens").asList()
                    .stream().map(e -> e.getAsInt()).toList();
            LlamaCppReference ref = LlamaCppReference.load(Fixtures.file("reference/stories260K-f32.once.n64.kvf32.llamacpp.json"));
            assertThat(tokens).containsExactlyElementsOf(java.util.Arrays.stream(ref.generatedTokens()).boxed().toList());
            // Generating reads the cache only: the hub saw no request after the pull.
            int seen = hub.seen().size();
            run(hub, "tokenize", "-m", "karpathy/tinyllamas", "--text", "Once");
            assertThat(hub.seen()).hasSize(seen);
        }
    }
}

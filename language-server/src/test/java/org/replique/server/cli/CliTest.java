package org.replique.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.reference.LlamaCppReference;

/** The command line as scripts and other engines drive it: names, flags and JSON shapes. */
class CliTest {
    private record Run(int exit, String out, String err) {
        JsonObject json() {
            return JsonParser.parseString(out).getAsJsonObject();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Replique.commandLine(new Replique());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void generateJsonHasPromptTokensTokensTextAndTopLogits() {
        LlamaCppReference ref = LlamaCppReference.load(Fixtures.file("reference/stories260K-f32.once.n64.kvf32.llamacpp.json"));
        Run r = run("generate", "-m", Fixtures.file("models/stories260K-f32.gguf").toString(), "-p", "Once upon a time",
                "-n", "64", "--greedy", "--json", "--top-logits", "3");
        assertThat(r.exit).isZero();
        JsonObject o = r.json();
        assertThat(o.getAsJsonArray("prompt_tokens").asList()).map(e -> e.getAsInt()).containsExactly(1, 403, 407, 261, 378);
        assertThat(o.getAsJsonArray("tokens").asList().stream().mapToInt(e -> e.getAsInt()).toArray())
                .containsExactly(ref.generatedTokens());
        assertThat(o.get("text").getAsString()).startsWith(", there was a little girl named Lily.");
        var top = o.getAsJsonArray("next_token_top");
        assertThat(top).hasSize(3);
        assertThat(top.get(0).getAsJsonObject().get("id").getAsInt()).isEqualTo(432);
        assertThat(top.get(0).getAsJsonObject().get("logit_rel").getAsDouble()).isZero();
        assertThat(top.get(1).getAsJsonObject().get("logit_rel").getAsDouble()).isCloseTo(-3.5181, org.assertj.core.data.Offset.offset(1e-3));
    }

    /** {@code -m FOLDER} takes a Hugging Face folder; {@code --weights} quantizes it at load. */
    @Test
    void aHuggingFaceFolderIsAModelAndWeightsQuantizesIt(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("stories260K");
        org.replique.fixtures.hf.HfFolderExporter.export(Fixtures.file("models/stories260K-f32.gguf"), folder,
                new org.replique.fixtures.hf.HfFolderExporter.Options("F32", 1,
                        Fixtures.file("models/stories260K.tokenizer.model"), false));
        LlamaCppReference ref = LlamaCppReference.load(Fixtures.file("reference/stories260K-f32.once.n64.kvf32.llamacpp.json"));
        Run plain = run("generate", "-m", folder.toString(), "-p", "Once upon a time", "-n", "64", "--greedy", "--json");
        assertThat(plain.exit).isZero();
        assertThat(plain.json().getAsJsonArray("tokens").asList().stream().mapToInt(e -> e.getAsInt()).toArray())
                .containsExactly(ref.generatedTokens());

        Run bench = run("bench", "-m", folder.toString(), "--weights", "q8_0", "-p", "4", "-n", "2", "-r", "1", "--json");
        assertThat(bench.exit).isZero();
        assertThat(bench.json().get("weights").getAsString()).isEqualTo("q8_0");
        assertThat(bench.json().get("model").getAsString()).isEqualTo("stories260K");

        Run wrong = run("generate", "-m", folder.toString(), "--weights", "q3", "-p", "x", "-n", "1");
        assertThat(wrong.exit).isNotZero();
        assertThat(wrong.err).contains("q8_0 or q4_0");
    }

    @Test
    void generateWithoutAModelUsesTheEmbeddedFrenchModelAndStreamsText() {
        Run r = run("generate", "-p", "- Où courez-vous si tard, mon ami ?\n-", "-n", "12", "--seed", "5");
        assertThat(r.exit).isZero();
        assertThat(r.out).startsWith("- Où courez-vous si tard, mon ami ?\n-");
        assertThat(r.out.length()).isGreaterThan("- Où courez-vous si tard, mon ami ?\n-".length() + 5);
    }

    @Test
    void greedyStopsAtEosOnlyWhenAsked() {
        // From "- …\n-" greedy goes on for many lines; with a stop string it ends at the first line.
        Run r = run("generate", "-p", "- Où courez-vous si tard, mon ami ?\n-", "-n", "40", "--greedy", "--json",
                "--stop", "\n");
        assertThat(r.json().get("stop_reason").getAsString()).isEqualTo("stop_string");
        assertThat(r.json().get("text").getAsString()).doesNotContain("\n");
    }

    @Test
    void tokenizeWorksOnAVocabularyOnlyFile() {
        Run r = run("tokenize", "-m", Fixtures.file("tokenizer-vectors/ggml-vocab-llama-spm.gguf").toString(),
                "--text", "Hello world", "--json");
        assertThat(r.exit).isZero();
        assertThat(r.json().getAsJsonArray("ids").asList()).map(e -> e.getAsInt()).containsExactly(1, 15043, 3186);
        Run noBos = run("tokenize", "-m", Fixtures.file("tokenizer-vectors/ggml-vocab-llama-spm.gguf").toString(),
                "--text", "Hello world", "--no-bos");
        assertThat(noBos.out.trim()).isEqualTo("15043 3186");
    }

    @Test
    void theEmptyTextHasNoIds() {
        Run r = run("tokenize", "-m", Fixtures.file("models/stories260K-f32.gguf").toString(), "--text", "", "--json");
        assertThat(r.exit).isZero();
        assertThat(r.json().getAsJsonArray("ids")).isEmpty();
    }

    @Test
    void aBadModelFileIsAClearErrorNotAStackTrace(@TempDir Path dir) throws Exception {
        Path notGguf = dir.resolve("notes.txt");
        Files.writeString(notGguf, "ALCESTE. Je veux qu'on soit sincère.");
        Run r = run("generate", "-m", notGguf.toString(), "-p", "x");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).startsWith("replique: notes.txt: not a GGUF file").doesNotContain("Exception");
        Run missing = run("tokenize", "-m", dir.resolve("nope.gguf").toString(), "--text", "x");
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.err).contains("nope.gguf: no such file");
    }

    @Test
    void anUnknownBackendNamesTheOnesAvailable() {
        Run r = run("generate", "-m", Fixtures.file("models/stories260K-f32.gguf").toString(), "-p", "x", "--backend", "cuda");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("unknown backend 'cuda'").contains("cpu");
    }

    @Test
    void falconFilesGenerateTokenizeAndBench(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("falcon.gguf");
        org.replique.fixtures.gguf.SyntheticFalcon.write(file, org.replique.fixtures.gguf.SyntheticFalcon.Shape.tiny7B(),
                org.replique.fixtures.gguf.GgufWriter.TensorType.Q8_0, 7);
        LlamaCppReference ref = LlamaCppReference.load(
                Fixtures.file("reference/synthetic-falcon7-q8_0.alceste.n64.kvf32.llamacpp.json"));

        Run tokens = run("tokenize", "-m", file.toString(), "--text", ref.promptText(), "--json");
        assertThat(tokens.exit).isZero();
        assertThat(tokens.json().getAsJsonArray("ids").asList().stream().mapToInt(e -> e.getAsInt()).toArray())
                .as("no BOS: the vocabulary does not ask for one").containsExactly(ref.promptTokens());
        assertThat(tokens.json().getAsJsonArray("pieces").get(0).getAsString()).isEqualTo("[");

        Run generated = run("generate", "-m", file.toString(), "-p", ref.promptText(), "-n", "8", "--greedy", "--json");
        assertThat(generated.exit).isZero();
        assertThat(generated.json().getAsJsonArray("tokens").asList().stream().mapToInt(e -> e.getAsInt()).toArray())
                .containsExactly(java.util.Arrays.copyOf(ref.generatedTokens(), 8));

        Run bench = run("bench", "-m", file.toString(), "-p", "8", "-n", "4", "-r", "1", "--warmup", "0", "--json");
        assertThat(bench.exit).as(bench.err).isZero();
        assertThat(bench.json().toString()).contains("synthetic-falcon");
    }
}

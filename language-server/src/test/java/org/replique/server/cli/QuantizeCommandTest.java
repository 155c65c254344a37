package org.replique.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.engine.gguf.GgufFile;
import org.replique.engine.gguf.GgufTensorInfo;
import org.replique.engine.model.ModelFile;
import org.replique.engine.convert.ModelQuantizer;
import org.replique.engine.convert.Quantization;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.Bf16Gguf;
import org.replique.fixtures.hf.HfFolderExporter;
import org.replique.fixtures.reference.LlamaCppReference;
import picocli.CommandLine;

/**
 * {@code replique quantize IN OUT --type TYPE}: from a GGUF file, a Hugging Face folder or a
 * pulled {@code OWNER/NAME} to a GGUF file the engine (and llama.cpp) runs.
 */
class QuantizeCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private Run run(Path hubCache, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Replique.commandLine(new Replique());
        ((QuantizeCommand) cl.getSubcommands().get("quantize").getCommand()).hubCache = hubCache;
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run run(String... args) {
        return run(dir.resolve("empty-cache"), args);
    }

    private Path stories(String dtype, int shards) throws IOException {
        Path folder = dir.resolve("stories260K-" + dtype);
        HfFolderExporter.export(Fixtures.file("models/stories260K-f32.gguf"), folder,
                new HfFolderExporter.Options(dtype, shards, Fixtures.file("models/stories260K.tokenizer.model"), false));
        return folder;
    }

    /**
     * A Hugging Face folder gives the tensors its GGUF conversion would (Q and K rows back in
     * llama.cpp's order), so the Q8_0 file generates llama.cpp's tokens on stories260K Q8_0.
     */
    @Test
    void aHuggingFaceFolderGivesTheTensorsOfItsGgufConversion() throws Exception {
        Path out = dir.resolve("stories-q8_0.gguf");
        Run r = run("quantize", stories("F32", 1).toString(), out.toString(), "--type", "q8_0");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("Wrote " + out).contains("Q8_0").contains("bits per weight");

        Path fromGguf = dir.resolve("from-gguf.gguf");
        try (ModelFile m = ModelFile.open(Fixtures.file("models/stories260K-f32.gguf"))) {
            ModelQuantizer.quantize(m, fromGguf, new ModelQuantizer.Options(Quantization.Q8_0), null);
        }
        assertSameTensors(out, fromGguf);

        LlamaCppReference ref = LlamaCppReference.load(Fixtures.file("reference/stories260K-q8_0.once.n64.kvf32.llamacpp.json"));
        StringWriter json = new StringWriter();
        CommandLine generate = Replique.commandLine(new Replique());
        generate.setOut(new PrintWriter(json));
        assertThat(generate.execute("generate", "-m", out.toString(), "-p", "Once upon a time", "-n", "64", "--greedy",
                "--json")).isZero();
        int[] tokens = com.google.gson.JsonParser.parseString(json.toString()).getAsJsonObject().getAsJsonArray("tokens")
                .asList().stream().mapToInt(e -> e.getAsInt()).toArray();
        assertThat(tokens).containsExactly(ref.generatedTokens());
    }

    /** BF16 shards give what the BF16 GGUF of the same weights gives; their norms become F32, as llama.cpp's converter writes them. */
    @Test
    void bf16ShardsGiveWhatTheirBf16GgufGives() throws Exception {
        Path out = dir.resolve("stories-bf16-q4_k_m.gguf");
        Run r = run("quantize", stories("BF16", 2).toString(), out.toString(), "--type", "q4_k_m");
        assertThat(r.exit).as(r.err).isZero();
        Path bf16 = dir.resolve("stories-bf16.gguf");
        Bf16Gguf.convert(Fixtures.file("models/stories260K-f32.gguf"), bf16);
        Path fromGguf = dir.resolve("from-bf16-gguf.gguf");
        try (ModelFile m = ModelFile.open(bf16)) {
            ModelQuantizer.quantize(m, fromGguf, new ModelQuantizer.Options(Quantization.Q4_K_M), null);
        }
        assertSameTensors(out, fromGguf);
        try (GgufFile g = GgufFile.open(out)) {
            assertThat(g.tensor("blk.0.attn_norm.weight").type().name()).isEqualTo("F32");
            assertThat(g.metadata().getInt("general.file_type")).isEqualTo(15);
        }
    }

    @Test
    void aPulledModelIsFoundInTheHuggingFaceCache() throws Exception {
        Path cache = dir.resolve("hub");
        Path snapshot = cache.resolve("models--karpathy--stories260K/snapshots/0123456789abcdef0123456789abcdef01234567");
        Files.createDirectories(snapshot.getParent());
        Files.move(stories("F32", 1), snapshot);
        Files.createDirectories(cache.resolve("models--karpathy--stories260K/refs"));
        Files.writeString(cache.resolve("models--karpathy--stories260K/refs/main"), "0123456789abcdef0123456789abcdef01234567");
        Path out = dir.resolve("pulled-q6_k.gguf");
        Run r = run(cache, "quantize", "karpathy/stories260K", out.toString(), "--type", "Q6_K");
        assertThat(r.exit).as(r.err).isZero();
        try (GgufFile g = GgufFile.open(out)) {
            assertThat(g.metadata().getInt("general.file_type")).isEqualTo(18);
        }
    }

    /** Matrices llama-quantize would write in Q5_0 are Q8_0, and the command says so. */
    @Test
    void aTypeOtherThanLlamaQuantizesIsAnnounced() {
        Path out = dir.resolve("demo-q4_k_m.gguf");
        Run r = run("quantize", Fixtures.file("models/replique-mini-fr-f16.gguf").toString(), out.toString(), "--type", "q4_k_m");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.err).contains("Q8_0 where llama-quantize writes Q5_0");
        assertThat(r.out).contains("Q4_K 4").contains("Q6_K 2").contains("Q8_0 38");
    }

    @Test
    void badArgumentsGetAClearMessage() throws IOException {
        String stories = Fixtures.file("models/stories260K-f32.gguf").toString();
        Run type = run("quantize", stories, dir.resolve("x.gguf").toString(), "--type", "q3_k_s");
        assertThat(type.exit).isNotZero();
        assertThat(type.err).contains("q3_k_s").contains("q8_0, q4_0, q4_k_m, q5_k_m, q6_k");

        Run missing = run("quantize", dir.resolve("nothing.gguf").toString(), dir.resolve("x.gguf").toString(), "--type", "q8_0");
        assertThat(missing.exit).isNotZero();
        assertThat(missing.err).contains("nothing.gguf");

        Run folder = run("quantize", stories, dir.toString(), "--type", "q8_0");
        assertThat(folder.exit).isNotZero();
        assertThat(folder.err).contains("is a folder");

        Path copy = Files.copy(Path.of(stories), dir.resolve("copy.gguf"));
        Run same = run("quantize", copy.toString(), copy.toString(), "--type", "q8_0");
        assertThat(same.exit).isNotZero();
        assertThat(same.err).contains("is the input");

        Run nowhere = run("quantize", stories, dir.resolve("no/such/folder/x.gguf").toString(), "--type", "q8_0");
        assertThat(nowhere.exit).isNotZero();
        assertThat(nowhere.err).contains("no folder");

        Run noType = run("quantize", stories, dir.resolve("x.gguf").toString());
        assertThat(noType.exit).isNotZero();
        assertThat(noType.err).contains("--type");
        assertThat(dir.resolve("x.gguf")).doesNotExist();
    }

    private static void assertSameTensors(Path a, Path b) throws IOException {
        try (GgufFile x = GgufFile.open(a); GgufFile y = GgufFile.open(b)) {
            assertThat(x.tensors().keySet()).containsExactlyElementsOf(y.tensors().keySet());
            for (GgufTensorInfo t : x.tensors().values()) {
                GgufTensorInfo u = y.tensor(t.name());
                assertThat(t.type()).as(t.name()).isEqualTo(u.type());
                assertThat(t.shape()).as(t.name()).isEqualTo(u.shape());
                assertThat(t.data().mismatch(u.data())).as("bytes of %s", t.name()).isEqualTo(-1L);
            }
        }
    }
}

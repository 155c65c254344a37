package org.replique.engine.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.gguf.GgufArray;
import org.replique.engine.gguf.GgufFile;
import org.replique.engine.gguf.GgufMetadata;
import org.replique.engine.gguf.GgufTensorInfo;
import org.replique.engine.model.ModelFile;
import org.replique.engine.tensor.Blocks;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.GgufWriter.TensorType;
import org.replique.fixtures.gguf.SyntheticModel;

/**
 * {@link ModelQuantizer} writes llama-quantize's files. The digests below are those of the files
 * {@code llama_model_quantize} (llama.cpp's libllama of node-llama-cpp 3.21.1, no importance matrix)
 * wrote from the same inputs: a Mistral-shaped F32 model whose matrices are whole blocks of 256
 * ({@code SyntheticModel.Shape.kQuantMistral()}, seed 7), stories260K in F32 with and without a
 * tied output, and the demo model's F16 export. Where llama-quantize falls back to Q5_0/Q5_1 (the
 * demo model's 192-weight rows in Q4_K_M and Q5_K_M), the comparison is per tensor with
 * {@code reference/quantize/replique-mini-fr-f16.*.llama-quantize.tsv}: llama.cpp's types, the
 * RMSE of each of its tensors against the source, and the SHA-256 of its bytes.
 */
class ModelQuantizerTest {
    private static final String SYNTHETIC_F32 = "d2bada50383a289b56bfb673faa090a1b49d00ea5d42b7659efaa53c13654dbf";

    @TempDir
    Path dir;

    static Path syntheticF32(Path dir) throws IOException {
        Path file = dir.resolve("synthetic-mistral-f32.gguf");
        if (!Files.exists(file)) {
            SyntheticModel.write(file, SyntheticModel.Shape.kQuantMistral(), TensorType.F32, 7);
            assertThat(sha256(file)).as("the generator must write the file llama-quantize was given").isEqualTo(SYNTHETIC_F32);
        }
        return file;
    }

    static Path quantize(Path in, Path out, Quantization q) throws IOException {
        try (ModelFile model = ModelFile.open(in)) {
            ModelQuantizer.quantize(model, out, new ModelQuantizer.Options(q), null);
        }
        return out;
    }

    static Stream<Arguments> llamaQuantizeDigests() {
        return Stream.of(
                Arguments.of("synthetic", Quantization.Q8_0, "92b1290e94a556c6882c90c1a113fc9a588d6f27e5f590092df1020cb47fa3af"),
                Arguments.of("synthetic", Quantization.Q4_0, "049b25ecb215f46c5eb6a0cb09547ded94a43ad7971424d3492c16f28a5c2378"),
                Arguments.of("synthetic", Quantization.Q4_K_M, "40a2a5e579d4a9fff76bfb6bd125beb9fdd1690ca896d1e20c4f945bdb7c4868"),
                Arguments.of("synthetic", Quantization.Q5_K_M, "f201727a57640d202be236677311a128a04db9f9f44c5540ae2e70d694244f6c"),
                Arguments.of("synthetic", Quantization.Q6_K, "818947cb9add6a4b636ebfc9ba9322b38e133f81f239d00a58136cd870054594"),
                Arguments.of("stories260K-f32.gguf", Quantization.Q8_0, "1088d6ff009022947f6e52507b0a905f48083f72362b78ac1322dd57c8199380"),
                Arguments.of("stories260K-f32.gguf", Quantization.Q4_0, "063163e25dee9983116f2e9b48f9a4e056c43ad5c99395c35deabe97d5a7d6a7"),
                Arguments.of("stories260K-f32.gguf", Quantization.Q6_K, "5ca1ad56b66cfd1b42e1a462e9bbf51fd1b88692478a30574cbc5206094a4976"),
                Arguments.of("stories260K-f32-tied.gguf", Quantization.Q8_0, "868a79526c8b02251f9e978cbd43b5fb2a0bfaa77f73281dc33632fe3b72819c"),
                Arguments.of("stories260K-f32-tied.gguf", Quantization.Q4_0, "dca68e2eac6be61abf0a8a7939f61a4c4fbd64d1be69a9f63339756291e51065"),
                Arguments.of("stories260K-f32-tied.gguf", Quantization.Q6_K, "47b27cb928018bb6bfdc621a2c3b6ce36f672d89a6ecad64e6e5ed1258490aed"),
                Arguments.of("replique-mini-fr-f16.gguf", Quantization.Q8_0, "9af29165b2e1c6bc9fa39331c97bbf3836fc7f8391420a0b94a2fa398cb0237b"),
                Arguments.of("replique-mini-fr-f16.gguf", Quantization.Q4_0, "25436184d3585bdd3206f938551e35dfea0c68041505edd26c788acb760df11c"),
                Arguments.of("replique-mini-fr-f16.gguf", Quantization.Q6_K, "8d628b048608a9bc1dea35023ac96c133d2795be402219a6161cbc20feb56dfa"));
    }

    /** Byte for byte: metadata copied and set as llama-quantize does, llama.cpp's tensor order, the same types and quants. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("llamaQuantizeDigests")
    void theFileIsLlamaQuantizes(String source, Quantization q, String digest) throws IOException {
        Path in = source.equals("synthetic") ? syntheticF32(dir) : Fixtures.file("models/" + source);
        Path out = quantize(in, dir.resolve("out.gguf"), q);
        assertThat(sha256(out)).isEqualTo(digest);
        assertThat(dir.resolve("out.gguf.part")).doesNotExist();
    }

    /**
     * The demo model's rows of 192 weights are not whole blocks of 256: llama-quantize writes those
     * matrices in Q5_0 (Q4_K_M) or Q5_1 (Q5_K_M), which the engine does not read; they are Q8_0 here,
     * and every other tensor holds llama-quantize's bytes. No matrix is further from the source than
     * llama-quantize's.
     */
    @ParameterizedTest
    @EnumSource(value = Quantization.class, names = {"Q4_K_M", "Q5_K_M"})
    void whereLlamaQuantizeWritesQ5_0OrQ5_1TheMatrixIsQ8_0AndNoMatrixIsFurtherFromTheSource(Quantization q) throws Exception {
        Path source = Fixtures.file("models/replique-mini-fr-f16.gguf");
        Path out = dir.resolve("demo.gguf");
        ModelQuantizer.Result result;
        try (ModelFile model = ModelFile.open(source)) {
            result = ModelQuantizer.quantize(model, out, new ModelQuantizer.Options(q), null);
        }
        String llamaFallback = q == Quantization.Q4_K_M ? "Q5_0" : "Q5_1";
        assertThat(result.notes()).singleElement().asString().contains("Q8_0 where llama-quantize writes " + llamaFallback);

        List<String[]> reference = new ArrayList<>();
        for (String line : Files.readAllLines(Fixtures.file("reference/quantize/replique-mini-fr-f16."
                + q.name().toLowerCase() + ".llama-quantize.tsv"))) {
            if (!line.startsWith("#")) reference.add(line.split("\t"));
        }
        int sameBytes = 0;
        int substituted = 0;
        try (GgufFile src = GgufFile.open(source); GgufFile ours = GgufFile.open(out)) {
            assertThat(ours.tensors().keySet()).containsExactlyElementsOf(reference.stream().map(r -> r[0]).toList());
            for (String[] r : reference) {
                GgufTensorInfo t = ours.tensor(r[0]);
                double rmse = rmse(src.tensor(r[0]), t);
                double llamaRmse = Double.parseDouble(r[2]);
                if (t.type().name().equals(r[1])) {
                    assertThat(sha256(t)).as("%s holds llama-quantize's bytes", r[0]).isEqualTo(r[3]);
                    sameBytes++;
                } else {
                    assertThat(r[1]).as(r[0]).isEqualTo(llamaFallback);
                    assertThat(t.type()).as(r[0]).isEqualTo(GgmlType.Q8_0);
                    substituted++;
                }
                assertThat(rmse).as("RMSE of %s (%s; llama-quantize's %s: %s)", r[0], t.type(), r[1], r[2])
                        .isLessThanOrEqualTo(llamaRmse * (1 + 1e-6));
            }
        }
        assertThat(substituted).isEqualTo(35);
        assertThat(sameBytes).isEqualTo(reference.size() - 35);
    }

    /** The output reads back as the same model: configuration, vocabulary, and the source's metadata with the file type set. */
    @Test
    void theOutputReadsBackAsTheSameModel() throws IOException {
        Path source = Fixtures.file("models/replique-mini-fr-f16.gguf");
        Path out = quantize(source, dir.resolve("demo-q4_k_m.gguf"), Quantization.Q4_K_M);
        try (ModelFile a = ModelFile.open(source); ModelFile b = ModelFile.open(out)) {
            assertThat(b.config()).isEqualTo(a.config());
            assertThat(b.vocabulary().size()).isEqualTo(a.vocabulary().size());
            for (int i = 0; i < a.vocabulary().size(); i++) {
                assertThat(b.vocabulary().piece(i)).isEqualTo(a.vocabulary().piece(i));
                assertThat(b.vocabulary().score(i)).isEqualTo(a.vocabulary().score(i));
                assertThat(b.vocabulary().type(i)).isEqualTo(a.vocabulary().type(i));
            }
            GgufMetadata m = b.ggufMetadata().orElseThrow();
            GgufMetadata s = a.ggufMetadata().orElseThrow();
            assertThat(m.getInt("general.file_type")).isEqualTo(15);
            assertThat(m.getInt("general.quantization_version")).isEqualTo(2);
            for (String key : s.asMap().keySet()) {
                if (key.equals("general.file_type")) continue;
                Object x = s.get(key);
                Object y = m.get(key);
                assertThat(y instanceof GgufArray ya ? ya.values() : y).as(key)
                        .isEqualTo(x instanceof GgufArray xa ? xa.values() : x);
                assertThat(m.type(key)).as(key).isEqualTo(s.type(key));
            }
            assertThat(b.tensors().get("blk.2.ffn_down.weight").type()).isEqualTo(GgmlType.Q6_K);
            assertThat(b.tensors().get("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.Q4_K);
        }
    }

    @Test
    void alreadyQuantizedTensorsAreRefusedUnlessRequantizingIsAllowedAndNothingIsWritten() throws IOException {
        Path q8 = quantize(Fixtures.file("models/stories260K-f32.gguf"), dir.resolve("q8.gguf"), Quantization.Q8_0);
        Path out = dir.resolve("q4.gguf");
        try (ModelFile model = ModelFile.open(q8)) {
            assertThatThrownBy(() -> ModelQuantizer.quantize(model, out, new ModelQuantizer.Options(Quantization.Q4_0), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already Q8_0").hasMessageContaining("--allow-requantize");
        }
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("q4.gguf.part")).doesNotExist();
        try (ModelFile model = ModelFile.open(q8)) {
            ModelQuantizer.quantize(model, out, new ModelQuantizer.Options(Quantization.Q4_0, true, 1), null);
        }
        try (GgufFile g = GgufFile.open(out)) {
            assertThat(g.tensor("blk.0.attn_q.weight").type()).isEqualTo(GgmlType.Q4_0);
        }
    }

    /** The progress listener hears every byte of the source's tensors, ending at the total. */
    @Test
    void progressReachesTheTotalOfTheSourcesTensors() throws IOException {
        Path source = Fixtures.file("models/stories260K-f32.gguf");
        List<long[]> updates = new ArrayList<>();
        long total;
        try (ModelFile model = ModelFile.open(source)) {
            total = model.tensors().values().stream().mapToLong(t -> t.data().byteSize()).sum();
            ModelQuantizer.quantize(model, dir.resolve("p.gguf"), new ModelQuantizer.Options(Quantization.Q6_K),
                    (done, all) -> updates.add(new long[] {done, all}));
        }
        assertThat(updates.getFirst()).containsExactly(0, total);
        assertThat(updates.getLast()).containsExactly(total, total);
        for (int i = 1; i < updates.size(); i++) assertThat(updates.get(i)[0]).isGreaterThanOrEqualTo(updates.get(i - 1)[0]);
    }

    static double rmse(GgufTensorInfo source, GgufTensorInfo quantized) {
        int n = Math.toIntExact(source.elementCount());
        float[] a = new float[n];
        float[] b = new float[n];
        Blocks.dequantize(source.type(), source.data(), 0, n, a, 0);
        Blocks.dequantize(quantized.type(), quantized.data(), 0, n, b, 0);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        return Math.sqrt(sum / n);
    }

    static String sha256(GgufTensorInfo t) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                t.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

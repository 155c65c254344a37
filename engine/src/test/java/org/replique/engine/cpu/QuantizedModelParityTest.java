package org.replique.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.model.Model;
import org.replique.engine.model.ModelFile;
import org.replique.engine.convert.ModelQuantizer;
import org.replique.engine.convert.Quantization;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.GgufWriter.TensorType;
import org.replique.fixtures.gguf.SyntheticModel;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * Models quantized by the engine run in llama.cpp and give, in the engine, llama.cpp's greedy
 * tokens on the same file. {@code reference/quantized-*.json} are llama.cpp's outputs (AVX2
 * build, F32 KV cache) on the files {@link ModelQuantizer} wrote: the Mistral-shaped F32 model
 * (seed 7, matrices of whole 256-blocks; these files are byte for byte llama-quantize's) and the
 * demo model's F16 export. The test quantizes again and checks each file's SHA-256 first.
 */
class QuantizedModelParityTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;

    static Stream<Arguments> files() {
        return Stream.of(
                Arguments.of("synthetic-mistral", Quantization.Q4_K_M, "alceste", "40a2a5e579d4a9fff76bfb6bd125beb9fdd1690ca896d1e20c4f945bdb7c4868"),
                Arguments.of("synthetic-mistral", Quantization.Q5_K_M, "alceste", "f201727a57640d202be236677311a128a04db9f9f44c5540ae2e70d694244f6c"),
                Arguments.of("synthetic-mistral", Quantization.Q6_K, "alceste", "818947cb9add6a4b636ebfc9ba9322b38e133f81f239d00a58136cd870054594"),
                Arguments.of("replique-mini-fr", Quantization.Q4_K_M, "alceste", "1b28ff4699236d4880f800fedeb8e6ddc967da2810d70cdeaca0113a6354d6b8"),
                Arguments.of("replique-mini-fr", Quantization.Q4_K_M, "cuisiner", "1b28ff4699236d4880f800fedeb8e6ddc967da2810d70cdeaca0113a6354d6b8"),
                Arguments.of("replique-mini-fr", Quantization.Q4_K_M, "dash", "1b28ff4699236d4880f800fedeb8e6ddc967da2810d70cdeaca0113a6354d6b8"),
                Arguments.of("replique-mini-fr", Quantization.Q5_K_M, "alceste", "ea8c27867aaeb52086c526ee4955cd465a5d338a0907184a2c3851dfac557f0d"),
                Arguments.of("replique-mini-fr", Quantization.Q6_K, "alceste", "8d628b048608a9bc1dea35023ac96c133d2795be402219a6161cbc20feb56dfa"),
                Arguments.of("replique-mini-fr", Quantization.Q4_0, "alceste", "25436184d3585bdd3206f938551e35dfea0c68041505edd26c788acb760df11c"));
    }

    private static Path quantized(String model, Quantization q) throws IOException {
        Path out = dir.resolve(model + "-" + q + ".gguf");
        if (Files.exists(out)) return out;
        Path source;
        if (model.equals("synthetic-mistral")) {
            source = dir.resolve("synthetic-mistral-f32.gguf");
            if (!Files.exists(source)) SyntheticModel.write(source, SyntheticModel.Shape.kQuantMistral(), TensorType.F32, 7);
        } else {
            source = Fixtures.file("models/replique-mini-fr-f16.gguf");
        }
        try (ModelFile m = ModelFile.open(source)) {
            ModelQuantizer.quantize(m, out, new ModelQuantizer.Options(q), null);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("files")
    void greedyTokensAreLlamaCpps(String model, Quantization q, String prompt, String digest) throws Exception {
        Path file = quantized(model, q);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
                .as("the file llama.cpp ran").isEqualTo(digest);
        LlamaCppReference ref = LlamaCppReference.load(Fixtures.file(
                "reference/quantized-" + model + "-" + q.name().toLowerCase() + "." + prompt + ".n64.kvf32.llamacpp.json"));
        try (Model m = Model.load(file)) {
            assertThat(m.tokenizer().encode(ref.promptText())).containsExactly(ref.promptTokens());
        }
        GenerationResult r = Greedy.run(file, ref.promptTokens(), 64);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        float[] rel = Greedy.relative(r.promptLogits());
        for (LlamaCppReference.Top top : ref.nextTokenTop()) {
            assertThat((double) rel[top.id()]).as("logit_rel of token %d", top.id()).isCloseTo(top.logitRel(), within(TOLERANCE));
        }
    }
}

package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.gguf.QuantMix;
import org.replique.fixtures.gguf.SyntheticModel;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * K-quant files (Q4_K, Q5_K and Q6_K matrices, mixed as llama-quantize mixes them) on the device,
 * which widens those matrices to F32 (it has no K-quant kernels): llama.cpp's 64 greedy tokens
 * and its top-10 logits after the prompt. The files are the engine tests' Mistral-shaped ones
 * (dim 256, 8 layers, GQA 4:1, rows multiples of 256), written again and checked byte for byte;
 * the references were made by llama.cpp's AVX2 build from them. llama.cpp multiplies K-quant
 * weights with activations quantized to 8 bits (Q8_K) where the device multiplies the F32
 * activations, so the logits differ by that rounding: {@link #TOLERANCE}.
 */
class KQuantFilesTest {
    /** Top-10 logit_rel against llama.cpp. */
    private static final double TOLERANCE = 2e-2;

    static Stream<Arguments> files() {
        return Stream.of(
                Arguments.of(QuantMix.Q4_K_M, "3df822f3d886b97609b2010bdcedb457cb1374fe4202591e0aa664c530d78c7b"),
                Arguments.of(QuantMix.Q5_K_M, "a834b0a2b3cbbe98a134f096d7e12725cdc33f104af24ef8e722bd5252f1ef0e"),
                Arguments.of(QuantMix.Q6_K, "a917bee988b434845f49902562143f94fa1b768eb88b5ed59112a607729bb3cf"),
                Arguments.of(QuantMix.PURE_Q4_K, "b0f06697988c0600013d77a286767a17851e981e04f2e52d400f894ff24a9c1d"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void kQuantFilesGiveLlamaCppsGreedyTokens(QuantMix mix, String digest, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("synthetic-" + mix + ".gguf");
        SyntheticModel.write(file, SyntheticModel.Shape.kQuantMistral(), mix, 7);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
                .as("the generator must write the file the reference was made from").isEqualTo(digest);
        LlamaCppReference ref = LlamaCppReference.load(Fixtures.file(
                "reference/synthetic-mistral-" + mix.name().toLowerCase() + ".alceste.n64.kvf32.llamacpp.json"));
        TornadoBackend device = (TornadoBackend) Devices.open(file).device();
        assertThat(device.description()).contains("widened to F32");
        Devices.Opened o = Devices.open(file);
        CpuParityTest.compare(o, ref.promptTokens(), ref.promptTokens().length - 1, new Logits.Tolerance(1e-3, 1e-4), "kquant " + mix);
        GenerationResult r = Logits.greedy(device, ref.promptTokens(), 64);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        float[] rel = Logits.relative(r.promptLogits());
        double worst = 0;
        for (LlamaCppReference.Top top : ref.nextTokenTop()) worst = Math.max(worst, Math.abs(rel[top.id()] - top.logitRel()));
        System.out.printf("KQUANT-MEASURE %s worst %.3g%n", mix, worst);
        for (LlamaCppReference.Top top : ref.nextTokenTop()) {
            assertThat((double) rel[top.id()]).as("logit_rel of token %d", top.id())
                    .isCloseTo(top.logitRel(), within(TOLERANCE));
        }
    }
}

package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.replique.engine.generate.GenerationResult;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.hf.HfFolderExporter;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * A Hugging Face folder (Q and K rows in rotate-half order) on the device gives llama.cpp's tokens
 * on the GGUF of the same weights: the rows reach the device in the order the kernels use.
 */
class HfFolderTest {

    @Test
    void stories260KFolderGivesLlamaCppsTokens(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("stories260K");
        HfFolderExporter.export(Fixtures.file("models/stories260K-f32.gguf"), folder,
                new HfFolderExporter.Options("F32", 1, Fixtures.file("models/stories260K.tokenizer.model"), false));
        LlamaCppReference ref = LlamaCppReference.load(Fixtures.file("reference/stories260K-f32.once.n64.kvf32.llamacpp.json"));
        GenerationResult r = Logits.greedy(Devices.open(folder).device(), ref.promptTokens(), 64);
        assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
        float[] rel = Logits.relative(r.promptLogits());
        for (LlamaCppReference.Top top : ref.nextTokenTop()) {
            assertThat((double) rel[top.id()]).as("logit_rel of token %d", top.id()).isCloseTo(top.logitRel(), within(1e-4));
        }
    }
}

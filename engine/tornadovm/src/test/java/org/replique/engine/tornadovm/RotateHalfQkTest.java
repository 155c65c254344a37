package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.model.LoadOptions;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.reference.LlamaCppReference;

/**
 * Q and K rows stored as a Hugging Face checkpoint stores them (rotate-half order, declared with
 * their RowOrder) reach the device in the order its kernels use: llama.cpp's tokens and logits.
 */
class RotateHalfQkTest {

    @Test
    void rotateHalfQkViewsGiveLlamaCppsTokensOnTheDevice() {
        LlamaCppReference ref = LlamaCppReference.load(Fixtures.file("reference/stories260K-f32.once.n64.kvf32.llamacpp.json"));
        try (Model model = Model.load(new RotatedQk(Fixtures.file("models/stories260K-f32.gguf"), true), LoadOptions.DEFAULT);
             Backend device = Backends.create("tornadovm", model, BackendOptions.defaults())) {
            GenerationResult r = Logits.greedy(device, ref.promptTokens(), 64);
            assertThat(r.first().tokens()).containsExactly(ref.generatedTokens());
            float[] rel = Logits.relative(r.promptLogits());
            for (LlamaCppReference.Top top : ref.nextTokenTop()) {
                assertThat((double) rel[top.id()]).as("logit_rel of token %d", top.id()).isCloseTo(top.logitRel(), within(1e-4));
            }
        }
    }
}

package org.replique.engine.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.model.EmbeddedModel;
import org.replique.fixtures.Fixtures;

/**
 * A prompt evaluated in one call gives exactly the logits of the same prompt given in several calls
 * of several tokens, and a truncated sequence continued gives exactly what a fresh one does: every
 * kernel computes a token's values the same way whatever else the pass holds, so the comparisons
 * are bit for bit. (A token evaluated alone is another matter: as in ggml, attention sums the
 * values of a prompt's tokens in another order than a decoded token's.)
 */
class PrefillAndTruncateTest {

    private static Devices.Opened open(String model) {
        return Devices.open(model.equals("demo") ? EmbeddedModel.path() : Fixtures.file("models/" + model));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stories260K-f32.gguf", "stories260K-q4_0.gguf", "demo"})
    void prefillInOneCallEqualsPrefillInSeveral(String model) {
        Backend device = open(model).device();
        int[] prompt = Logits.walk(75, device.model().config().vocabSize());
        try (InferenceState batched = device.newState(128); InferenceState inPieces = device.newState(128)) {
            float[] all = device.forward(batched, prompt, 0, prompt.length, Cancellation.NONE);
            float[] last = null;
            // Calls across the device's chunks of 32 and inside them.
            int[][] calls = {{0, 10}, {10, 40}, {50, 25}};
            for (int[] call : calls) last = device.forward(inPieces, prompt, call[0], call[1], Cancellation.NONE);
            assertThat(batched.length()).isEqualTo(prompt.length);
            assertThat(all).containsExactly(last);
            // And both caches hold the same keys and values: the next token agrees too.
            int[] next = {7};
            assertThat(device.forward(batched, next, 0, 1, Cancellation.NONE))
                    .containsExactly(device.forward(inPieces, next, 0, 1, Cancellation.NONE));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stories260K-f32.gguf", "stories260K-q8_0.gguf"})
    void truncateThenContinueEqualsACleanEvaluation(String model) {
        Backend device = open(model).device();
        int vocab = device.model().config().vocabSize();
        int[] first = Logits.walk(80, vocab);
        int[] edited = first.clone();
        for (int i = 45; i < edited.length; i++) edited[i] = 3 + (i * 11) % (vocab - 3);
        try (InferenceState reused = device.newState(128); InferenceState clean = device.newState(128)) {
            device.forward(reused, first, 0, first.length, Cancellation.NONE);
            long before = reused.memoryBytes();
            assertThat(reused.truncate(45)).isEqualTo(45);
            assertThat(reused.length()).isEqualTo(45);
            assertThat(reused.memoryBytes()).as("pages past the kept positions go back to the pool").isLessThan(before);
            float[] continued = device.forward(reused, edited, 45, edited.length - 45, Cancellation.NONE);
            assertThat(continued).containsExactly(device.forward(clean, edited, 0, edited.length, Cancellation.NONE));
            assertThat(reused.truncate(0)).isZero();
            assertThat(reused.memoryBytes()).isZero();
        }
    }
}

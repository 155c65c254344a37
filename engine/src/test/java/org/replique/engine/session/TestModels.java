package org.replique.engine.session;

import java.util.Random;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.cpu.CpuBackend;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.kernel.ScalarKernels;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;

/** The models the session tests run on, and the cold evaluation every reuse is compared with. */
final class TestModels {
    private TestModels() {}

    /** stories260K in F32: the KV cache and every weight in F32, so reuse must match to rounding. */
    static Model stories() {
        return Model.load(Fixtures.file("models/stories260K-f32.gguf"));
    }

    /** stories260K with an attention window of {@code window} positions. */
    static Model stories(int window) {
        return Model.load(Fixtures.file("models/stories260K-f32.gguf"), window);
    }

    /** The embedded French dialogue model (Q8_0 weights, F32 cache). */
    static Model demo() {
        return Model.load(EmbeddedModel.path());
    }

    static CpuBackend cpu(Model model) {
        return cpu(model, new ScalarKernels());
    }

    static CpuBackend cpu(Model model, Kernels kernels) {
        return new CpuBackend(model, kernels, "test");
    }

    /** The logits after {@code prompt} evaluated from scratch on a fresh state. */
    static float[] coldLogits(Backend backend, int[] prompt, int context) {
        try (InferenceState state = backend.newState(context)) {
            return backend.forward(state, prompt, 0, prompt.length, Cancellation.NONE);
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths " + a.length + " and " + b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    /** {@code n} token ids drawn from a seeded generator, after BOS. */
    static int[] randomTokens(Model model, int n, long seed) {
        Random random = new Random(seed);
        int vocab = model.config().vocabSize();
        int[] ids = new int[n];
        ids[0] = model.tokenizer().vocabulary().bos();
        for (int i = 1; i < n; i++) ids[i] = 3 + random.nextInt(vocab - 3);
        return ids;
    }
}

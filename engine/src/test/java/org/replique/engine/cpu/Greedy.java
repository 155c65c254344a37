package org.replique.engine.cpu;

import java.nio.file.Path;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.generate.Generator;
import org.replique.engine.generate.TokenHistory;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.model.Model;
import org.replique.engine.sampling.SamplingParams;

/** Runs the engine the way the references were made: greedy, no stop at EOS, F32 cache. */
final class Greedy {
    private Greedy() {}

    /** The prompt's logits and {@code n} greedy tokens after the given prompt ids. */
    static GenerationResult run(Path modelFile, int[] prompt, int n) {
        return run(modelFile, prompt, n, BackendOptions.defaults());
    }

    static GenerationResult run(Path modelFile, int[] prompt, int n, BackendOptions options) {
        try (Model model = Model.load(modelFile);
             Backend backend = Backends.create("cpu", model, options);
             InferenceState state = backend.newState(model.config().contextLength())) {
            GenerationRequest request = GenerationRequest.of(SamplingParams.greedyDecoding(), n).withStopAtEos(false);
            return new Generator(backend).generate(state, new TokenHistory(), prompt, request, TokenListener.NONE,
                    Cancellation.NONE);
        }
    }

    /** {@code logits − max(logits)}, the form llama.cpp's references use. */
    static float[] relative(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        float[] out = new float[logits.length];
        for (int i = 0; i < out.length; i++) out[i] = logits[i] - max;
        return out;
    }
}

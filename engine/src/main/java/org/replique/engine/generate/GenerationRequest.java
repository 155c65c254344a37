package org.replique.engine.generate;

import java.util.List;
import org.replique.engine.sampling.SamplingParams;

/**
 * What to generate after a prompt.
 *
 * @param maxTokens  the most tokens per candidate (the model card suggests 200)
 * @param stopAtEos  end a candidate when the model emits end-of-sequence
 * @param stops      texts that end a candidate; the text stops before the first one found
 * @param candidates how many continuations of the same prompt (each with its own random stream)
 */
public record GenerationRequest(SamplingParams sampling, int maxTokens, boolean stopAtEos, List<String> stops,
                                int candidates) {

    public GenerationRequest {
        if (maxTokens < 0) throw new IllegalArgumentException("max tokens must be ≥ 0");
        if (candidates < 1) throw new IllegalArgumentException("at least one candidate");
        stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    public static GenerationRequest of(SamplingParams sampling, int maxTokens) {
        return new GenerationRequest(sampling, maxTokens, true, List.of(), 1);
    }

    public GenerationRequest withStops(List<String> newStops) {
        return new GenerationRequest(sampling, maxTokens, stopAtEos, newStops, candidates);
    }

    public GenerationRequest withCandidates(int n) {
        return new GenerationRequest(sampling, maxTokens, stopAtEos, stops, n);
    }

    public GenerationRequest withStopAtEos(boolean stop) {
        return new GenerationRequest(sampling, maxTokens, stop, stops, candidates);
    }
}

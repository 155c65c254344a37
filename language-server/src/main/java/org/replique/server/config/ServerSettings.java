package org.replique.server.config;

/**
 * Everything a client can configure, with the defaults the server starts from. Immutable: a
 * configuration change builds a new instance, which replaces the old one only when valid.
 */
public record ServerSettings(ModelSettings model, SamplingSettings sampling, CompletionSettings completion,
                             PromptSettings prompt) {

    /**
     * @param path          a GGUF file or a Hugging Face model folder, or null for the embedded demo model
     * @param threads       compute threads, 0 = one per physical core
     * @param contextLength tokens of context per document
     * @param weights       "" (as stored), or q8_0 / q4_0: float weights quantized at load
     */
    public record ModelSettings(String path, String backend, int threads, int contextLength, String weights) {}

    /** @param seed null for a fresh random seed per request */
    public record SamplingSettings(float temperature, int topK, float topP, float minP, float repeatPenalty, Long seed) {}

    public record CompletionSettings(int maxTokens, boolean autoTrigger, int debounceMs, int timeBudgetMs,
                                     int candidates, int automaticCandidates, boolean fallbackItem) {}

    /** @param speakerStyle names, intervenant or dash; @param directions drop or keep */
    public record PromptSettings(String speakerStyle, boolean characterVoice, int contextBudget, String directions) {}

    public static ServerSettings defaults() {
        return new ServerSettings(
                new ModelSettings(null, "cpu", 0, 4096, ""),
                new SamplingSettings(1.0f, 10, 1.0f, 0.0f, 1.0f, null),
                new CompletionSettings(64, true, 150, 3000, 3, 1, true),
                new PromptSettings("names", false, 2048, "drop"));
    }

    /** These settings with a fixed sampling seed (null: a fresh one per request). */
    public ServerSettings withSeed(Long seed) {
        SamplingSettings p = sampling;
        return new ServerSettings(model, new SamplingSettings(p.temperature(), p.topK(), p.topP(), p.minP(),
                p.repeatPenalty(), seed), completion, prompt);
    }

    /** These settings with another model file (null: the embedded demo model). */
    public ServerSettings withModelPath(String path) {
        return new ServerSettings(new ModelSettings(path, model.backend(), model.threads(), model.contextLength(),
                model.weights()),
                sampling, completion, prompt);
    }

    /** True when the model must be reloaded to apply {@code next}. */
    public boolean needsReload(ServerSettings next) {
        return !model.equals(next.model);
    }
}

package org.replique.server.config;

/**
 * Everything a client can configure, with the defaults the server starts from. Immutable: a
 * configuration change builds a new instance, which replaces the old one only when valid.
 */
public record ServerSettings(ModelSettings model, SamplingSettings sampling, CompletionSettings completion,
                             PromptSettings prompt) {

    /**
     * @param path          a GGUF file or a Hugging Face model folder, or null for the embedded demo model;
     *                      with the remote backend, the local copy whose tokenizer counts the prompt's
     *                      tokens (optional)
     * @param backend       cpu, tornadovm, or remote (an OpenAI-compatible server at {@code endpoint})
     * @param threads       compute threads, 0 = one per physical core
     * @param contextLength tokens of context per document
     * @param weights       "" (as stored), or q8_0 / q4_0: float weights quantized at load
     * @param endpoint      the remote server's base URL ({@code http://gpu-box:8000/v1}), or null
     * @param name          the model the remote server serves under this name; null = its first one
     * @param apiKeyEnv     the environment variable holding the remote server's API key, or null
     */
    public record ModelSettings(String path, String backend, int threads, int contextLength, String weights,
                                String endpoint, String name, String apiKeyEnv) {

        public static final String REMOTE = "remote";

        /**
         * Whether suggestions come from a remote server: the remote backend, or any endpoint (so
         * that one setting is enough to point an editor at a shared server).
         */
        public boolean remote() {
            return REMOTE.equals(backend) || endpoint != null;
        }
    }

    /** @param seed null for a fresh random seed per request */
    public record SamplingSettings(float temperature, int topK, float topP, float minP, float repeatPenalty, Long seed) {}

    /**
     * @param timeBudgetMs milliseconds of generation after which an inline suggestion is shown, cut
     *                     after a sentence or a word, while the model finishes the speech
     * @param speculate    write the next speech while a suggestion is shown, as if it were accepted
     */
    public record CompletionSettings(int maxTokens, boolean autoTrigger, int debounceMs, int timeBudgetMs,
                                     int candidates, int automaticCandidates, boolean fallbackItem, boolean speculate) {}

    /**
     * @param speakerStyle names, intervenant or dash
     * @param directions   drop or keep
     * @param ringTokens   the most prompt tokens for chunks of the project's other files (0: none)
     * @param ringFiles    how many of the project's other files (open or recently edited) they come from
     */
    public record PromptSettings(String speakerStyle, boolean characterVoice, int contextBudget, String directions,
                                 int ringTokens, int ringFiles) {}

    public static ServerSettings defaults() {
        return new ServerSettings(
                new ModelSettings(null, "cpu", 0, 4096, "", null, null, null),
                new SamplingSettings(1.0f, 10, 1.0f, 0.0f, 1.0f, null),
                new CompletionSettings(64, true, 150, 1000, 3, 1, true, true),
                new PromptSettings("names", false, 2048, "drop", 512, 8));
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
                model.weights(), model.endpoint(), model.name(), model.apiKeyEnv()), sampling, completion, prompt);
    }

    /** These settings with a remote model: an OpenAI-compatible server at {@code endpoint}. */
    public ServerSettings withRemote(String endpoint, String name, String apiKeyEnv) {
        return new ServerSettings(new ModelSettings(model.path(), ModelSettings.REMOTE, model.threads(),
                model.contextLength(), model.weights(), endpoint, name, apiKeyEnv), sampling, completion, prompt);
    }

    /** True when the model must be reloaded to apply {@code next}. */
    public boolean needsReload(ServerSettings next) {
        return !model.equals(next.model);
    }
}

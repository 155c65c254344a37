package org.replique.server.model;

import java.nio.file.Path;
import java.util.Optional;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.LoadOptions;
import org.replique.engine.model.LoadProgress;
import org.replique.engine.model.Model;
import org.replique.engine.model.WeightsFormat;
import org.replique.engine.session.SessionManager;
import org.replique.engine.tokenizer.Tokenizer;
import org.replique.server.generation.Continuations;
import org.replique.server.generation.LocalContinuations;
import org.replique.server.generation.PromptInput;
import org.replique.server.hub.ModelReference;

/**
 * A model ready to serve: where its continuations come from (the engine in this process, or a
 * remote server), the token counts its prompts are built with, and what the status says about it.
 */
public final class LoadedModel implements AutoCloseable {

    /**
     * What the status shows.
     *
     * @param location  the model file, or the server's endpoint
     * @param sizeBytes the file's size; 0 for a remote model
     */
    public record Description(String name, String location, long sizeBytes, String backend, int threads,
                              boolean embedded) {}

    private final Continuations continuations;
    private final TokenCounts tokenCounts;
    private final Description description;
    private final AutoCloseable resources;

    /**
     * @param resources what closing the model releases after the continuations (the weights and
     *                  their backend), or null
     */
    public LoadedModel(Continuations continuations, TokenCounts tokenCounts, Description description,
                       AutoCloseable resources) {
        this.continuations = continuations;
        this.tokenCounts = tokenCounts;
        this.description = description;
        this.resources = resources;
    }

    /**
     * Loads a model synchronously ({@code path} null = the embedded demo model; a file, a folder, or
     * {@code OWNER/NAME} of a pulled model) with its backend and an empty set of sessions holding
     * up to {@code contextLength} tokens each.
     */
    public static LoadedModel open(String path, String backend, int threads, int contextLength, LoadProgress progress) {
        return open(path, backend, threads, contextLength, WeightsFormat.AS_STORED, progress);
    }

    /** Like {@link #open(String, String, int, int, LoadProgress)}, with float weights quantized at load when asked. */
    public static LoadedModel open(String path, String backend, int threads, int contextLength, WeightsFormat weights,
                                   LoadProgress progress) {
        boolean embedded = path == null;
        Path file = embedded ? EmbeddedModel.path() : ModelReference.resolve(path).toAbsolutePath();
        Model model = Model.load(file, new LoadOptions(-1, weights, progress));
        try {
            Backend b = Backends.create(backend, model, new BackendOptions(threads, "auto"));
            int context = Math.min(contextLength, model.config().contextLength());
            Description d = new Description(model.name(), file.toString(), model.fileSize(), b.description(),
                    b.threads(), embedded);
            return new LoadedModel(new LocalContinuations(new SessionManager(b, context)),
                    new TokenCounts(model.tokenizer()), d, () -> {
                        b.close();
                        model.close();
                    });
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Where continuations come from. */
    public Continuations continuations() {
        return continuations;
    }

    public TokenCounts tokenCounts() {
        return tokenCounts;
    }

    public Description description() {
        return description;
    }

    /** The engine's sessions, when the model runs in this process. */
    public Optional<SessionManager> localSessions() {
        return continuations instanceof LocalContinuations local ? Optional.of(local.sessions()) : Optional.empty();
    }

    /** {@code text} as a prompt: with its ids (BOS first where the model adds one) when the tokenizer is known here. */
    public PromptInput input(String text) {
        Optional<Tokenizer> tokenizer = tokenCounts.tokenizer();
        return tokenizer.isPresent() ? new PromptInput(text, tokenizer.get().encode(text)) : PromptInput.text(text);
    }

    @Override
    public void close() {
        continuations.close();
        if (resources != null) {
            try {
                resources.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release the model: " + e.getMessage(), e);
            }
        }
    }
}

package org.replique.server.model;

import java.nio.file.Path;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.server.hub.ModelReference;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.LoadOptions;
import org.replique.engine.model.LoadProgress;
import org.replique.engine.model.Model;
import org.replique.engine.model.WeightsFormat;
import org.replique.engine.session.SessionManager;

/**
 * A model ready to serve: the weights, the backend running them, the per-document sessions, and
 * the token counts of the texts its prompts are built from.
 */
public record LoadedModel(Model model, Backend backend, SessionManager sessions, TokenCounts tokenCounts, Path path,
                          boolean embedded) implements AutoCloseable {

    /**
     * Loads a model synchronously ({@code path} null = the embedded demo model; a file, a folder, or
     * {@code OWNER/NAME} of a pulled model) with its backend and
     * an empty set of sessions holding up to {@code contextLength} tokens each.
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
            return new LoadedModel(model, b, new SessionManager(b, context), new TokenCounts(model.tokenizer()), file,
                    embedded);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public void close() {
        sessions.close();
        backend.close();
        model.close();
    }
}

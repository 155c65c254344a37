package org.replique.server.model;

import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.WeightsFormat;
import org.replique.server.config.ServerSettings.ModelSettings;

/**
 * Owns the model the server runs. Loads happen on a background thread with progress; until a
 * model is ready, {@link #current()} is empty and callers answer at once instead of waiting. A
 * failed load leaves the previous model serving. One load at a time; a newer request wins.
 */
@Singleton
public final class ModelService implements AutoCloseable {

    /** Receives status changes and load progress (percent). */
    public interface Listener {
        void statusChanged(ModelStatus status);

        default void loadStarted(String title) {}

        default void loadProgress(int percent) {}

        /** A load ended; {@code failure} says why it failed, or is null. */
        default void loadFinished(ModelStatus status, String failure) {}
    }

    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "replique-model-loader");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    private final AtomicInteger generation = new AtomicInteger();
    private volatile ModelStatus status = new ModelStatus(ModelStatus.LOADING, null, null, false, 0, null, 0, 0, null);
    private volatile Listener listener = new Listener() {
        @Override
        public void statusChanged(ModelStatus s) {}
    };

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** The model in service, if one is ready. Never blocks. */
    public Optional<LoadedModel> current() {
        return Optional.ofNullable(current.get());
    }

    public ModelStatus status() {
        return status;
    }

    /** Whether any load was ever requested (the first one comes when the client is initialized). */
    public boolean loadRequested() {
        return generation.get() > 0;
    }

    /** Starts loading; the returned future completes with the status once this load has ended. */
    public CompletableFuture<ModelStatus> load(ModelSettings settings) {
        int myGeneration = generation.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> loadNow(settings, myGeneration), loader);
    }

    private ModelStatus loadNow(ModelSettings settings, int myGeneration) {
        if (myGeneration != generation.get()) {
            return status; // a newer load was requested meanwhile
        }
        boolean embedded = settings.path() == null;
        String shownPath = embedded ? "(embedded) " + EmbeddedModel.NAME : settings.path();
        LoadedModel previous = current.get();
        setStatus(new ModelStatus(ModelStatus.LOADING, null, shownPath, embedded, 0, settings.backend(),
                settings.threads(), 0, null));
        listener.loadStarted("Loading " + (embedded ? "the embedded demo model" : Path.of(settings.path()).getFileName()));
        try {
            int[] lastPercent = {-1};
            LoadedModel loaded = LoadedModel.open(settings.path(), settings.backend(), settings.threads(),
                    settings.contextLength(), WeightsFormat.parse(settings.weights()), (done, total) -> {
                        int percent = total == 0 ? 100 : (int) (100 * done / total);
                        if (percent != lastPercent[0]) {
                            lastPercent[0] = percent;
                            setStatus(withProgress(status, percent));
                            listener.loadProgress(percent);
                        }
                    });
            LoadedModel replaced = current.getAndSet(loaded);
            if (replaced != null) replaced.close();
            ModelStatus ready = serving(loaded, embedded ? "using the embedded demo model replique-mini-fr; set"
                    + " replique.model.path to a Claire GGUF file or Hugging Face folder for real completions" : null);
            // The summary and the end of progress go out before the status: a client that waits for
            // "ready" has then seen them.
            listener.loadFinished(ready, null);
            setStatus(ready);
            return ready;
        } catch (RuntimeException | OutOfMemoryError e) {
            // LoadedModel.open closes what it opened when it fails.
            String reason = "cannot load " + shownPath + ": " + (e.getMessage() != null ? e.getMessage() : e.toString());
            ModelStatus failed = previous != null && current.get() == previous
                    ? serving(previous, reason + " (still serving " + previous.model().name() + ")")
                    : new ModelStatus(ModelStatus.ERROR, null, shownPath, embedded, 0, settings.backend(),
                            settings.threads(), 0, reason);
            listener.loadFinished(failed, reason);
            setStatus(failed);
            return failed;
        }
    }

    /** The status of a model in service. */
    private static ModelStatus serving(LoadedModel m, String message) {
        return new ModelStatus(ModelStatus.READY, m.model().name(), m.path().toString(), m.embedded(),
                m.model().fileSize(), m.backend().description(), m.backend().threads(), 100, message);
    }

    private static ModelStatus withProgress(ModelStatus s, int percent) {
        return new ModelStatus(s.state(), s.model(), s.path(), s.embedded(), s.sizeBytes(), s.backend(), s.threads(),
                percent, s.message());
    }

    private void setStatus(ModelStatus s) {
        status = s;
        listener.statusChanged(s);
    }

    /** Frees a document's session (the document was closed). */
    public void closeDocument(String uri) {
        LoadedModel m = current.get();
        if (m != null) m.sessions().close(uri);
    }

    @Override
    public void close() {
        loader.shutdownNow();
        LoadedModel m = current.getAndSet(null);
        if (m != null) m.close();
    }
}

package org.replique.server.model;

import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.WeightsFormat;
import org.replique.server.config.ServerSettings.ModelSettings;
import org.replique.server.remote.RemoteContinuations;
import org.replique.server.remote.RemoteException;

/**
 * Owns the model the server runs. Loads happen on a background thread with progress; until a
 * model is ready, {@link #current()} is empty: automatic requests answer at once, explicit ones
 * wait for {@link #ready}. A failed load leaves the previous model serving. One load at a time; a
 * newer request wins.
 *
 * <p>A remote model (an OpenAI-compatible server) is "loaded" by connecting to it. It serves even
 * when the server cannot be reached yet: its status then says why, and the first answered request
 * makes it ready; every later failure and recovery changes the status likewise.
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
    private volatile ModelStatus status = new ModelStatus(ModelStatus.LOADING, null, null, false, 0, null, 0, 0, null, null);
    /** Completed by the next load that brings a model into service; failed by one that leaves none. */
    private CompletableFuture<LoadedModel> next = new CompletableFuture<>();
    private final List<IntConsumer> progressWatchers = new CopyOnWriteArrayList<>();
    /** A load was requested and has not ended; guarded by this. */
    private boolean loading;
    private volatile Listener listener = new Listener() {
        @Override
        public void statusChanged(ModelStatus s) {}
    };
    private final UnaryOperator<String> environment;

    public ModelService() {
        this(System::getenv);
    }

    /** @param environment reads an environment variable (the remote server's API key) */
    public ModelService(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** The model in service, if one is ready. Never blocks. */
    public Optional<LoadedModel> current() {
        return Optional.ofNullable(current.get());
    }

    /**
     * The model in service, once there is one: at once when it is ready, else when the load under
     * way (or the first one, which comes when the client is initialized) ends; failed when that
     * load leaves no model. {@code progress} receives the load's percentages meanwhile. For
     * explicit requests, which wait for the model rather than answer empty.
     */
    public CompletableFuture<LoadedModel> ready(IntConsumer progress) {
        CompletableFuture<LoadedModel> waiting;
        synchronized (this) {
            LoadedModel m = current.get();
            if (m != null) return CompletableFuture.completedFuture(m);
            if (ModelStatus.ERROR.equals(status.state()) && !loading) {
                return CompletableFuture.failedFuture(new IllegalStateException(status.message()));
            }
            waiting = next;
        }
        progressWatchers.add(progress);
        progress.accept(status.progress());
        waiting.whenComplete((m, e) -> progressWatchers.remove(progress));
        return waiting.copy();
    }

    /** The last suggestion's figures join the status (and its notification). */
    public void suggested(SuggestionStats stats) {
        setStatus(status.withSuggestion(stats));
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
        int myGeneration;
        synchronized (this) {
            myGeneration = generation.incrementAndGet();
            loading = true;
        }
        return CompletableFuture.supplyAsync(() -> loadNow(settings, myGeneration), loader);
    }

    private ModelStatus loadNow(ModelSettings settings, int myGeneration) {
        if (myGeneration != generation.get()) {
            return status; // a newer load was requested meanwhile
        }
        if (settings.remote()) {
            return connectNow(settings, myGeneration);
        }
        boolean embedded = settings.path() == null;
        String shownPath = embedded ? "(embedded) " + EmbeddedModel.NAME : settings.path();
        LoadedModel previous = current.get();
        setStatus(new ModelStatus(ModelStatus.LOADING, null, shownPath, embedded, 0, settings.backend(),
                settings.threads(), 0, null, null));
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
                            progressWatchers.forEach(w -> w.accept(percent));
                        }
                    });
            LoadedModel replaced;
            CompletableFuture<LoadedModel> waiting;
            synchronized (this) {
                replaced = current.getAndSet(loaded);
                waiting = next;
                next = new CompletableFuture<>();
                if (myGeneration == generation.get()) loading = false;
            }
            waiting.complete(loaded);
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
                    ? serving(previous, reason + " (still serving " + previous.description().name() + ")")
                    : new ModelStatus(ModelStatus.ERROR, null, shownPath, embedded, 0, settings.backend(),
                            settings.threads(), 0, reason, null);
            listener.loadFinished(failed, reason);
            setStatus(failed);
            failedToServe(myGeneration, reason);
            return failed;
        }
    }

    /** A load that failed: explicit requests waiting for a model fail too, unless one still serves. */
    private void failedToServe(int myGeneration, String reason) {
        CompletableFuture<LoadedModel> waiting = null;
        synchronized (this) {
            if (myGeneration == generation.get()) loading = false;
            if (current.get() == null && myGeneration == generation.get()) {
                waiting = next;
                next = new CompletableFuture<>();
            }
        }
        if (waiting != null) waiting.completeExceptionally(new IllegalStateException(reason));
    }

    /** Connects to a remote model; it serves at once, its status says whether the server answered. */
    private ModelStatus connectNow(ModelSettings settings, int myGeneration) {
        LoadedModel previous = current.get();
        setStatus(new ModelStatus(ModelStatus.LOADING, settings.name(), settings.endpoint(), false, 0, "remote", 0, 0,
                null, null));
        listener.loadStarted("Connecting to " + settings.endpoint());
        RemoteHealth health = new RemoteHealth();
        try {
            RemoteModels.Connected c = RemoteModels.connect(settings, environment, health);
            health.model = c.model();
            LoadedModel replaced;
            CompletableFuture<LoadedModel> waiting;
            synchronized (this) {
                replaced = current.getAndSet(c.model());
                waiting = next;
                next = new CompletableFuture<>();
                if (myGeneration == generation.get()) loading = false;
            }
            waiting.complete(c.model());
            if (replaced != null) replaced.close();
            ModelStatus status = c.problem() == null ? serving(c.model(), c.note())
                    : unanswered(c.model(), c.problem());
            listener.loadFinished(status, c.problem() == null ? null : c.problem().getMessage());
            setStatus(status);
            return status;
        } catch (RuntimeException e) {
            String reason = "cannot use " + settings.endpoint() + ": " + e.getMessage();
            ModelStatus failed = previous != null && current.get() == previous
                    ? serving(previous, reason + " (still serving " + previous.description().name() + ")")
                    : new ModelStatus(ModelStatus.ERROR, settings.name(), settings.endpoint(), false, 0, "remote", 0, 0,
                            reason, null);
            listener.loadFinished(failed, reason);
            setStatus(failed);
            failedToServe(myGeneration, reason);
            return failed;
        }
    }

    /** A remote model whose server did not answer: it serves, and the status says why it may fail. */
    private static ModelStatus unanswered(LoadedModel m, RemoteException problem) {
        LoadedModel.Description d = m.description();
        String hint = problem.isTransient() ? " (suggestions try again)" : "";
        return new ModelStatus(ModelStatus.ERROR, d.name(), d.location(), false, 0, d.backend(), 0, 100,
                problem.getMessage() + hint, null);
    }

    /** Follows a remote model's requests: a failure shows in the status, the next answer clears it. */
    private final class RemoteHealth implements RemoteContinuations.Health {
        private volatile LoadedModel model;

        @Override
        public void failed(RemoteException e) {
            LoadedModel m = model;
            if (m == null || current.get() != m) return;
            synchronized (ModelService.this) {
                ModelStatus next = unanswered(m, e);
                if (!next.equals(status)) setStatus(next);
            }
        }

        @Override
        public void answered() {
            LoadedModel m = model;
            if (m == null || current.get() != m || status.ready()) return;
            synchronized (ModelService.this) {
                if (!status.ready()) setStatus(serving(m, null));
            }
        }
    }

    /** The status of a model in service. */
    private static ModelStatus serving(LoadedModel m, String message) {
        LoadedModel.Description d = m.description();
        return new ModelStatus(ModelStatus.READY, d.name(), d.location(), d.embedded(), d.sizeBytes(), d.backend(),
                d.threads(), 100, message, null);
    }

    private static ModelStatus withProgress(ModelStatus s, int percent) {
        return new ModelStatus(s.state(), s.model(), s.path(), s.embedded(), s.sizeBytes(), s.backend(), s.threads(),
                percent, s.message(), s.lastSuggestion());
    }

    private void setStatus(ModelStatus s) {
        status = s;
        listener.statusChanged(s);
    }

    /** Frees a document's session (the document was closed). */
    public void closeDocument(String uri) {
        LoadedModel m = current.get();
        if (m != null) m.continuations().forget(uri);
    }

    @Override
    public void close() {
        synchronized (this) {
            next.completeExceptionally(new IllegalStateException("the server is stopping"));
        }
        loader.shutdownNow();
        LoadedModel m = current.getAndSet(null);
        if (m != null) m.close();
    }
}

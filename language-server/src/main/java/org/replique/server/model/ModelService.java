package org.replique.server.model;

import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.WeightsFormat;
import org.replique.server.config.ServerSettings.ModelSettings;

/**
 * Owns the model the server runs. Loads happen on a background thread with progress; until a
 * model is ready, {@link #current()} is empty and callers answer at once instead of waiting. A
 * failed load leaves the previous model serving. One load at a time; a newer request wins.
 *
 * <p>The model's files are watched while it serves ({@link ModelFileWatch}), before each request
 * and every {@link #WATCH_MILLIS} ms: a file changed in place (truncated, rewritten) takes the
 * model out of service at once — its mapping may fault or hold other weights — and a file
 * replaced or deleted leaves it serving from the mapping it holds; either way the status says so,
 * and the model is loaded again once its path has stayed the same for one period (or when the
 * client asks with {@code replique.reloadModel}).
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
    /** How often the model's files are looked at, in ms; a changed path is loaded again once it is still for this long. */
    static final long WATCH_MILLIS = Long.getLong("replique.model.watchMillis", 1000);

    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "replique-model-watch");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    /** The files of the model in service ({@link #watched}), or null (the embedded model, none). */
    private volatile ModelFileWatch watch;
    private volatile LoadedModel watched;
    /** The settings the model in service came from. */
    private volatile ModelSettings loadedWith;
    /** A load to make once the model's path is still, after its files changed. */
    private volatile Reload reload;

    /** Settings to load again, the path to watch, what it looked like at the last look and at the last try. */
    private record Reload(ModelSettings settings, Path path, ModelFileWatch.Snapshot seen, ModelFileWatch.Snapshot tried) {
        Reload seeing(ModelFileWatch.Snapshot now) {
            return new Reload(settings, path, now, tried);
        }
    }
    private final AtomicInteger generation = new AtomicInteger();
    private volatile ModelStatus status = new ModelStatus(ModelStatus.LOADING, null, null, false, 0, null, 0, 0, null);
    private volatile Listener listener = new Listener() {
        @Override
        public void statusChanged(ModelStatus s) {}
    };

    public ModelService() {
        watcher.scheduleWithFixedDelay(this::watch, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /**
     * The model in service, if one is ready. Never blocks; a model whose file changed in place
     * since it was loaded is taken out of service here, before a request reads it.
     */
    public Optional<LoadedModel> current() {
        LoadedModel m = current.get();
        ModelFileWatch w = watch;
        if (m != null && w != null && watched == m && w.check() == ModelFileWatch.Change.CHANGED_IN_PLACE) {
            withdraw(m, w);
            return Optional.empty();
        }
        return Optional.ofNullable(m);
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
            watchFiles(loaded, settings);
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

    /** Starts watching the files of a model just put in service (not the embedded one). */
    private void watchFiles(LoadedModel loaded, ModelSettings settings) {
        ModelFileWatch old = watch;
        ModelFileWatch w = null;
        if (!loaded.embedded()) {
            try {
                w = ModelFileWatch.of(loaded.path());
            } catch (IOException | RuntimeException e) {
                w = null; // cannot be watched (e.g. gone already): the next look at its path says so
            }
        }
        watched = loaded;
        watch = w;
        loadedWith = settings;
        reload = null;
        if (old != null) old.close();
    }

    /** The model's file changed in place: out of service now, and loaded again once the file is still. */
    private void withdraw(LoadedModel m, ModelFileWatch w) {
        if (!current.compareAndSet(m, null)) return;
        ModelSettings settings = loadedWith;
        reload = new Reload(settings, m.path(), null, null);
        String reason = m.path().getFileName() + " changed on disk while in use (truncated or rewritten): the model"
                + " is out of service and is loaded again once the file stays unchanged (or with replique.reloadModel)";
        ModelStatus gone = new ModelStatus(ModelStatus.ERROR, m.model().name(), m.path().toString(), false, 0,
                settings.backend(), settings.threads(), 0, reason);
        listener.loadFinished(gone, reason);
        setStatus(gone);
        watcher.execute(() -> {
            w.close();
            m.close(); // a request still reading it gets an error, not a fault
        });
    }

    /** Looks at the model's files: see the class comment. Runs on the watch thread. */
    private void watch() {
        try {
            LoadedModel m = current.get();
            ModelFileWatch w = watch;
            if (m != null && w != null && watched == m && reload == null) {
                switch (w.check()) {
                    case NONE -> { }
                    case CHANGED_IN_PLACE -> withdraw(m, w);
                    case REPLACED -> {
                        reload = new Reload(loadedWith, m.path(), null, null);
                        setStatus(serving(m, m.path().getFileName() + " was replaced on disk: the model loaded"
                                + " before serves until the new file, once complete, is loaded"));
                    }
                    case GONE -> {
                        reload = new Reload(loadedWith, m.path(), null, null);
                        setStatus(serving(m, m.path().getFileName() + " was deleted from disk: the model loaded"
                                + " before serves (from memory) until a file is there again"));
                    }
                }
            }
            Reload r = reload;
            if (r != null) {
                ModelFileWatch.Snapshot now = ModelFileWatch.present(r.path()) ? ModelFileWatch.snapshot(r.path()) : null;
                if (now != null && now.equals(r.seen()) && !now.equals(r.tried())) {
                    // A load that fails leaves this in place: tried again once the path changes again.
                    reload = new Reload(r.settings(), r.path(), now, now);
                    load(r.settings());
                } else if (reload == r) {
                    reload = r.seeing(now);
                }
            }
        } catch (RuntimeException e) {
            // the next look tries again
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
        watcher.shutdownNow();
        ModelFileWatch w = watch;
        if (w != null) w.close();
        loader.shutdownNow();
        LoadedModel m = current.getAndSet(null);
        if (m != null) m.close();
    }
}

package org.replique.server.cli;

import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.replique.engine.backend.Cancellation;
import org.replique.server.client.ClientChannel;
import org.replique.server.completion.DialogueCompleter;
import org.replique.server.completion.InlineCompletionService;
import org.replique.server.config.ServerSettings;
import org.replique.server.config.SettingsHolder;
import org.replique.server.config.SettingsParser;
import org.replique.server.context.ServerContext;
import org.replique.server.documents.ContextRing;
import org.replique.server.documents.DocumentStore;
import org.replique.server.documents.TextDocument;
import org.replique.server.model.LoadedModel;
import org.replique.server.model.ModelService;
import org.replique.server.model.ModelStatus;
import org.replique.server.model.SuggestionStats;

/**
 * What a writer waits for, measured through the server's own inline-completion service (no
 * editor, no debounce): the first suggestion at the end of a document, then — after reading it
 * for a while and accepting it — the next one, with and without the next speech written ahead.
 * "Cold": the document's session starts empty; "warm": its prompt was evaluated when it was opened.
 */
final class AcceptBench {
    /**
     * One trial: the first suggestion (maybe cut at the time budget), the whole of it asked again
     * at the same place after reading, and the next one after accepting the whole.
     */
    record Trial(boolean ahead, boolean warm, double firstMs, boolean firstCut, double wholeMs, double nextMs,
                 String nextSource) {}

    private final ModelService models = new ModelService();
    private final DocumentStore documents = new DocumentStore();
    private final SettingsHolder settings = new SettingsHolder();
    private final ExecutorService workers = Executors.newFixedThreadPool(4, r -> daemon(r, "bench-request"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "bench-timer"));
    private final ContextRing ring = new ContextRing(documents, settings);
    private final InlineCompletionService service = new InlineCompletionService(
            new ServerContext(documents, models, settings, new ClientChannel(), workers), timer, ring);
    private volatile SuggestionStats last;
    private int documentsOpened;

    /** @param maxTokens the most tokens of one suggestion (the server's setting) */
    AcceptBench(ServerSettings.ModelSettings model, int maxTokens, long seed) {
        ServerSettings base = SettingsParser.parse(JsonParser.parseString("{\"completion\": {\"debounceMs\": 0, \"maxTokens\": "
                + maxTokens + "}, \"sampling\": {\"seed\": " + seed + "}}"), ServerSettings.defaults()).settings();
        settings.set(new ServerSettings(model, base.sampling(), base.completion(), base.prompt()));
        models.setListener(new ModelService.Listener() {
            @Override
            public void statusChanged(ModelStatus status) {
                if (status.lastSuggestion() != null) last = status.lastSuggestion();
            }
        });
        ModelStatus status = models.load(model).join();
        if (!status.ready()) throw new IllegalArgumentException(status.message());
    }

    LoadedModel model() {
        return models.current().orElseThrow();
    }

    /**
     * One trial: the first suggestion at the end of {@code text}; {@code readMs} of reading; the
     * whole suggestion (asked again at the same place, as a keystroke or Alt+\ does); accept it;
     * the next suggestion at its end.
     */
    Trial run(String fileName, String text, boolean ahead, boolean warm, long readMs) throws Exception {
        ServerSettings base = settings.get();
        ServerSettings.CompletionSettings c = base.completion();
        settings.set(new ServerSettings(base.model(), base.sampling(), new ServerSettings.CompletionSettings(c.maxTokens(),
                c.autoTrigger(), c.debounceMs(), c.timeBudgetMs(), c.candidates(), c.automaticCandidates(), c.fallbackItem(),
                ahead), base.prompt()));
        String uri = "bench:///" + (++documentsOpened) + "/" + fileName;
        documents.open(uri, "", 1, text);
        try {
            TextDocument doc = documents.get(uri).orElseThrow();
            Position end = doc.endOfText();
            if (warm) {
                DialogueCompleter.warm(model(), documents.parsed(uri).orElseThrow(), settings.get(), ring.sourceFor(uri),
                        new Cancellation());
            }
            last = null;
            long t0 = System.nanoTime();
            ask(uri, end);
            double firstMs = (System.nanoTime() - t0) / 1e6;
            Thread.sleep(readMs);
            SuggestionStats firstStats = reported();
            long tw = System.nanoTime();
            String first = ask(uri, end);
            double wholeMs = (System.nanoTime() - tw) / 1e6;
            reported();
            // Tab: the suggestion goes in, and the editor asks again at its end.
            documents.change(uri, 2, List.of(new TextDocumentContentChangeEvent(new Range(end, end), first)));
            service.edited(uri);
            Position next = documents.get(uri).orElseThrow().position(doc.offset(end) + first.length());
            long t1 = System.nanoTime();
            ask(uri, next);
            double nextMs = (System.nanoTime() - t1) / 1e6;
            SuggestionStats nextStats = reported();
            return new Trial(ahead, warm, firstMs, firstStats.cut(), wholeMs, nextMs, nextStats.source());
        } finally {
            service.forget(uri);
            documents.close(uri);
            models.closeDocument(uri);
        }
    }

    private String ask(String uri, Position at) throws Exception {
        List<InlineCompletionItem> items = service.complete(uri, at, InlineCompletionTriggerKind.Automatic)
                .get(30, TimeUnit.MINUTES);
        return items.isEmpty() ? "" : items.getFirst().getInsertText().getLeft();
    }

    /** The report of the last request (the server reports once per answer, after it: a cut one once finished). */
    private SuggestionStats reported() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        SuggestionStats s = last;
        while (s == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
            s = last;
        }
        last = null;
        if (s == null) throw new IllegalStateException("no report of the request");
        return s;
    }

    void close() {
        workers.shutdownNow();
        timer.shutdownNow();
        models.close();
    }

    /** Medians of the trials of one kind. */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

package org.replique.server.completion;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.replique.dialogue.prompt.ContinuationKind;
import org.replique.dialogue.prompt.Prompt;
import org.replique.dialogue.prompt.PromptBuilder;
import org.replique.engine.backend.Cancellation;
import org.replique.server.config.ServerSettings;
import org.replique.server.documents.DocumentStore;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.lsp.ClientChannel;
import org.replique.server.lsp.Requests;
import org.replique.server.model.LoadedModel;
import org.replique.server.model.ModelService;

/**
 * Inline completion as a writer feels it. Automatic requests wait a short debounce and are
 * dropped when a newer request for the same document arrives; the model runs off the LSP thread,
 * one request per document at a time (a new one supersedes the running one); typing the start of
 * the last suggestion is answered from a cache; a time budget returns what is ready.
 */
public final class InlineCompletionService {
    private final DocumentStore documents;
    private final ModelService models;
    private final Supplier<ServerSettings> settings;
    private final ClientChannel client;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final TypeThroughCache typeThrough = new TypeThroughCache();
    private final Map<String, AtomicLong> latest = new ConcurrentHashMap<>();
    /** Opening a file is often followed by scrolling, not typing: wait a little before warming. */
    static final int WARM_DELAY_MS = 300;

    public InlineCompletionService(DocumentStore documents, ModelService models, Supplier<ServerSettings> settings,
                                   ClientChannel client, ExecutorService workers, ScheduledExecutorService timer) {
        this.documents = documents;
        this.models = models;
        this.settings = settings;
        this.client = client;
        this.workers = workers;
        this.timer = timer;
    }

    /** Answers a request; the returned future may be cancelled by the client at any time. */
    public CompletableFuture<List<InlineCompletionItem>> complete(String uri, Position position,
                                                                  InlineCompletionTriggerKind trigger) {
        ServerSettings s = settings.get();
        boolean automatic = trigger != InlineCompletionTriggerKind.Invoked;
        long id = latest.computeIfAbsent(uri, u -> new AtomicLong()).incrementAndGet();
        Optional<ParsedDocument> doc = documents.parsed(uri);
        Optional<LoadedModel> model = models.current();
        if (doc.isEmpty() || model.isEmpty() || (automatic && !s.completion().autoTrigger())) {
            return CompletableFuture.completedFuture(List.of());
        }
        ParsedDocument d = doc.get();
        int offset = d.text().offset(position);
        Position at = d.text().position(offset);
        CharSequence before = d.text().text().subSequence(0, offset);
        Optional<String> cached = typeThrough.rest(uri, before);
        if (cached.isPresent()) {
            return CompletableFuture.completedFuture(List.of(item(cached.get(), at)));
        }

        CompletableFuture<List<InlineCompletionItem>> answer = new CompletableFuture<>();
        Cancellation cancel = Requests.cancelledWith(answer);
        Runnable work = () -> {
            if (answer.isDone() || latest.get(uri).get() != id) {
                answer.complete(List.of()); // superseded while waiting
                return;
            }
            try {
                int candidates = automatic ? s.completion().automaticCandidates() : s.completion().candidates();
                DialogueCompleter.Outcome outcome = DialogueCompleter.complete(model.get(), d, at.getLine(),
                        at.getCharacter(), s, candidates, s.completion().timeBudgetMs(), cancel);
                if (!outcome.suggestions().isEmpty()) {
                    typeThrough.remember(uri, before, outcome.suggestions().getFirst());
                }
                answer.complete(outcome.suggestions().stream().map(text -> item(text, at)).toList());
            } catch (CancellationException e) {
                answer.complete(List.of());
            } catch (RuntimeException e) {
                client.log(MessageType.Error, "inline completion failed in " + uri + ": " + e);
                answer.complete(List.of());
            }
        };
        int delay = automatic ? s.completion().debounceMs() : 0;
        timer.schedule(() -> {
            try {
                workers.execute(work);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                answer.complete(List.of());
            }
        }, delay, TimeUnit.MILLISECONDS);
        return answer;
    }

    /**
     * Evaluates, in the background, the prompt at the end of a document that was just opened (or
     * of every open document once a model is ready), so that the first suggestion only pays for
     * the few tokens typed since. A request for the document supersedes it; what it evaluated stays.
     */
    public void warm(String uri) {
        timer.schedule(() -> workers.execute(() -> {
            Optional<ParsedDocument> doc = documents.parsed(uri);
            Optional<LoadedModel> model = models.current();
            if (doc.isEmpty() || model.isEmpty() || latest.containsKey(uri)) return;
            ParsedDocument d = doc.get();
            Position end = d.text().endOfText();
            Prompt prompt = PromptBuilder.build(d.dialogue(), end.getLine(), end.getCharacter(),
                    PromptOptionsFactory.of(settings.get(), model.get().model().tokenizer(), model.get().sessions().contextLength()));
            if (prompt.kind() == ContinuationKind.NONE) return;
            int[] tokens = model.get().model().tokenizer().encode(prompt.text());
            Cancellation cancel = new Cancellation();
            try {
                model.get().sessions().withSession(uri, cancel, s -> s.warm(tokens, cancel));
            } catch (CancellationException e) {
                // a request came first: it continues from what was evaluated
            } catch (RuntimeException e) {
                client.log(MessageType.Warning, "could not prepare " + uri + ": " + e.getMessage());
            }
        }), WARM_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    /** The document changed or closed: a cached suggestion may no longer apply. */
    public void forget(String uri) {
        typeThrough.forget(uri);
        latest.remove(uri);
    }

    /** A plain-text item inserted at the cursor (never a snippet: some clients show snippets raw). */
    static InlineCompletionItem item(String text, Position at) {
        InlineCompletionItem item = new InlineCompletionItem(Either.forLeft(text));
        item.setRange(new Range(at, at));
        return item;
    }
}

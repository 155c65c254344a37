package org.replique.server.completion;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.replique.engine.backend.Cancellation;
import org.replique.server.client.Requests;
import org.replique.server.config.ServerSettings;
import org.replique.server.context.ServerContext;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.model.LoadedModel;

/**
 * Inline completion as a writer feels it. Automatic requests wait a short debounce and are
 * dropped when a newer request for the same document arrives, or when the document closes; the
 * model runs off the LSP thread, one request per document at a time (a new one supersedes the
 * running one); typing the start of the last suggestion is answered from a cache; a time budget
 * returns what is ready. Every request's future completes, empty when there is nothing to offer.
 */
@Singleton
public final class InlineCompletionService {
    /** The name of the debounce timer's executor. */
    public static final String TIMER = "timer";
    /** Opening a file is often followed by scrolling, not typing: wait a little before warming. */
    static final int WARM_DELAY_MS = 300;

    private final ServerContext context;
    private final ScheduledExecutorService timer;
    private final TypeThroughCache typeThrough = new TypeThroughCache();
    /** Each open document's request counter, from its first request until it closes. */
    private final Map<String, AtomicLong> latest = new ConcurrentHashMap<>();

    @Inject
    public InlineCompletionService(ServerContext context, @Named(TIMER) ScheduledExecutorService timer) {
        this.context = context;
        this.timer = timer;
    }

    /** Answers a request; the returned future may be cancelled by the client at any time. */
    public CompletableFuture<List<InlineCompletionItem>> complete(String uri, Position position,
                                                                  InlineCompletionTriggerKind trigger) {
        ServerSettings s = context.settings();
        boolean automatic = trigger != InlineCompletionTriggerKind.Invoked;
        AtomicLong requests = latest.computeIfAbsent(uri, u -> new AtomicLong());
        long id = requests.incrementAndGet();
        Optional<ParsedDocument> doc = context.documents().parsed(uri);
        Optional<LoadedModel> model = context.models().current();
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
            try {
                if (answer.isDone() || !isLatest(uri, requests, id)) {
                    return; // superseded, cancelled or closed while waiting
                }
                int candidates = automatic ? s.completion().automaticCandidates() : s.completion().candidates();
                DialogueCompleter.Outcome outcome = DialogueCompleter.complete(model.get(), d, at.getLine(),
                        at.getCharacter(), s, candidates, s.completion().timeBudgetMs(), cancel);
                if (!outcome.suggestions().isEmpty() && latest.get(uri) == requests) {
                    typeThrough.remember(uri, before, outcome.suggestions().getFirst());
                }
                answer.complete(outcome.suggestions().stream().map(text -> item(text, at)).toList());
            } catch (CancellationException e) {
                // cancelled by the client, superseded, or the document closed: nothing to show
            } catch (RuntimeException e) {
                context.client().log(MessageType.Error, "inline completion failed in " + uri + ": " + e);
            } finally {
                answer.complete(List.of()); // no-op when answered above
            }
        };
        later(automatic ? s.completion().debounceMs() : 0, work, () -> answer.complete(List.of()));
        return answer;
    }

    /**
     * Evaluates, in the background, the prompt at the end of a document that was just opened (or
     * of every open document once a model is ready), so that the first suggestion only pays for
     * the few tokens typed since. A request for the document supersedes it; what it evaluated stays.
     */
    public void warm(String uri) {
        later(WARM_DELAY_MS, () -> {
            if (latest.containsKey(uri)) return; // a request came first
            Optional<ParsedDocument> doc = context.documents().parsed(uri);
            Optional<LoadedModel> model = context.models().current();
            if (doc.isEmpty() || model.isEmpty()) return;
            try {
                DialogueCompleter.warm(model.get(), doc.get(), context.settings(), new Cancellation());
            } catch (CancellationException e) {
                // a request came first: it continues from what was evaluated
            } catch (RuntimeException e) {
                context.client().log(MessageType.Warning, "could not prepare " + uri + ": " + e.getMessage());
            }
        }, () -> {});
    }

    /** The document closed: its waiting requests answer empty, and its cached suggestion goes. */
    public void forget(String uri) {
        typeThrough.forget(uri);
        latest.remove(uri);
    }

    /** Whether request {@code id} is still the document's newest, and the document still open. */
    private boolean isLatest(String uri, AtomicLong requests, long id) {
        return latest.get(uri) == requests && requests.get() == id;
    }

    /**
     * Runs {@code work} on a request thread after {@code delayMs}; {@code rejected} instead when
     * the server's threads no longer take work (the server is shutting down).
     */
    private void later(int delayMs, Runnable work, Runnable rejected) {
        try {
            timer.schedule(() -> {
                try {
                    context.workers().execute(work);
                } catch (RejectedExecutionException e) {
                    rejected.run();
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            rejected.run();
        }
    }

    /** A plain-text item inserted at the cursor (never a snippet: some clients show snippets raw). */
    static InlineCompletionItem item(String text, Position at) {
        InlineCompletionItem item = new InlineCompletionItem(Either.forLeft(text));
        item.setRange(new Range(at, at));
        return item;
    }
}

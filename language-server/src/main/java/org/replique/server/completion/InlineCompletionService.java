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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.replique.dialogue.prompt.ContextChunk;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.session.RequestCost;
import org.replique.server.client.Requests;
import org.replique.server.config.ServerSettings;
import org.replique.server.context.ServerContext;
import org.replique.server.documents.ContextRing;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.documents.TextDocument;
import org.replique.server.model.LoadedModel;
import org.replique.server.model.SuggestionStats;

/**
 * Inline completion as a writer feels it. Automatic requests wait a short debounce and are
 * dropped when a newer request for the same document arrives, or when the document closes; the
 * model runs off the LSP thread, one request per document at a time (a new one supersedes the
 * running one). A suggestion is shown once the time budget has run out, cut after a sentence or a
 * word, while the model finishes the speech; then, while the writer reads it, the next speech is
 * written as if it were accepted. Typing the start of what was written ahead, or accepting it, is
 * answered from it at once (see {@link Ahead}). Explicit requests wait for a model being loaded and
 * get alternatives that differ. Every request's future completes, empty when there is nothing to offer.
 */
@Singleton
public final class InlineCompletionService {
    /** The name of the debounce timer's executor. */
    public static final String TIMER = "timer";
    /** Opening a file is often followed by scrolling, not typing: wait a little before warming. */
    static final int WARM_DELAY_MS = 300;

    private final ServerContext context;
    private final ScheduledExecutorService timer;
    private final ContextRing ring;
    private final Ahead ahead = new Ahead();
    /** Each open document's request counter, from its first request until it closes. */
    private final Map<String, AtomicLong> latest = new ConcurrentHashMap<>();

    @Inject
    public InlineCompletionService(ServerContext context, @Named(TIMER) ScheduledExecutorService timer, ContextRing ring) {
        this.context = context;
        this.timer = timer;
        this.ring = ring;
    }

    /** Answers a request; the returned future may be cancelled by the client at any time. */
    public CompletableFuture<List<InlineCompletionItem>> complete(String uri, Position position,
                                                                  InlineCompletionTriggerKind trigger) {
        long received = System.nanoTime();
        ServerSettings s = context.settings();
        boolean automatic = trigger != InlineCompletionTriggerKind.Invoked;
        AtomicLong requests = latest.computeIfAbsent(uri, u -> new AtomicLong());
        long id = requests.incrementAndGet();
        Optional<ParsedDocument> doc = context.documents().parsed(uri);
        if (doc.isEmpty() || (automatic && !s.completion().autoTrigger()) || context.documents().isGenerating(uri)) {
            // (A generate-dialogue command writing in the document is not superseded by a suggestion.)
            return CompletableFuture.completedFuture(List.of());
        }
        Optional<LoadedModel> model = context.models().current();
        if (model.isEmpty()) {
            if (automatic) return CompletableFuture.completedFuture(List.of());
            // An explicit request waits for the model being loaded (the status shows the progress).
            return context.models().ready(percent -> {}).handle((m, e) -> m)
                    .thenCompose(m -> m == null ? CompletableFuture.completedFuture(List.<InlineCompletionItem>of())
                            : complete(uri, position, trigger));
        }
        ParsedDocument d = doc.get();
        Request r = new Request(uri, requests, id, d, d.text().offset(position), s, automatic, model.get(), received,
                new CompletableFuture<>());
        serve(r);
        return r.answer();
    }

    /** One request: the document as it was, the cursor's offset, and the answer to complete. */
    private record Request(String uri, AtomicLong requests, long id, ParsedDocument doc, int offset,
                           ServerSettings settings, boolean automatic, LoadedModel model, long received,
                           CompletableFuture<List<InlineCompletionItem>> answer) {
        Position cursor() {
            return doc.text().position(offset);
        }

        String beforeCursor() {
            return doc.text().text().substring(0, offset);
        }
    }

    /** Answers from what was written ahead, waits for what is being written, or asks the model. */
    private void serve(Request r) {
        String before = r.beforeCursor();
        // A speech still being written ahead is waited for, up to the time budget; then its draft serves.
        long budgetNanos = r.settings().completion().timeBudgetMs() * 1_000_000L;
        long waited = System.nanoTime() - r.received();
        switch (ahead.lookup(r.uri(), before, waited >= budgetNanos)) {
            case Ahead.Hit hit when !r.automatic() && r.settings().completion().candidates() > 1 ->
                // An explicit request wants alternatives (VS Code asks so to cycle): what was written
                // ahead comes first, and the model writes others that differ.
                later(0, () -> write(r, hit.rest()), () -> r.answer().complete(List.of()));
            case Ahead.Hit hit -> {
                // The next speech is reserved before the answer, so that accepting it finds it on its way.
                Cancellation writing = new Cancellation();
                Ahead.Segment next = hit.last() && speculates(r)
                        ? ahead.append(r.uri(), before, r.doc().text().text(), writing) : null;
                r.answer().complete(List.of(item(hit.rest(), r.cursor())));
                report(r, new DialogueCompleter.Outcome(List.of(hit.rest()), null, null, false, List.of(), 0,
                        DialogueCompleter.Source.AHEAD), System.nanoTime());
                if (next != null) writeAhead(r, hit.rest(), next, writing);
            }
            case Ahead.Wait wait -> {
                CompletableFuture<?> wake = wait.until();
                if (waited < budgetNanos) {
                    CompletableFuture<Void> budget = new CompletableFuture<>();
                    later((int) Math.max(1, (budgetNanos - waited) / 1_000_000), () -> budget.complete(null), () -> {});
                    wake = CompletableFuture.anyOf(wake, budget);
                }
                AtomicBoolean once = new AtomicBoolean();
                wake.whenComplete((text, e) -> {
                    if (once.compareAndSet(false, true)) later(0, () -> {
                        if (r.answer().isDone() || !isLatest(r)) {
                            r.answer().complete(List.of()); // superseded, cancelled or closed while waiting
                        } else {
                            serve(r);
                        }
                    }, () -> r.answer().complete(List.of()));
                });
            }
            case Ahead.Miss miss -> later(r.automatic() ? r.settings().completion().debounceMs() : 0, () -> write(r, null),
                    () -> r.answer().complete(List.of()));
        }
    }

    /**
     * Asks the model, on a request thread; {@code known}, when not null, is a suggestion already
     * written ahead for the place, which comes first, and the model writes the other alternatives.
     */
    private void write(Request r, String known) {
        CompletableFuture<List<InlineCompletionItem>> answer = r.answer();
        if (answer.isDone() || !isLatest(r)) {
            answer.complete(List.of()); // superseded, cancelled or closed while waiting
            return;
        }
        ServerSettings s = r.settings();
        Position at = r.cursor();
        Cancellation writing = new DialogueCompleter.Linked(Requests.cancelledWith(answer));
        Ahead.Segment segment = ahead.begin(r.uri(), r.beforeCursor(), r.doc().text().text(), writing);
        int wanted = r.automatic() ? s.completion().automaticCandidates() : s.completion().candidates();
        int alternatives = known == null ? wanted : Math.max(1, wanted - 1);
        // One automatic suggestion is shown at the budget and finished behind it; alternatives stop there.
        DialogueCompleter.Plan plan = new DialogueCompleter.Plan(alternatives, s.completion().timeBudgetMs(),
                alternatives == 1 && known == null, true).besides(known == null ? List.of() : List.of(known));
        String first = known == null ? "" : known;
        long[] answered = {0};
        Cancellation aheadWriting = new Cancellation();
        Ahead.Segment next = null;
        try {
            DialogueCompleter.Outcome o = DialogueCompleter.complete(r.model(), r.doc(), at.getLine(), at.getCharacter(), s,
                    ring.sourceFor(r.uri()), plan, draft -> {
                        segment.draft(draft);
                        if (answer.complete(List.of(item(draft, at)))) answered[0] = System.nanoTime();
                    }, writing);
            List<String> suggestions = o.suggestions();
            if (known != null) {
                List<String> all = new java.util.ArrayList<>(List.of(known));
                all.addAll(suggestions);
                suggestions = SuggestionFilter.apply(all, r.doc().text(), at.getLine());
                suggestions = suggestions.subList(0, Math.min(wanted, suggestions.size()));
            }
            first = suggestions.isEmpty() ? "" : suggestions.getFirst();
            if (!first.isEmpty() && !writing.isCancelled() && speculates(r)) {
                next = ahead.after(r.uri(), segment, aheadWriting);
            }
            segment.finish(first);
            if (answer.complete(suggestions.stream().map(text -> item(text, at)).toList())) {
                answered[0] = System.nanoTime();
            }
            if (answered[0] != 0) report(r, o, answered[0]);
        } catch (CancellationException e) {
            // cancelled by the client, superseded, or the document closed: nothing to show
        } catch (RuntimeException e) {
            context.client().log(MessageType.Error, "inline completion failed in " + r.uri() + ": " + e);
        } finally {
            segment.finish(first);
            // No-op when answered above; what was written ahead, if the model could add nothing.
            answer.complete(first.isEmpty() ? List.of() : List.of(item(first, at)));
        }
        if (next != null) {
            writeAhead(r, segment.done().join(), next, aheadWriting);
        }
    }

    /** Whether the next speech is written ahead for this request (the setting, and still the newest request). */
    private boolean speculates(Request r) {
        return r.settings().completion().speculate() && isLatest(r);
    }

    /**
     * Writes {@code next}, the speech after {@code shown} (the suggestion just offered at the
     * request's cursor), in the background as if {@code shown} were accepted. A request that does
     * not fit it, or an edit that contradicts it, cancels {@code writing}.
     */
    private void writeAhead(Request r, String shown, Ahead.Segment next, Cancellation writing) {
        if (shown.isEmpty()) {
            next.finish("");
            return;
        }
        // An edit may have come while the suggestion was answered.
        context.documents().get(r.uri()).ifPresent(d -> ahead.edited(r.uri(), d.text()));
        later(0, () -> {
            String text = "";
            try {
                if (writing.isCancelled()) return;
                String document = r.doc().text().text();
                TextDocument accepted = new TextDocument(r.uri(), r.doc().text().languageId(), r.doc().text().version(),
                        document.substring(0, r.offset()) + shown + document.substring(r.offset()));
                Position at = accepted.position(r.offset() + shown.length());
                // Its draft, at the time budget, serves a writer who accepts before it is finished.
                DialogueCompleter.Outcome o = DialogueCompleter.complete(r.model(), ParsedDocument.of(accepted),
                        at.getLine(), at.getCharacter(), r.settings(), ring.sourceFor(r.uri()),
                        DialogueCompleter.Plan.ahead(r.settings().completion().timeBudgetMs()), next::draft, writing);
                text = o.suggestions().isEmpty() ? "" : o.suggestions().getFirst();
            } catch (CancellationException e) {
                // the writer went another way
            } catch (RuntimeException e) {
                if (context.models().current().orElse(null) == r.model()) { // else the model closed under it
                    context.client().log(MessageType.Warning, "could not write ahead in " + r.uri() + ": " + e);
                }
            } finally {
                next.finish(text);
            }
        }, () -> next.finish(""));
    }

    /** The last suggestion's figures, for the status; {@code answered} is when the writer got it. */
    private void report(Request r, DialogueCompleter.Outcome o, long answered) {
        long latency = (answered - r.received()) / 1_000_000;
        RequestCost c = o.cost();
        String source = o.source().name().toLowerCase(java.util.Locale.ROOT);
        context.models().suggested(new SuggestionStats(source, latency, o.tokensPerSecond(),
                c == null ? 0 : c.promptTokens(), c == null ? 0 : c.reusedTokens(), c == null ? 0 : c.generatedTokens(),
                o.cut(), o.chunks().stream().map(ContextChunk::describe).toList()));
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
                DialogueCompleter.warm(model.get(), doc.get(), context.settings(), ring.sourceFor(uri), new Cancellation());
            } catch (CancellationException e) {
                // a request came first: it continues from what was evaluated
            } catch (RuntimeException e) {
                context.client().log(MessageType.Warning, "could not prepare " + uri + ": " + e.getMessage());
            }
        }, () -> {});
    }

    /** The document changed: what is being written ahead that the change contradicts stops. */
    public void edited(String uri) {
        context.documents().get(uri).ifPresent(d -> ahead.edited(uri, d.text()));
    }

    /** The document closed: its waiting requests answer empty, and what was written ahead goes. */
    public void forget(String uri) {
        ahead.forget(uri);
        latest.remove(uri);
    }

    /** Whether the request is still the document's newest, and the document still open. */
    private boolean isLatest(Request r) {
        return latest.get(r.uri()) == r.requests() && r.requests().get() == r.id();
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

package org.replique.server.completion;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.replique.engine.backend.Cancellation;
import org.replique.server.client.Requests;
import org.replique.server.config.ServerSettings;
import org.replique.server.context.ServerContext;
import org.replique.server.documents.ContextRing;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.model.LoadedModel;

/**
 * {@code textDocument/completion}: cues, headings and transitions at once; and, for clients that
 * cannot show ghost text (Helix, Zed, Eclipse), the model's suggestion as one more item.
 */
@Singleton
public final class CompletionService {
    private final ServerContext context;
    private final ContextRing ring;

    @Inject
    public CompletionService(ServerContext context, ContextRing ring) {
        this.context = context;
        this.ring = ring;
    }

    public CompletableFuture<CompletionList> complete(String uri, Position position) {
        Optional<ParsedDocument> doc = context.documents().parsed(uri);
        if (doc.isEmpty()) {
            return CompletableFuture.completedFuture(new CompletionList(false, List.of()));
        }
        ParsedDocument d = doc.get();
        Position at = d.text().position(d.text().offset(position));
        List<CompletionItem> items = new ArrayList<>(CompletionItems.at(d, at));
        ServerSettings s = context.settings();
        Optional<LoadedModel> model = context.models().current();
        if (!s.completion().fallbackItem() || context.client().hasInlineCompletion() || model.isEmpty()) {
            return CompletableFuture.completedFuture(new CompletionList(false, items));
        }
        CompletableFuture<CompletionList> answer = new CompletableFuture<>();
        Cancellation cancel = Requests.cancelledWith(answer);
        context.workers().execute(() -> {
            try {
                // One suggestion, cut at the time budget (a completion list has no later update).
                DialogueCompleter.Outcome o = DialogueCompleter.complete(model.get(), d, at.getLine(), at.getCharacter(),
                        s, ring.sourceFor(uri), new DialogueCompleter.Plan(1, s.completion().timeBudgetMs(), false, true),
                        null, cancel);
                String word = CompletionItems.wordBefore(d.text().line(at.getLine()), at.getCharacter());
                o.suggestions().stream().findFirst()
                        .ifPresent(text -> items.addFirst(CompletionItems.continuation(text, at, word)));
            } catch (CancellationException e) {
                // the client gave up: answer with what needs no model
            } catch (RuntimeException e) {
                context.client().log(MessageType.Error, "completion failed in " + uri + ": " + e);
            }
            // Incomplete: the next keystroke asks again, so the suggestion follows the text.
            answer.complete(new CompletionList(true, items));
        });
        return answer;
    }
}

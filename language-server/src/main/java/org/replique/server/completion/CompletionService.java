package org.replique.server.completion;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.replique.engine.backend.Cancellation;
import org.replique.server.config.ServerSettings;
import org.replique.server.documents.DocumentStore;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.lsp.ClientChannel;
import org.replique.server.lsp.Requests;
import org.replique.server.model.LoadedModel;
import org.replique.server.model.ModelService;

/**
 * {@code textDocument/completion}: cues, headings and transitions at once; and, for clients that
 * cannot show ghost text (Helix, Zed, Eclipse), the model's suggestion as one more item.
 */
public final class CompletionService {
    private final DocumentStore documents;
    private final ModelService models;
    private final Supplier<ServerSettings> settings;
    private final ClientChannel client;
    private final ExecutorService workers;
    private volatile boolean clientHasInlineCompletion;

    public CompletionService(DocumentStore documents, ModelService models, Supplier<ServerSettings> settings,
                             ClientChannel client, ExecutorService workers) {
        this.documents = documents;
        this.models = models;
        this.settings = settings;
        this.client = client;
        this.workers = workers;
    }

    public void setClientHasInlineCompletion(boolean has) {
        this.clientHasInlineCompletion = has;
    }

    public CompletableFuture<CompletionList> complete(String uri, Position position) {
        Optional<ParsedDocument> doc = documents.parsed(uri);
        if (doc.isEmpty()) {
            return CompletableFuture.completedFuture(new CompletionList(false, List.of()));
        }
        ParsedDocument d = doc.get();
        Position at = d.text().position(d.text().offset(position));
        List<CompletionItem> items = new ArrayList<>(CompletionItems.at(d, at));
        ServerSettings s = settings.get();
        Optional<LoadedModel> model = models.current();
        if (!s.completion().fallbackItem() || clientHasInlineCompletion || model.isEmpty()) {
            return CompletableFuture.completedFuture(new CompletionList(false, items));
        }
        CompletableFuture<CompletionList> answer = new CompletableFuture<>();
        Cancellation cancel = Requests.cancelledWith(answer);
        workers.execute(() -> {
            try {
                DialogueCompleter.Outcome o = DialogueCompleter.complete(model.get(), d, at.getLine(), at.getCharacter(),
                        s, 1, s.completion().timeBudgetMs(), cancel);
                String word = CompletionItems.wordBefore(d.text().line(at.getLine()), at.getCharacter());
                o.suggestions().stream().findFirst()
                        .ifPresent(text -> items.addFirst(CompletionItems.continuation(text, at, word)));
            } catch (CancellationException e) {
                // the client gave up: answer with what needs no model
            } catch (RuntimeException e) {
                client.log(MessageType.Error, "completion failed in " + uri + ": " + e);
            }
            // Incomplete: the next keystroke asks again, so the suggestion follows the text.
            answer.complete(new CompletionList(true, items));
        });
        return answer;
    }
}

package org.replique.server.lsp;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionList;
import org.eclipse.lsp4j.InlineCompletionParams;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.replique.server.client.Requests;
import org.replique.server.commands.GenerateDialogueAction;
import org.replique.server.completion.CompletionService;
import org.replique.server.completion.InlineCompletionService;
import org.replique.server.documents.ContextRing;
import org.replique.server.documents.DocumentStore;
import org.replique.server.documents.Outline;
import org.replique.server.model.ModelService;

/** Document sync and the per-document requests; every answer comes without waiting on the model. */
@Singleton
public final class RepliqueTextDocumentService implements TextDocumentService {
    private final DocumentStore documents;
    private final InlineCompletionService inline;
    private final CompletionService completion;
    private final ModelService models;
    private final ContextRing ring;

    @Inject
    RepliqueTextDocumentService(DocumentStore documents, InlineCompletionService inline, CompletionService completion,
                                ModelService models, ContextRing ring) {
        this.documents = documents;
        this.inline = inline;
        this.completion = completion;
        this.models = models;
        this.ring = ring;
    }

    @Override
    public void didOpen(DidOpenTextDocumentParams params) {
        var d = params.getTextDocument();
        documents.open(d.getUri(), d.getLanguageId(), d.getVersion(), d.getText() == null ? "" : d.getText());
        ring.edited(d.getUri());
        inline.warm(d.getUri());
    }

    @Override
    public void didChange(DidChangeTextDocumentParams params) {
        String uri = params.getTextDocument().getUri();
        documents.change(uri, params.getTextDocument().getVersion(), params.getContentChanges());
        ring.edited(uri);
        inline.edited(uri);
    }

    @Override
    public void didClose(DidCloseTextDocumentParams params) {
        String uri = params.getTextDocument().getUri();
        ring.closed(uri, documents.get(uri).isPresent() ? documents.parsed(uri).orElse(null) : null);
        documents.close(uri);
        inline.forget(uri);
        models.closeDocument(uri);
    }

    @Override
    public void didSave(DidSaveTextDocumentParams params) {}

    @Override
    public CompletableFuture<Either<List<InlineCompletionItem>, InlineCompletionList>> inlineCompletion(
            InlineCompletionParams params) {
        InlineCompletionTriggerKind trigger = params.getContext() == null || params.getContext().getTriggerKind() == null
                ? InlineCompletionTriggerKind.Automatic : params.getContext().getTriggerKind();
        return Requests.mapped(inline.complete(params.getTextDocument().getUri(), params.getPosition(), trigger),
                items -> Either.forRight(new InlineCompletionList(items)));
    }

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
        return Requests.mapped(completion.complete(params.getTextDocument().getUri(), params.getPosition()),
                Either::forRight);
    }

    @Override
    public CompletableFuture<List<Either<Command, CodeAction>>> codeAction(CodeActionParams params) {
        return CompletableFuture.completedFuture(documents.parsed(params.getTextDocument().getUri())
                .map(d -> GenerateDialogueAction.at(d, params.getRange().getStart()).stream()
                        .map(a -> Either.<Command, CodeAction>forRight(a)).toList())
                .orElse(List.of()));
    }

    @Override
    public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(DocumentSymbolParams params) {
        return CompletableFuture.completedFuture(documents.parsed(params.getTextDocument().getUri())
                .map(d -> Outline.of(d).stream().map(s -> Either.<SymbolInformation, DocumentSymbol>forRight(s)).toList())
                .orElse(List.of()));
    }
}

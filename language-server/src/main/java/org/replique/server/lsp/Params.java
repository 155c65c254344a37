package org.replique.server.lsp;

import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/**
 * The parts of a request's params the protocol requires and LSP4J does not check: a request that
 * lacks one is answered InvalidParams (never an internal error), a notification is skipped whole.
 */
final class Params {
    private Params() {}

    /** Whether the params name a document. */
    static boolean names(TextDocumentIdentifier document) {
        return document != null && document.getUri() != null;
    }

    /** Whether a change names its document and every range it has is whole. */
    static boolean validChange(DidChangeTextDocumentParams params) {
        if (params.getTextDocument() == null || params.getTextDocument().getUri() == null
                || params.getContentChanges() == null) {
            return false;
        }
        for (TextDocumentContentChangeEvent c : params.getContentChanges()) {
            if (c == null) return false;
            if (c.getRange() != null && (c.getRange().getStart() == null || c.getRange().getEnd() == null)) return false;
        }
        return true;
    }

    static <T> CompletableFuture<T> invalid(String message) {
        return CompletableFuture.failedFuture(new ResponseErrorException(
                new ResponseError(ResponseErrorCode.InvalidParams, message, null)));
    }
}

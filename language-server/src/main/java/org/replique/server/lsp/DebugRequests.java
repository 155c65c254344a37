package org.replique.server.lsp;

import com.google.gson.JsonObject;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.replique.server.documents.DocumentStore;

/**
 * Requests for tests that drive a server from outside (the soak, the keystroke storm), answered
 * only when the server runs with {@code -Dreplique.debugRequests=true}; otherwise they do not
 * exist. They read what the server holds in memory, never a file.
 */
@Singleton
public final class DebugRequests {
    static final String PROPERTY = "replique.debugRequests";

    private final DocumentStore documents;

    @Inject
    DebugRequests(DocumentStore documents) {
        this.documents = documents;
    }

    /** {@code replique/debug/document {uri}}: the document's text and version as the server holds them, or null. */
    public CompletableFuture<JsonObject> document(JsonObject params) {
        if (!Boolean.getBoolean(PROPERTY)) {
            return CompletableFuture.failedFuture(new ResponseErrorException(new ResponseError(
                    ResponseErrorCode.MethodNotFound, "Unhandled method replique/debug/document", null)));
        }
        if (params == null || !params.has("uri") || !params.get("uri").isJsonPrimitive()) {
            return CompletableFuture.failedFuture(new ResponseErrorException(new ResponseError(
                    ResponseErrorCode.InvalidParams, "replique/debug/document takes {uri}", null)));
        }
        return CompletableFuture.completedFuture(documents.get(params.get("uri").getAsString()).map(d -> {
            JsonObject o = new JsonObject();
            o.addProperty("uri", d.uri());
            o.addProperty("version", d.version());
            o.addProperty("text", d.text());
            return o;
        }).orElse(null));
    }
}

package org.replique.server.client;

import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.services.LanguageClient;
import org.replique.server.model.ModelStatus;

/** The client as the server sees it: LSP plus the status notification editors may show. */
public interface RepliqueClient extends LanguageClient {

    /** Sent whenever the model's state changes; clients that do not know it ignore it. */
    @JsonNotification("replique/status")
    void status(ModelStatus status);
}

package org.replique.server.context;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.replique.server.client.ClientChannel;
import org.replique.server.config.ServerSettings;
import org.replique.server.documents.DocumentStore;
import org.replique.server.model.ModelService;

/**
 * What every request service works with: the open documents, the model, the settings in force,
 * the channel to the client, and the request threads (never the LSP message thread).
 */
@Singleton
public final class ServerContext {
    /** The name of the request threads' executor. */
    public static final String REQUEST_THREADS = "requests";

    private final DocumentStore documents;
    private final ModelService models;
    private final Supplier<ServerSettings> settings;
    private final ClientChannel client;
    private final ExecutorService workers;

    @Inject
    public ServerContext(DocumentStore documents, ModelService models, Supplier<ServerSettings> settings,
                         ClientChannel client, @Named(REQUEST_THREADS) ExecutorService workers) {
        this.documents = documents;
        this.models = models;
        this.settings = settings;
        this.client = client;
        this.workers = workers;
    }

    public DocumentStore documents() {
        return documents;
    }

    public ModelService models() {
        return models;
    }

    /** The settings in force now; a request reads them once and keeps them. */
    public ServerSettings settings() {
        return settings.get();
    }

    public ClientChannel client() {
        return client;
    }

    /** The request threads. */
    public ExecutorService workers() {
        return workers;
    }
}

package org.replique.server.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Named;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.replique.server.commands.CommandService;
import org.replique.server.completion.CompletionService;
import org.replique.server.completion.InlineCompletionService;
import org.replique.server.config.SettingsHolder;
import org.replique.server.documents.DocumentStore;
import org.replique.server.lsp.ClientChannel;
import org.replique.server.lsp.RepliqueLanguageServer;
import org.replique.server.model.ModelService;

/** The protocol side: settings, the client channel, the request services and the server. */
public final class ServerModule extends AbstractModule {
    @Provides
    @Singleton
    SettingsHolder settings() {
        return new SettingsHolder();
    }

    @Provides
    @Singleton
    ClientChannel client() {
        return new ClientChannel();
    }

    @Provides
    @Singleton
    InlineCompletionService inline(DocumentStore documents, ModelService models, SettingsHolder settings,
                                   ClientChannel client, @Named("requests") ExecutorService requests,
                                   @Named("timer") ScheduledExecutorService timer) {
        return new InlineCompletionService(documents, models, settings, client, requests, timer);
    }

    @Provides
    @Singleton
    CompletionService completion(DocumentStore documents, ModelService models, SettingsHolder settings,
                                 ClientChannel client, @Named("requests") ExecutorService requests) {
        return new CompletionService(documents, models, settings, client, requests);
    }

    @Provides
    @Singleton
    CommandService commands(DocumentStore documents, ModelService models, SettingsHolder settings,
                            ClientChannel client, @Named("requests") ExecutorService requests) {
        return new CommandService(documents, models, settings, client, requests);
    }

    @Provides
    @Singleton
    RepliqueLanguageServer server(ClientChannel client, SettingsHolder settings, ModelService models,
                                  DocumentStore documents, InlineCompletionService inline,
                                  CompletionService completion, CommandService commands) {
        return new RepliqueLanguageServer(client, settings, models, documents, inline, completion, commands);
    }
}

package org.replique.server.lsp;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.services.WorkspaceService;
import org.replique.server.commands.CommandService;

/** Configuration changes and commands. */
@Singleton
public final class RepliqueWorkspaceService implements WorkspaceService {
    private final Configurator configurator;
    private final CommandService commands;

    @Inject
    RepliqueWorkspaceService(Configurator configurator, CommandService commands) {
        this.configurator = configurator;
        this.commands = commands;
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams params) {
        configurator.apply(params.getSettings() instanceof JsonElement json ? json
                : new Gson().toJsonTree(params.getSettings()), "configuration change");
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {}

    @Override
    public CompletableFuture<Object> executeCommand(ExecuteCommandParams params) {
        return commands.execute(params.getCommand(), params.getArguments());
    }
}

package org.replique.server.lsp;

import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.services.WorkspaceService;
import org.replique.server.commands.CommandService;

/** Configuration changes and commands. */
final class RepliqueWorkspaceService implements WorkspaceService {
    private final Configurator configurator;
    private final CommandService commands;

    RepliqueWorkspaceService(Configurator configurator, CommandService commands) {
        this.configurator = configurator;
        this.commands = commands;
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams params) {
        configurator.apply(params.getSettings() instanceof com.google.gson.JsonElement json ? json
                : new com.google.gson.Gson().toJsonTree(params.getSettings()), "configuration change");
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {}

    @Override
    public CompletableFuture<Object> executeCommand(ExecuteCommandParams params) {
        return commands.execute(params.getCommand(), params.getArguments());
    }
}

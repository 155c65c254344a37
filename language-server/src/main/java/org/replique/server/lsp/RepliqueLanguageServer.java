package org.replique.server.lsp;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionOptions;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.ExecuteCommandOptions;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.TextDocumentSyncOptions;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;
import org.replique.server.client.ClientChannel;
import org.replique.server.client.RepliqueClient;
import org.replique.server.commands.CommandService;
import org.replique.server.completion.InlineCompletionService;
import org.replique.server.context.ServerContext;
import org.replique.server.documents.ContextRing;
import org.replique.server.model.ModelService;
import org.replique.server.model.ModelStatus;

/**
 * The LSP lifecycle: capabilities, settings, and the model loaded in the background once the
 * client is initialized. Every request handler answers from futures fed by the server's own
 * threads; the message thread never waits for the model.
 */
@Singleton
public final class RepliqueLanguageServer implements LanguageServer, LanguageClientAware {
    public static final String VERSION = "0.1.0";

    private final ServerContext context;
    private final ContextRing ring;
    private final Configurator configurator;
    private final TextDocumentService textDocuments;
    private final WorkspaceService workspace;
    private final CompletableFuture<Void> exited = new CompletableFuture<>();
    private volatile JsonElement initializationOptions;

    @Inject
    RepliqueLanguageServer(ServerContext context, Configurator configurator, TextDocumentService textDocuments,
                           WorkspaceService workspace, InlineCompletionService inline, ContextRing ring) {
        this.context = context;
        this.ring = ring;
        this.configurator = configurator;
        this.textDocuments = textDocuments;
        this.workspace = workspace;
        context.models().setListener(new ModelListener(context.client(),
                () -> context.documents().uris().forEach(inline::warm)));
    }

    @Override
    public void connect(LanguageClient languageClient) {
        context.client().connect((RepliqueClient) languageClient);
    }

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        context.client().capabilities(params.getCapabilities());
        Object options = params.getInitializationOptions();
        initializationOptions = options instanceof JsonElement json ? json : new Gson().toJsonTree(options);
        ring.folders(workspaceFolders(params));

        ServerCapabilities c = new ServerCapabilities();
        TextDocumentSyncOptions sync = new TextDocumentSyncOptions();
        sync.setOpenClose(true);
        sync.setChange(TextDocumentSyncKind.Incremental);
        c.setTextDocumentSync(sync);
        c.setInlineCompletionProvider(Either.forLeft(true));
        c.setCompletionProvider(new CompletionOptions(false, List.of()));
        c.setDocumentSymbolProvider(true);
        c.setCodeActionProvider(new CodeActionOptions(List.of(CodeActionKind.RefactorRewrite)));
        c.setExecuteCommandProvider(new ExecuteCommandOptions(CommandService.COMMANDS));
        return CompletableFuture.completedFuture(new InitializeResult(c, new ServerInfo("replique", VERSION)));
    }

    @Override
    public void initialized(InitializedParams params) {
        configurator.apply(initializationOptions, "initialization options");
        context.models().load(context.settings().model());
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        context.models().close();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        exited.complete(null);
    }

    /** Completes when the client has sent {@code exit}. */
    public CompletableFuture<Void> exited() {
        return exited;
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return textDocuments;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return workspace;
    }

    /** The workspace folders the client names (or its root), as local paths. */
    private static List<Path> workspaceFolders(InitializeParams params) {
        List<String> uris = new ArrayList<>();
        if (params.getWorkspaceFolders() != null) params.getWorkspaceFolders().forEach(f -> uris.add(f.getUri()));
        @SuppressWarnings("deprecation")
        String root = params.getRootUri();
        if (uris.isEmpty() && root != null) uris.add(root);
        List<Path> paths = new ArrayList<>();
        for (String uri : uris) {
            try {
                URI u = URI.create(uri);
                if ("file".equals(u.getScheme())) paths.add(Path.of(u));
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                // not a local folder: the ring reads none of it
            }
        }
        return paths;
    }

    /** Turns model events into progress, log and status messages for the client. */
    private static final class ModelListener implements ModelService.Listener {
        private final ClientChannel client;
        private final Runnable onReady;
        private ClientChannel.Progress progress;

        ModelListener(ClientChannel client, Runnable onReady) {
            this.client = client;
            this.onReady = onReady;
        }

        @Override
        public void statusChanged(ModelStatus status) {
            client.status(status);
        }

        @Override
        public synchronized void loadStarted(String title) {
            progress = client.beginProgress(title, false);
        }

        @Override
        public synchronized void loadProgress(int percent) {
            if (progress != null) progress.report(percent, percent + " % of the model read");
        }

        @Override
        public synchronized void loadFinished(ModelStatus status, String failure) {
            if (progress != null) progress.end(failure == null ? "ready" : "failed");
            progress = null;
            if (failure != null) {
                client.show(MessageType.Error, "Réplique: " + failure);
                client.log(MessageType.Error, failure);
            }
            if (status.ready()) {
                client.log(MessageType.Info, summary(status));
                if (failure == null && status.message() != null) client.log(MessageType.Info, status.message());
                if (failure == null) onReady.run();
            }
        }

        private static String summary(ModelStatus s) {
            if (s.sizeBytes() == 0) {
                return String.format(Locale.ROOT, "Réplique ready: %s at %s (%s)", s.model(), s.path(), s.backend());
            }
            return String.format(Locale.ROOT, "Réplique ready: %s (%.1f MB) on %s", s.model(),
                    s.sizeBytes() / 1e6, s.backend());
        }
    }
}

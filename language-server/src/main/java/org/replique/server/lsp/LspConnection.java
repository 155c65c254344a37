package org.replique.server.lsp;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.replique.server.client.RepliqueClient;

/** Connects a server to a client over a pair of streams and runs until either side ends it. */
public final class LspConnection {
    private LspConnection() {}

    /**
     * Serves until the client sends {@code exit} or closes its stream; returns how it ended.
     */
    public static CompletableFuture<Void> serve(RepliqueLanguageServer server, InputStream in, OutputStream out) {
        ProtocolLog.install();
        ExecutorService messages = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "replique-lsp");
            t.setDaemon(true);
            return t;
        });
        Launcher<RepliqueClient> launcher = new LSPLauncher.Builder<RepliqueClient>()
                .setLocalService(server)
                .setRemoteInterface(RepliqueClient.class)
                .setInput(in)
                .setOutput(out)
                .setExecutorService(messages)
                .create();
        server.connect(launcher.getRemoteProxy());
        Future<Void> listening = launcher.startListening();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        server.exited().thenRun(() -> ended.complete(null));
        Thread.ofPlatform().daemon().name("replique-lsp-watch").start(() -> {
            try {
                listening.get();
            } catch (Exception e) {
                // the stream ended with an error: the client is gone either way
            }
            ended.complete(null);
        });
        ended.whenComplete((v, e) -> messages.shutdownNow());
        return ended;
    }
}

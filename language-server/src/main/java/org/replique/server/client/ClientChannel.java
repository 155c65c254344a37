package org.replique.server.client;

import jakarta.inject.Singleton;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.ApplyWorkspaceEditResponse;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.replique.server.model.ModelStatus;

/**
 * Everything the server says to the client, in one place: logs, messages, progress and status,
 * and what the client said it can show. Safe to use before the client is connected (messages are
 * then dropped) and from any thread.
 */
@Singleton
public final class ClientChannel {
    private final AtomicReference<RepliqueClient> client = new AtomicReference<>();
    private volatile boolean progressSupported;
    private volatile boolean inlineCompletion;
    private volatile boolean versionedEdits;

    public void connect(RepliqueClient c) {
        client.set(c);
    }

    /** Records what the client announced in {@code initialize}. */
    public void capabilities(ClientCapabilities caps) {
        progressSupported = caps != null && caps.getWindow() != null
                && Boolean.TRUE.equals(caps.getWindow().getWorkDoneProgress());
        inlineCompletion = caps != null && caps.getTextDocument() != null
                && caps.getTextDocument().getInlineCompletion() != null;
        versionedEdits = caps != null && caps.getWorkspace() != null && caps.getWorkspace().getWorkspaceEdit() != null
                && Boolean.TRUE.equals(caps.getWorkspace().getWorkspaceEdit().getDocumentChanges());
    }

    /**
     * Whether the client takes edits of a named document version ({@code documentChanges}), which
     * it refuses once the writer has changed the document since.
     */
    public boolean hasVersionedEdits() {
        return versionedEdits;
    }

    /** Whether the client shows ghost text ({@code textDocument/inlineCompletion}). */
    public boolean hasInlineCompletion() {
        return inlineCompletion;
    }

    public void log(MessageType type, String message) {
        RepliqueClient c = client.get();
        if (c != null) c.logMessage(new MessageParams(type, message));
    }

    public void show(MessageType type, String message) {
        RepliqueClient c = client.get();
        if (c != null) c.showMessage(new MessageParams(type, message));
    }

    /** Asks the client to apply an edit; completes with null when no client is connected. */
    public CompletableFuture<ApplyWorkspaceEditResponse> applyEdit(ApplyWorkspaceEditParams params) {
        RepliqueClient c = client.get();
        return c == null ? CompletableFuture.completedFuture(null) : c.applyEdit(params);
    }

    public void status(ModelStatus status) {
        RepliqueClient c = client.get();
        if (c != null) c.status(status);
    }

    /** Server-initiated progress: created with the client, then reported as begin / report / end. */
    public Progress beginProgress(String title, boolean cancellable) {
        RepliqueClient c = client.get();
        if (c == null || !progressSupported) {
            return new Progress(null, null, null);
        }
        Either<String, Integer> token = Either.forLeft("replique-" + UUID.randomUUID());
        // Notifications wait for the client's answer to the creation, and keep their order.
        Progress p = new Progress(c, token, c.createProgress(new WorkDoneProgressCreateParams(token))
                .exceptionally(e -> null).thenRun(() -> {}));
        WorkDoneProgressBegin begin = new WorkDoneProgressBegin();
        begin.setTitle(title);
        begin.setCancellable(cancellable);
        begin.setPercentage(0);
        p.send(begin);
        return p;
    }

    /** Progress reported against a token the client gave with its request. */
    public Progress progressFor(Either<String, Integer> token, String title) {
        RepliqueClient c = client.get();
        if (c == null || token == null) return new Progress(null, null, null);
        Progress p = new Progress(c, token, CompletableFuture.completedFuture(null));
        WorkDoneProgressBegin begin = new WorkDoneProgressBegin();
        begin.setTitle(title);
        begin.setPercentage(0);
        p.send(begin);
        return p;
    }

    /** One progress sequence; a no-op when the client does not take progress. */
    public static final class Progress {
        private final RepliqueClient client;
        private final Either<String, Integer> token;
        private CompletableFuture<Void> sent;
        private int lastPercent = -1;
        private String lastMessage;

        Progress(RepliqueClient client, Either<String, Integer> token, CompletableFuture<Void> created) {
            this.client = client;
            this.token = token;
            this.sent = created;
        }

        public synchronized void report(int percent, String message) {
            if (percent == lastPercent && java.util.Objects.equals(message, lastMessage)) return;
            lastPercent = percent;
            lastMessage = message;
            WorkDoneProgressReport r = new WorkDoneProgressReport();
            r.setPercentage(Math.max(0, Math.min(100, percent)));
            r.setMessage(message);
            send(r);
        }

        public synchronized void end(String message) {
            WorkDoneProgressEnd e = new WorkDoneProgressEnd();
            e.setMessage(message);
            send(e);
        }

        synchronized void send(org.eclipse.lsp4j.WorkDoneProgressNotification n) {
            if (client != null) {
                sent = sent.thenRun(() -> client.notifyProgress(new ProgressParams(token, Either.forLeft(n))));
            }
        }
    }
}

package org.replique.server.commands;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.replique.engine.backend.Cancellation;
import org.replique.server.client.ClientChannel;
import org.replique.server.client.Requests;
import org.replique.server.context.ServerContext;
import org.replique.server.documents.Anchor;
import org.replique.server.documents.ContextRing;
import org.replique.server.documents.DocumentStore;
import org.replique.server.documents.ParsedDocument;
import org.replique.server.model.LoadedModel;
import org.replique.server.model.ModelService;

/** {@code workspace/executeCommand}: generate dialogue, status, reload the model. */
@Singleton
public final class CommandService {
    public static final String GENERATE_DIALOGUE = "replique.generateDialogue";
    public static final String STATUS = "replique.status";
    public static final String RELOAD_MODEL = "replique.reloadModel";
    public static final List<String> COMMANDS = List.of(GENERATE_DIALOGUE, STATUS, RELOAD_MODEL);
    static final int MAX_TURNS = 50;
    /** How many times an edit refused for a stale version is placed again. */
    private static final int APPLY_ATTEMPTS = 8;

    private static final Gson GSON = new Gson();

    private final ServerContext context;
    private final ContextRing ring;

    @Inject
    public CommandService(ServerContext context, ContextRing ring) {
        this.context = context;
        this.ring = ring;
    }

    public CompletableFuture<Object> execute(String command, List<Object> arguments) {
        ModelService models = context.models();
        if (command == null) {
            return CompletableFuture.failedFuture(error(ResponseErrorCode.InvalidParams,
                    "workspace/executeCommand needs a command (known: " + String.join(", ", COMMANDS) + ")"));
        }
        return switch (command) {
            case STATUS -> CompletableFuture.completedFuture(GSON.toJsonTree(models.status()));
            case RELOAD_MODEL -> models.load(context.settings().model()).thenApply(GSON::toJsonTree);
            case GENERATE_DIALOGUE -> generate(arguments);
            default -> CompletableFuture.failedFuture(error(ResponseErrorCode.InvalidParams,
                    "unknown command '" + command + "' (known: " + String.join(", ", COMMANDS) + ")"));
        };
    }

    /** The arguments of {@code replique.generateDialogue}. */
    record GenerateArguments(String uri, Position position, int turns, List<String> speakers) {
        static GenerateArguments of(List<Object> arguments) {
            if (arguments == null || arguments.isEmpty() || !(arguments.getFirst() instanceof JsonObject o)) {
                throw error(ResponseErrorCode.InvalidParams,
                        "replique.generateDialogue takes one object {uri, position: {line, character}, turns, speakers?}");
            }
            try {
                String uri = o.get("uri").getAsString();
                JsonObject p = o.getAsJsonObject("position");
                Position position = new Position(p.get("line").getAsInt(), p.get("character").getAsInt());
                int turns = o.has("turns") ? o.get("turns").getAsInt() : 4;
                if (turns < 1 || turns > MAX_TURNS) {
                    throw error(ResponseErrorCode.InvalidParams, "turns must be between 1 and " + MAX_TURNS);
                }
                List<String> speakers = new ArrayList<>();
                if (o.has("speakers") && o.get("speakers").isJsonArray()) {
                    for (JsonElement s : o.getAsJsonArray("speakers")) speakers.add(s.getAsString());
                }
                return new GenerateArguments(uri, position, turns, speakers);
            } catch (RuntimeException e) {
                if (e instanceof ResponseErrorException r) throw r;
                throw error(ResponseErrorCode.InvalidParams, "bad replique.generateDialogue arguments: " + e.getMessage());
            }
        }
    }

    private CompletableFuture<Object> generate(List<Object> arguments) {
        GenerateArguments args;
        try {
            args = GenerateArguments.of(arguments);
        } catch (ResponseErrorException e) {
            return CompletableFuture.failedFuture(e);
        }
        ParsedDocument doc = context.documents().parsed(args.uri()).orElse(null);
        if (doc == null) {
            return CompletableFuture.failedFuture(error(ResponseErrorCode.InvalidParams, "document not open: " + args.uri()));
        }
        CompletableFuture<Object> answer = new CompletableFuture<>();
        // The writer may go on typing while the model writes: the turns go where this place moves.
        Anchor anchor = context.documents().anchor(doc.text(), doc.text().offset(args.position()));
        answer.whenComplete((r, e) -> context.documents().release(anchor));
        Cancellation cancel = Requests.cancelledWith(answer);
        ClientChannel client = context.client();
        ClientChannel.Progress progress = client.beginProgress("Generating dialogue", true);
        // An explicit command waits for a model being loaded, saying so, rather than failing.
        context.models().ready(percent -> progress.report(0, "waiting for the model (" + percent + " % loaded)"))
                .whenComplete((model, failure) -> {
                    if (failure != null) {
                        progress.end("no model");
                        answer.completeExceptionally(error(ResponseErrorCode.RequestFailed,
                                "no model to write with: " + rootMessage(failure)));
                        return;
                    }
                    try {
                        context.workers().execute(() -> write(args, doc, anchor, model, progress, answer, cancel));
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        progress.end("the server is stopping");
                        answer.completeExceptionally(error(ResponseErrorCode.RequestFailed, "the server is stopping"));
                    }
                });
        return answer;
    }

    private void write(GenerateArguments args, ParsedDocument doc, Anchor anchor, LoadedModel model,
                       ClientChannel.Progress progress, CompletableFuture<Object> answer, Cancellation cancel) {
        ClientChannel client = context.client();
        DocumentStore documents = context.documents();
        documents.generating(args.uri(), true);
        Position at = doc.text().position(doc.text().offset(args.position()));
        try {
            GenerateDialogue.Result r = GenerateDialogue.run(model, doc, at.getLine(), at.getCharacter(), args.turns(),
                    args.speakers(), context.settings(), ring.sourceFor(args.uri()), p -> progress.report(p, null), cancel);
            progress.end(r.turns() + " turns");
            insert(anchor, r.text(), APPLY_ATTEMPTS).whenComplete((applied, e) -> {
                JsonObject result = new JsonObject();
                result.addProperty("applied", applied != null && applied);
                result.addProperty("text", r.text());
                result.addProperty("turns", r.turns());
                answer.complete(result);
            });
        } catch (CancellationException e) {
            progress.end("cancelled");
            answer.completeExceptionally(error(ResponseErrorCode.RequestCancelled, "cancelled"));
        } catch (IllegalArgumentException e) {
            progress.end(e.getMessage());
            answer.completeExceptionally(error(ResponseErrorCode.InvalidParams, e.getMessage()));
        } catch (RuntimeException e) {
            progress.end("failed");
            client.log(MessageType.Error, "generate dialogue failed: " + e);
            answer.completeExceptionally(error(ResponseErrorCode.InternalError, "generation failed: " + e.getMessage()));
        } finally {
            documents.generating(args.uri(), false);
        }
    }

    /**
     * Asks the client to insert {@code text} at the anchor. A client that takes versioned edits
     * gets the version the place was computed for, and refuses the edit if the writer typed since:
     * then the place is computed again, a few times. Completes with whether the client applied it;
     * false when the document was closed or reopened meanwhile.
     */
    private CompletableFuture<Boolean> insert(Anchor anchor, String text, int attempts) {
        ClientChannel client = context.client();
        DocumentStore.Anchored place = context.documents().resolve(anchor).orElse(null);
        if (place == null) return CompletableFuture.completedFuture(false);
        Position p = place.position();
        TextEdit edit = new TextEdit(new Range(p, p), text);
        int version = place.text().version();
        boolean versioned = client.hasVersionedEdits() && version >= 0;
        WorkspaceEdit workspaceEdit = versioned
                ? new WorkspaceEdit(List.of(Either.forLeft(new TextDocumentEdit(
                        new VersionedTextDocumentIdentifier(anchor.uri(), version), List.of(Either.forLeft(edit))))))
                : new WorkspaceEdit(Map.of(anchor.uri(), List.of(edit)));
        return client.applyEdit(new ApplyWorkspaceEditParams(workspaceEdit, "Generate dialogue"))
                .handle((response, failure) -> {
                    boolean applied = failure == null && response != null && response.isApplied();
                    boolean moved = context.documents().resolve(anchor)
                            .map(now -> now.text().version() != version).orElse(false);
                    return applied || !versioned || !moved || attempts <= 1
                            ? CompletableFuture.completedFuture(applied) : insert(anchor, text, attempts - 1);
                })
                .thenCompose(f -> f);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    static ResponseErrorException error(ResponseErrorCode code, String message) {
        return new ResponseErrorException(new ResponseError(code, message, null));
    }
}

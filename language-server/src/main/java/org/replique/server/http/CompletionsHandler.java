package org.replique.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.generate.Completion;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.Generator;
import org.replique.engine.generate.StopReason;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.sampling.SamplingParams;
import org.replique.engine.session.SessionResult;
import org.replique.server.openai.ApiError;
import org.replique.server.openai.CompletionChunk;
import org.replique.server.openai.CompletionChunk.Choice;
import org.replique.server.openai.CompletionChunk.Usage;
import org.replique.server.openai.CompletionRequest;
import org.replique.server.openai.ServerSentEvents;

/**
 * {@code POST /v1/completions}: each prompt is tokenized (BOS first, as the engine's own requests),
 * waits for a slot in the fair queue, and runs in the session whose cache it shares most; the
 * answer streams as server-sent events (one chunk per piece of text, a last chunk per choice with
 * its {@code finish_reason}, the usage when asked for, then {@code [DONE]}) or comes as one JSON
 * object. A client that goes away stops its generation at the next piece of text.
 */
final class CompletionsHandler implements HttpHandler {
    /**
     * While a streamed request waits for a slot or evaluates a long prompt, a comment line goes out
     * when nothing else did for this long: the client knows the server is alive (its silence
     * timeout measures a dead server, not a slow one), and the server learns whether the client left.
     */
    static final long PING_NANOS = 1_000_000_000L;

    private final ServedModel served;
    private final FairQueue queue;
    private final SessionRouter router;
    private final ServerStats stats;

    CompletionsHandler(ServedModel served, FairQueue queue, SessionRouter router, ServerStats stats) {
        this.served = served;
        this.queue = queue;
        this.router = router;
        this.stats = stats;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!Exchanges.method(exchange, "POST")) return;
            CompletionRequest request;
            List<int[]> prompts;
            try {
                request = CompletionRequest.parse(Exchanges.body(exchange));
                if (request.model() != null && !request.model().isEmpty() && !request.model().equals(served.name())) {
                    throw ApiError.notFound("the model '" + request.model() + "' does not exist; this server serves '"
                            + served.name() + "'", "model_not_found");
                }
                prompts = tokenize(request);
            } catch (ApiError e) {
                Exchanges.error(exchange, e);
                return;
            }
            String client = request.user() != null && !request.user().isBlank() ? request.user()
                    : exchange.getRemoteAddress().getAddress().getHostAddress();
            FairQueue.Ticket ticket;
            try {
                ticket = queue.enter(client);
            } catch (FairQueue.Full full) {
                stats.refused.incrementAndGet();
                exchange.getResponseHeaders().set("Retry-After", Long.toString(full.retryAfterSeconds()));
                Exchanges.error(exchange, new ApiError(503, "server_error", "the server is busy: "
                        + queue.waiting() + " requests are waiting; try again in " + full.retryAfterSeconds() + " s",
                        null, "queue_full"));
                return;
            }
            try (ticket) {
                new Answer(exchange, request, prompts, client).run(ticket);
            }
        }
    }

    private List<int[]> tokenize(CompletionRequest request) {
        List<int[]> prompts = new ArrayList<>();
        int vocab = served.model().config().vocabSize();
        for (CompletionRequest.Prompt p : request.prompts()) {
            int[] ids = p.text() != null ? served.tokenizer().encode(p.text()) : p.ids();
            for (int id : ids) {
                if (id >= vocab) throw ApiError.invalid("prompt", "token id " + id + " is outside the vocabulary of " + vocab);
            }
            try {
                Generator.checkPrompt(ids, served.contextLength());
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("prompt", e.getMessage());
            }
            prompts.add(ids);
        }
        return prompts;
    }

    /** One request's answer, streamed or whole. */
    private final class Answer {
        private final HttpExchange exchange;
        private final CompletionRequest request;
        private final List<int[]> prompts;
        private final String client;
        private final String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        private final long created = System.currentTimeMillis() / 1000;
        private final Cancellation gone = new Cancellation();
        private OutputStream out;
        private volatile long lastWrite = System.nanoTime();
        /** Guarded by this. */
        private boolean finished;

        Answer(HttpExchange exchange, CompletionRequest request, List<int[]> prompts, String client) {
            this.exchange = exchange;
            this.request = request;
            this.prompts = prompts;
            this.client = client;
        }

        void run(FairQueue.Ticket ticket) throws IOException {
            if (request.stream()) {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.sendResponseHeaders(200, 0);
                out = exchange.getResponseBody();
                Thread.ofVirtual().name("replique-http-heartbeat").start(this::heartbeat);
            }
            try {
                answer(ticket);
            } finally {
                finish();
            }
        }

        private void answer(FairQueue.Ticket ticket) throws IOException {
            try {
                ticket.await(gone::isCancelled);
            } catch (CancellationException e) {
                stats.abandoned.incrementAndGet();
                return;
            }
            List<Choice> choices = new ArrayList<>();
            int promptTokens = 0;
            int cached = 0;
            int generated = 0;
            try {
                for (int p = 0; p < prompts.size() && !gone.isCancelled(); p++) {
                    SessionResult r = generate(p);
                    promptTokens += r.cost().promptTokens();
                    cached += r.cost().reusedTokens();
                    List<Completion> completions = r.generation().completions();
                    for (int c = 0; c < completions.size(); c++) {
                        Completion completion = completions.get(c);
                        generated += completion.tokens().length;
                        choices.add(new Choice(p * request.n() + c, completion.text(),
                                CompletionChunk.finishReason(completion.stopReason()), stopReason(completion)));
                    }
                }
            } catch (CancellationException e) {
                gone.cancel();
            } catch (RuntimeException e) {
                fail(new ApiError(500, "server_error", "generation failed: " + e.getMessage(), null, null));
                return;
            } finally {
                stats.promptTokens.addAndGet(promptTokens);
                stats.cachedTokens.addAndGet(cached);
                stats.generatedTokens.addAndGet(generated);
            }
            if (gone.isCancelled()) {
                stats.abandoned.incrementAndGet();
                return;
            }
            Usage usage = new Usage(promptTokens, generated, cached);
            if (request.stream()) {
                for (Choice c : choices) {
                    send(new CompletionChunk(id, created, served.name(), List.of(new Choice(c.index(), "",
                            c.finishReason(), c.stopReason())), null));
                }
                if (request.includeUsage()) send(new CompletionChunk(id, created, served.name(), List.of(), usage));
                write(ServerSentEvents.event(ServerSentEvents.DONE));
            } else {
                Exchanges.json(exchange, 200, new CompletionChunk(id, created, served.name(), choices, usage)
                        .toJson(false));
            }
            if (!gone.isCancelled()) stats.completed.incrementAndGet();
            else stats.abandoned.incrementAndGet();
        }

        private SessionResult generate(int p) {
            int[] ids = prompts.get(p);
            long seed = request.seed() != null ? request.seed() : System.nanoTime();
            SamplingParams sampling = new SamplingParams(request.temperature(), request.topK(), request.topP(),
                    request.minP(), request.repeatPenalty(), request.repeatLastN(), seed);
            GenerationRequest generation = new GenerationRequest(sampling, request.maxTokens(), !request.ignoreEos(),
                    request.stop(), request.n());
            int base = p * request.n();
            TokenListener listener = !request.stream() ? TokenListener.NONE : (candidate, token, text) -> {
                if (!text.isEmpty()) {
                    send(new CompletionChunk(id, created, served.name(), List.of(new Choice(base + candidate, text,
                            null, null)), null));
                }
            };
            SessionRouter.Lease lease = router.route(ids, client);
            int[][] held = {null};
            try {
                return served.sessions().withSession(lease.key(), gone, session -> {
                    try {
                        return session.complete(ids, generation, listener, gone);
                    } finally {
                        held[0] = session.tokens();
                    }
                });
            } finally {
                router.release(lease, held[0]);
            }
        }

        /** vLLM's {@code stop_reason}: the stop string that ended a choice, when it can only be that one. */
        private String stopReason(Completion c) {
            return c.stopReason() == StopReason.STOP_STRING && request.stop().size() == 1 ? request.stop().getFirst() : null;
        }

        /**
         * Sends a comment line whenever the stream has been quiet for {@link #PING_NANOS}, until the
         * answer is finished. (Never interrupted: an interrupt would close the connection under a write.)
         */
        private void heartbeat() {
            byte[] ping = ": working\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            try {
                while (!finished() && !gone.isCancelled()) {
                    Thread.sleep(PING_NANOS / 4_000_000);
                    if (System.nanoTime() - lastWrite > PING_NANOS) write(ping);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private synchronized boolean finished() {
            return finished;
        }

        /** Nothing is written after this: the exchange is about to close. */
        private synchronized void finish() {
            finished = true;
        }

        private void send(CompletionChunk chunk) {
            write(ServerSentEvents.event(Exchanges.GSON.toJson(chunk.toJson(request.includeUsage()))));
        }

        /** Writes and flushes (one writer at a time); a client that went away cancels the generation. */
        private synchronized void write(byte[] bytes) {
            if (gone.isCancelled() || finished) return;
            try {
                out.write(bytes);
                out.flush();
                lastWrite = System.nanoTime();
            } catch (IOException e) {
                gone.cancel();
            }
        }

        private void fail(ApiError e) throws IOException {
            if (out == null) {
                Exchanges.error(exchange, e);
            } else {
                write(ServerSentEvents.event(Exchanges.GSON.toJson(e.toJson())));
            }
        }
    }
}

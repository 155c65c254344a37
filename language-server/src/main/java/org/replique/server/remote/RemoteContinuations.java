package org.replique.server.remote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.generate.Completion;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.StopMatcher;
import org.replique.engine.generate.StopReason;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.sampling.SamplingParams;
import org.replique.engine.session.RequestCost;
import org.replique.server.generation.Continuations;
import org.replique.server.generation.Continued;
import org.replique.server.generation.PromptInput;
import org.replique.server.openai.CompletionChunk;
import org.replique.server.openai.CompletionRequest;

/**
 * Continuations from an OpenAI-compatible server ({@code replique serve --http}, vLLM,
 * llama-server, TGI, Ollama): the prompt's text goes out with the request's sampling, stop strings
 * and candidates in one streamed {@code POST /v1/completions}; the text comes back chunk by chunk
 * to the listener. Cancelling the request (a newer keystroke for the document, the time budget, a
 * closed document) closes the stream, which stops the server's generation. Transient failures are
 * tried again with backoff while the request may still wait; every failure and every recovery is
 * reported to {@link Health}, which the status shows.
 *
 * <p>Each document is announced as its own {@code user} (a salted hash: no name or path leaves
 * this process), which Réplique's server uses for fairness and to keep the document's KV cache.
 */
public final class RemoteContinuations implements Continuations {
    /** A cancelled request that had no answer for this long says so in the status. */
    static final Duration REPORTED_SILENCE = Duration.ofSeconds(2);

    /** Hears how the server does. */
    public interface Health {
        /** A request failed (it may be tried again). */
        void failed(RemoteException e);

        /** A request was answered. */
        void answered();
    }

    private final OpenAiClient client;
    private final String model;
    private final int contextLength;
    private final Backoff backoff;
    private final Health health;
    private final String salt = UUID.randomUUID().toString();
    private final Map<String, Cancellation> running = new ConcurrentHashMap<>();
    /** Requests written ahead ({@link #complete}), by session: the next supersede cancels them too. */
    private final Map<String, Set<Cancellation>> ahead = new ConcurrentHashMap<>();

    /**
     * @param model         the model name the server serves (sent with every request)
     * @param contextLength the positions the server's model holds
     */
    public RemoteContinuations(OpenAiClient client, String model, int contextLength, Backoff backoff, Health health) {
        this.client = client;
        this.model = model;
        this.contextLength = contextLength;
        this.backoff = backoff;
        this.health = health;
    }

    public String model() {
        return model;
    }

    @Override
    public Continued supersede(String key, PromptInput prompt, GenerationRequest request, TokenListener listener,
                               Cancellation cancel) {
        Linked own = start(key, cancel);
        try {
            return run(body(key, prompt, request), request, listener, own);
        } finally {
            running.remove(key, own);
        }
    }

    /**
     * Sends the request beside the session's others: the server queues or batches it, and the
     * session's next {@link #supersede} (or {@link #forget}) cancels it.
     */
    @Override
    public Continued complete(String key, PromptInput prompt, GenerationRequest request, TokenListener listener,
                              Cancellation cancel) {
        Linked own = new Linked(cancel);
        Set<Cancellation> mine = ahead.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
        mine.add(own);
        try {
            return run(body(key, prompt, request), request, listener, own);
        } finally {
            mine.remove(own);
        }
    }

    /**
     * Sends the prompt for one token, so that a server with a prefix cache holds it for the next
     * request. A request already at work for the session makes this pointless: it does nothing then
     * (and never cancels it); a request that comes later cancels it.
     */
    @Override
    public void warm(String key, PromptInput prompt, Cancellation cancel) {
        Linked own = new Linked(cancel);
        if (running.putIfAbsent(key, own) != null) return;
        try {
            GenerationRequest one = GenerationRequest.of(SamplingParams.greedyDecoding(), 1);
            run(body(key, prompt, one), one, TokenListener.NONE, own);
        } catch (RemoteException e) {
            // reported to the health already; warming is only a head start
        } finally {
            running.remove(key, own);
        }
    }

    @Override
    public void forget(String key) {
        Cancellation c = running.remove(key);
        if (c != null) c.cancel();
        cancelAhead(key);
        ahead.remove(key);
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public void close() {
        running.values().forEach(Cancellation::cancel);
        running.clear();
        ahead.values().forEach(set -> set.forEach(Cancellation::cancel));
        ahead.clear();
        client.close();
    }

    private Linked start(String key, Cancellation caller) {
        Linked own = new Linked(caller);
        Cancellation previous = running.put(key, own);
        if (previous != null) previous.cancel();
        cancelAhead(key);
        return own;
    }

    private void cancelAhead(String key) {
        Set<Cancellation> set = ahead.get(key);
        if (set != null) set.forEach(Cancellation::cancel);
    }

    private CompletionRequest body(String key, PromptInput prompt, GenerationRequest request) {
        SamplingParams s = request.sampling();
        return new CompletionRequest(model, List.of(CompletionRequest.Prompt.of(prompt.text())), request.maxTokens(),
                s.temperature(), s.topK(), s.topP(), s.minP(), s.repeatPenalty(), s.repeatWindow(),
                s.greedy() ? null : s.seed(), request.stops(), request.candidates(), true, true, !request.stopAtEos(),
                user(key));
    }

    /** Tries the request until it is answered, fails for good, or is cancelled. */
    private Continued run(CompletionRequest body, GenerationRequest request, TokenListener listener, Cancellation cancel) {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            Collector answer = new Collector(request, listener, start);
            try {
                client.complete(body, answer::accept, cancel);
                if (cancel.isCancelled() && !answer.began()) {
                    throw new CancellationException("cancelled before the server answered");
                }
                health.answered();
                return answer.result(cancel.isCancelled());
            } catch (CancellationException e) {
                if (answer.began()) return answer.result(true);
                long silent = System.nanoTime() - start;
                if (silent >= REPORTED_SILENCE.toNanos()) {
                    health.failed(new RemoteException(RemoteException.Kind.TIMEOUT, client.endpoint()
                            + " sent nothing in " + silent / 1_000_000 + " ms (the time budget ran out)"));
                }
                throw e;
            } catch (RemoteException e) {
                health.failed(e);
                if (answer.began()) return answer.result(true); // the connection dropped: keep what came
                if (!e.isTransient() || attempt >= backoff.attempts()) throw e;
                sleep(backoff.wait(attempt, e.retryAfter()), cancel);
            }
        }
    }

    /** Waits, unless the request is cancelled meanwhile. */
    private static void sleep(Duration d, Cancellation cancel) {
        long until = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < until) {
            cancel.check();
            try {
                Thread.sleep(Math.min(10, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
        }
        cancel.check();
    }

    /** The document as the server sees it: a stable, salted hash of the session key. */
    private String user(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((salt + key).getBytes(StandardCharsets.UTF_8));
            return "replique-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A cancellation that also fires when the caller's does. */
    private static final class Linked extends Cancellation {
        private final Cancellation caller;

        Linked(Cancellation caller) {
            this.caller = caller;
        }

        @Override
        public boolean isCancelled() {
            return super.isCancelled() || caller.isCancelled();
        }
    }

    /**
     * Gathers the streamed choices: the text of each candidate, released to the listener as the
     * engine releases it (never text a stop string may still remove), cut at the first stop
     * string even if the server did not cut it.
     */
    private static final class Collector {
        private final int n;
        private final TokenListener listener;
        private final long start;
        private final StopMatcher stops;
        private final StringBuilder[] text;
        private final int[] emitted;
        private final int[] chunks;
        private final StopReason[] reason;
        private final boolean[] ended;
        private CompletionChunk.Usage usage;
        private long firstText = -1;
        private long firstByte = -1;

        Collector(GenerationRequest request, TokenListener listener, long start) {
            this.n = request.candidates();
            this.listener = listener;
            this.start = start;
            this.stops = new StopMatcher(request.stops());
            this.text = new StringBuilder[n];
            this.emitted = new int[n];
            this.chunks = new int[n];
            this.reason = new StopReason[n];
            this.ended = new boolean[n];
            for (int i = 0; i < n; i++) text[i] = new StringBuilder();
        }

        boolean began() {
            return firstByte >= 0;
        }

        /** Takes one chunk; false when every candidate is done here but the server goes on (stop it). */
        boolean accept(CompletionChunk chunk) {
            if (firstByte < 0) firstByte = System.nanoTime();
            if (chunk.usage() != null) usage = chunk.usage();
            boolean cutHere = false;
            for (CompletionChunk.Choice c : chunk.choices()) {
                int i = c.index();
                if (i < 0 || i >= n || reason[i] != null) continue;
                if (!c.text().isEmpty()) {
                    if (firstText < 0) firstText = System.nanoTime();
                    chunks[i]++;
                    text[i].append(c.text());
                }
                int stopAt = stops.find(text[i]);
                if (stopAt >= 0) {
                    text[i].setLength(stopAt);
                    end(i, StopReason.STOP_STRING);
                    cutHere |= c.finishReason() == null;
                } else if (c.finishReason() != null) {
                    end(i, finish(c.finishReason(), c.stopReason()));
                } else {
                    int safe = stops.safeLength(text[i]);
                    if (safe > emitted[i]) {
                        listener.onToken(i, TokenListener.NO_TOKEN, text[i].substring(emitted[i], safe));
                        emitted[i] = safe;
                    }
                }
            }
            boolean allDone = true;
            for (StopReason r : reason) allDone &= r != null;
            return !(allDone && cutHere);
        }

        private void end(int i, StopReason r) {
            reason[i] = r;
            if (text[i].length() > emitted[i]) {
                listener.onToken(i, TokenListener.NO_TOKEN, text[i].substring(emitted[i]));
                emitted[i] = text[i].length();
            }
        }

        private static StopReason finish(String finishReason, String stopReason) {
            return switch (finishReason) {
                case "stop" -> stopReason != null ? StopReason.STOP_STRING : StopReason.END_OF_SEQUENCE;
                case "length" -> StopReason.MAX_TOKENS;
                default -> StopReason.CANCELLED;
            };
        }

        Continued result(boolean cancelled) {
            List<Completion> completions = new ArrayList<>();
            int generated = 0;
            for (int i = 0; i < n; i++) {
                if (reason[i] == null) end(i, cancelled ? StopReason.CANCELLED : StopReason.MAX_TOKENS);
                completions.add(new Completion(new int[0], text[i].toString(), reason[i]));
                generated += chunks[i];
                if (cancelled && reason[i] == StopReason.CANCELLED) break; // later candidates never began
            }
            long end = System.nanoTime();
            int prompt = usage == null ? 0 : usage.promptTokens();
            int cached = usage == null ? 0 : Math.min(usage.cachedTokens(), prompt);
            if (usage != null) generated = usage.completionTokens();
            RequestCost cost = new RequestCost(prompt, cached, prompt - cached, generated, 0,
                    (firstByte < 0 ? end : firstByte) - start, (firstText < 0 ? end : firstText) - start, end - start);
            return new Continued(List.copyOf(completions), cost);
        }
    }
}

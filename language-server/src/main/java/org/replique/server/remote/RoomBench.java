package org.replique.server.remote;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.replique.dialogue.Dialogue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.prompt.PromptBuilder;
import org.replique.dialogue.prompt.PromptOptions;
import org.replique.engine.backend.Cancellation;
import org.replique.server.generation.TokenEstimate;
import org.replique.server.openai.CompletionChunk;
import org.replique.server.openai.CompletionRequest;

/**
 * A writers' room against one server: {@code clients} writers type at once, each at the end of
 * their own part of a document, one character per request, each waiting for its answer before
 * the next keystroke (a closed loop: the load a room puts on the server when every writer types
 * steadily). Every request streams {@code tokens} tokens through the client the editors use, so
 * that the figures are what a writer waits for: time to the first text and to the whole answer,
 * and how many requests per second the server answers for the room.
 */
public final class RoomBench {

    /**
     * One round's figures.
     *
     * @param requestsPerSecond requests answered per second of wall time, all writers together
     * @param firstTextMillis   median and 90th percentile of the wait for the first text
     * @param totalMillis       median and 90th percentile of the whole request
     * @param cachedFraction    prompt tokens found in the server's cache, over all prompt tokens
     */
    public record Round(int clients, int requests, int failures, double seconds, double requestsPerSecond,
                       double[] firstTextMillis, double[] totalMillis, double cachedFraction, double promptTokensMean) {}

    private final OpenAiClient client;
    private final String model;
    private final int tokens;
    private final int budget;

    /**
     * @param tokens tokens generated per request (end of sequence ignored: every request does the same work)
     * @param budget prompt budget in (estimated) tokens
     */
    public RoomBench(OpenAiClient client, String model, int tokens, int budget) {
        this.client = client;
        this.model = model;
        this.tokens = tokens;
        this.budget = budget;
    }

    /** {@code clients} writers each typing {@code chars} characters into their part of {@code text}. */
    public Round run(String fileName, String text, int clients, int chars) throws Exception {
        List<String> starts = parts(text, clients);
        String typed = " Et pourtant, je vous le dis, rien n'est plus sincère que ce que j'avance ici même.";
        try (ExecutorService writers = Executors.newFixedThreadPool(clients)) {
            long start = System.nanoTime();
            List<Future<List<long[]>>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String base = starts.get(i);
                String user = "bench-writer-" + i;
                futures.add(writers.submit(() -> type(fileName, base, typed.substring(0, Math.min(chars, typed.length())),
                        user)));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<List<long[]>> f : futures) all.addAll(f.get());
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] ok = all.stream().filter(r -> r[0] >= 0).mapToLong(r -> 1).toArray();
            double[] first = all.stream().filter(r -> r[0] >= 0).mapToDouble(r -> r[0] / 1e6).toArray();
            double[] total = all.stream().filter(r -> r[0] >= 0).mapToDouble(r -> r[1] / 1e6).toArray();
            long prompt = all.stream().mapToLong(r -> r[2]).sum();
            long cached = all.stream().mapToLong(r -> r[3]).sum();
            return new Round(clients, ok.length, all.size() - ok.length, seconds, ok.length / seconds,
                    new double[] {percentile(first, 0.5), percentile(first, 0.9)},
                    new double[] {percentile(total, 0.5), percentile(total, 0.9)},
                    prompt == 0 ? 0 : cached / (double) prompt, all.isEmpty() ? 0 : prompt / (double) all.size());
        }
    }

    /** One writer: {first text ns, total ns, prompt tokens, cached tokens} per request; -1 when it failed. */
    private List<long[]> type(String fileName, String base, String typed, String user) {
        PromptOptions options = PromptOptions.defaults().withBudget(budget, TokenEstimate::of);
        List<long[]> results = new ArrayList<>();
        for (int k = 0; k <= typed.length(); k++) {
            String text = base + typed.substring(0, k);
            DialogueDocument doc = Dialogue.parse(fileName, text);
            int line = doc.lines().size() - 1;
            String prompt = PromptBuilder.build(doc, line, doc.line(line).length(), options).text();
            CompletionRequest request = new CompletionRequest(model, List.of(CompletionRequest.Prompt.of(prompt)), tokens,
                    0f, 0, 1f, 0f, 1f, CompletionRequest.DEFAULT_REPEAT_LAST_N, null, List.of(), 1, true, true, true, user);
            long start = System.nanoTime();
            long[] r = {-1, -1, 0, 0};
            try {
                client.complete(request, chunk -> {
                    if (r[0] < 0 && chunk.choices().stream().anyMatch(c -> !c.text().isEmpty())) {
                        r[0] = System.nanoTime() - start;
                    }
                    CompletionChunk.Usage u = chunk.usage();
                    if (u != null) {
                        r[2] = u.promptTokens();
                        r[3] = u.cachedTokens();
                    }
                    return true;
                }, Cancellation.NONE);
                r[1] = System.nanoTime() - start;
                if (r[0] < 0) r[0] = r[1];
            } catch (RuntimeException e) {
                r[0] = -1;
            }
            results.add(r);
        }
        return results;
    }

    /**
     * Where each writer works: the document up to the end of a different line (the last speech
     * there goes on as they type), so that their prompts differ.
     */
    static List<String> parts(String text, int clients) {
        String body = text.stripTrailing();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int at = (int) ((long) body.length() * (i + 1) / clients);
            int end = body.indexOf('\n', Math.min(at, body.length()));
            parts.add(end < 0 ? body : body.substring(0, end).stripTrailing());
        }
        return parts;
    }

    static double percentile(double[] values, double p) {
        if (values.length == 0) return Double.NaN;
        double[] v = values.clone();
        Arrays.sort(v);
        return v[Math.min(v.length - 1, Math.max(0, (int) Math.ceil(p * v.length) - 1))];
    }
}

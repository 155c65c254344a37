package org.replique.server.model;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.replique.engine.model.Model;
import org.replique.server.config.ServerSettings.ModelSettings;
import org.replique.server.generation.TimeLimit;
import org.replique.server.hub.ModelReference;
import org.replique.server.remote.Backoff;
import org.replique.server.remote.OpenAiClient;
import org.replique.server.remote.RemoteContinuations;
import org.replique.server.remote.RemoteEndpoint;
import org.replique.server.remote.RemoteException;
import org.replique.server.remote.RemoteTokenCounter;

/**
 * A model on an OpenAI-compatible server, made ready to serve: the API key from the environment
 * variable the settings name, the server's models (which one, and its context length), and how
 * prompts are counted — with the model's own tokenizer when its files are here
 * ({@code model.path}), else with the server's {@code /tokenize}, else by estimate.
 */
final class RemoteModels {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Silence after which a streaming server counts as stalled (a time budget usually ends a request first). */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * A connected model, and what the first look at the server found wrong (null when nothing):
     * the model is used either way, and a later answer clears the problem.
     */
    record Connected(LoadedModel model, RemoteException problem, String note) {}

    private RemoteModels() {}

    /**
     * Connects; throws {@link IllegalArgumentException} when the settings cannot work (the key's
     * variable is not set). {@code environment} reads environment variables.
     */
    static Connected connect(ModelSettings s, UnaryOperator<String> environment, RemoteContinuations.Health health) {
        String key = null;
        if (s.apiKeyEnv() != null) {
            key = environment.apply(s.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("the environment variable " + s.apiKeyEnv() + " (model.apiKeyEnv) is"
                        + " not set in the environment the editor started the server with");
            }
            key = key.strip();
        }
        RemoteEndpoint endpoint = RemoteEndpoint.of(s.endpoint(), key);
        OpenAiClient client = new OpenAiClient(endpoint, CONNECT_TIMEOUT, IDLE_TIMEOUT);
        try {
            RemoteException problem = null;
            List<OpenAiClient.ModelInfo> models = List.of();
            try {
                models = client.models(TimeLimit.of(PROBE_TIMEOUT));
            } catch (RemoteException e) {
                problem = e;
            } catch (java.util.concurrent.CancellationException e) {
                problem = new RemoteException(RemoteException.Kind.TIMEOUT, endpoint + " did not list its models within "
                        + PROBE_TIMEOUT.toSeconds() + " s");
            }
            String name = s.name() != null ? s.name() : models.isEmpty() ? null : models.getFirst().id();
            Integer serverContext = null;
            if (name != null && problem == null) {
                String wanted = name;
                var match = models.stream().filter(m -> m.id().equals(wanted)).findFirst();
                if (match.isPresent()) {
                    serverContext = match.get().maxModelLen();
                } else {
                    problem = new RemoteException(RemoteException.Kind.NOT_FOUND, endpoint + " serves "
                            + String.join(", ", models.stream().map(OpenAiClient.ModelInfo::id).toList()) + ", not '" + name
                            + "': set model.name to one of them");
                }
            }
            int context = serverContext != null ? Math.min(serverContext, s.contextLength()) : s.contextLength();

            TokenCounts counts;
            String counting;
            if (s.path() != null) {
                counts = new TokenCounts(Model.loadTokenizer(ModelReference.resolve(s.path())));
                counting = "tokenizer of " + s.path();
            } else if (problem == null && serverTokenizes(client, name)) {
                counts = new TokenCounts(new RemoteTokenCounter(client, name));
                counting = "the server's /tokenize";
            } else {
                counts = new TokenCounts(org.replique.server.generation.TokenEstimate::of);
                counting = "estimates";
            }
            String note = counting.equals("estimates") ? "prompt token counts are estimated: set replique.model.path to"
                    + " the model's GGUF (or OWNER/NAME) for exact prompt budgets" : null;
            RemoteContinuations continuations = new RemoteContinuations(client, name, context, Backoff.DEFAULT, health);
            LoadedModel.Description d = new LoadedModel.Description(name != null ? name : "the server's model",
                    endpoint.toString(), 0, "remote, token counts from " + counting, 0, false);
            return new Connected(new LoadedModel(continuations, counts, d, null), problem, note);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static boolean serverTokenizes(OpenAiClient client, String model) {
        try {
            return client.tokenCount(model, "Réplique", TimeLimit.of(PROBE_TIMEOUT)) > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }
}

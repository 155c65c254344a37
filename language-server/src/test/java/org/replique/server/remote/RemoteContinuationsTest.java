package org.replique.server.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.replique.server.http.HttpServerFixture.eventually;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.StopReason;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.model.EmbeddedModel;
import org.replique.engine.model.Model;
import org.replique.engine.sampling.SamplingParams;
import org.replique.engine.session.CompletionSession;
import org.replique.server.generation.Continued;
import org.replique.server.generation.PromptInput;
import org.replique.server.generation.TimeLimit;
import org.replique.server.http.HttpServerFixture;
import org.replique.server.remote.RemoteException.Kind;
import org.replique.server.remote.ScriptedHttpServer.Stall;
import org.replique.server.remote.ScriptedHttpServer.Status;
import org.replique.server.remote.ScriptedHttpServer.Stream;

/**
 * The remote backend over a real HTTP round trip on 127.0.0.1: against {@code serve --http} for
 * what a healthy server gives, and against a scripted server for what failing ones do.
 */
class RemoteContinuationsTest {
    private static final String PROMPT = "[Alceste:] Je veux qu'on soit sincère, et qu'en homme d'honneur,\n[Philinte:]";
    private static final Backoff QUICK = new Backoff(4, Duration.ofMillis(20), Duration.ofMillis(100));

    /** What the status would be told. */
    static final class Recorder implements RemoteContinuations.Health {
        final List<RemoteException> failures = Collections.synchronizedList(new ArrayList<>());
        volatile int answered;

        @Override
        public void failed(RemoteException e) {
            failures.add(e);
        }

        @Override
        public void answered() {
            answered++;
        }
    }

    private static RemoteContinuations remote(String url, String key, Duration idle, Recorder health) {
        return new RemoteContinuations(new OpenAiClient(RemoteEndpoint.of(url, key), Duration.ofSeconds(2), idle),
                null, 512, QUICK, health);
    }

    private static GenerationRequest request(int maxTokens, List<String> stops) {
        return new GenerationRequest(SamplingParams.modelCard(11), maxTokens, true, stops, 1);
    }

    @Test
    void theTextStreamsToTheListenerAndIsTheEnginesOwn() throws Exception {
        GenerationRequest r = new GenerationRequest(SamplingParams.modelCard(11), 24, true, List.of("\n"), 2);
        String[] local = new String[2];
        try (Model model = Model.load(EmbeddedModel.path());
             var backend = Backends.create("cpu", model, new BackendOptions(1, "auto"));
             CompletionSession session = new CompletionSession(backend, 512)) {
            var result = session.complete(model.tokenizer().encode(PROMPT), r, TokenListener.NONE, Cancellation.NONE);
            for (int i = 0; i < 2; i++) local[i] = result.generation().completions().get(i).text();
        }
        Recorder health = new Recorder();
        StringBuilder[] streamed = {new StringBuilder(), new StringBuilder()};
        try (HttpServerFixture f = HttpServerFixture.start(1, 4, 2, 0);
             RemoteContinuations remote = remote(f.baseUrl(), null, Duration.ofSeconds(10), health)) {
            Continued c = remote.supersede("doc", PromptInput.text(PROMPT), r,
                    (candidate, token, text) -> streamed[candidate].append(text), Cancellation.NONE);
            assertThat(c.completions()).extracting(x -> x.text()).containsExactly(local[0], local[1]);
            assertThat(streamed[0].toString()).isEqualTo(local[0]);
            assertThat(streamed[1].toString()).isEqualTo(local[1]);
            assertThat(c.cost().promptTokens()).isGreaterThan(10);
            assertThat(health.answered).isEqualTo(1);
            assertThat(health.failures).isEmpty();
        }
    }

    @Test
    void cancellingMidStreamClosesTheStreamAndTheServerStopsGenerating() throws Exception {
        Recorder health = new Recorder();
        try (HttpServerFixture f = HttpServerFixture.start(1, 4, 2, 20);
             RemoteContinuations remote = remote(f.baseUrl(), null, Duration.ofSeconds(10), health)) {
            Cancellation cancel = new Cancellation();
            int[] pieces = {0};
            GenerationRequest longer = request(300, List.of()).withStopAtEos(false);
            Continued c = remote.supersede("doc", PromptInput.text(PROMPT), longer, (candidate, token, text) -> {
                if (++pieces[0] == 3) cancel.cancel(); // a newer keystroke
            }, cancel);
            assertThat(c.first().stopReason()).isEqualTo(StopReason.CANCELLED);
            assertThat(c.first().text()).isNotEmpty();
            assertThat(eventually(() -> f.server.stats().abandoned() == 1, 10)).as("the server saw the stream close").isTrue();
            long passes = f.paced.passes();
            Thread.sleep(300);
            assertThat(f.paced.passes()).isEqualTo(passes);
            assertThat(f.server.stats().generatedTokens()).isLessThan(60);
        }
    }

    @Test
    void warmingNeverCancelsARunningRequest() throws Exception {
        try (HttpServerFixture f = HttpServerFixture.start(2, 4, 4, 40);
             RemoteContinuations remote = remote(f.baseUrl(), null, Duration.ofSeconds(10), new Recorder())) {
            GenerationRequest ten = request(10, List.of()).withStopAtEos(false);
            java.util.concurrent.CountDownLatch generating = new java.util.concurrent.CountDownLatch(1);
            var running = java.util.concurrent.CompletableFuture.supplyAsync(() -> remote.supersede("doc",
                    PromptInput.text(PROMPT), ten, (candidate, token, text) -> generating.countDown(), Cancellation.NONE));
            generating.await();
            long start = System.nanoTime();
            remote.warm("doc", PromptInput.text(PROMPT), Cancellation.NONE); // the document was reopened, say
            assertThat((System.nanoTime() - start) / 1e6).as("nothing to warm while a request works").isLessThan(200);
            assertThat(running.get().first().stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        }
    }

    @Test
    void aStopStringTheServerLeavesInIsCutHereAndTheStreamClosed() throws Exception {
        Recorder health = new Recorder();
        try (ScriptedHttpServer s = new ScriptedHttpServer()
                .then(new Stream(List.of(" Bonjour", " tout\nle", " monde"), "length"));
             RemoteContinuations remote = remote(s.baseUrl(), null, Duration.ofSeconds(5), health)) {
            StringBuilder seen = new StringBuilder();
            Continued c = remote.supersede("doc", PromptInput.text("[A:]"), request(20, List.of("\n")),
                    (candidate, token, text) -> seen.append(text), Cancellation.NONE);
            assertThat(c.first().text()).isEqualTo(" Bonjour tout");
            assertThat(c.first().stopReason()).isEqualTo(StopReason.STOP_STRING);
            assertThat(seen.toString()).isEqualTo(" Bonjour tout");
        }
    }

    @Test
    void theRequestCarriesTheSamplingTheStopsTheCandidatesAndTheKey() throws Exception {
        try (ScriptedHttpServer s = new ScriptedHttpServer().then(new Stream(List.of(" oui"), "stop"));
             RemoteContinuations remote = remote(s.baseUrl(), "sk-room", Duration.ofSeconds(5), new Recorder())) {
            GenerationRequest r = new GenerationRequest(new SamplingParams(0.8f, 10, 0.95f, 0.05f, 1.1f, 64, 42), 30, true,
                    List.of("\n"), 3);
            remote.supersede("file:///secret/scene.fountain", PromptInput.text("[A:]"), r, TokenListener.NONE,
                    Cancellation.NONE);
            var body = com.google.gson.JsonParser.parseString(s.requests.getFirst()).getAsJsonObject();
            assertThat(body.get("prompt").getAsString()).isEqualTo("[A:]");
            assertThat(body.get("max_tokens").getAsInt()).isEqualTo(30);
            assertThat(body.get("temperature").getAsFloat()).isEqualTo(0.8f);
            assertThat(body.get("top_k").getAsInt()).isEqualTo(10);
            assertThat(body.get("top_p").getAsFloat()).isEqualTo(0.95f);
            assertThat(body.get("min_p").getAsFloat()).isEqualTo(0.05f);
            assertThat(body.get("repeat_penalty").getAsFloat()).isEqualTo(1.1f);
            assertThat(body.get("repetition_penalty").getAsFloat()).isEqualTo(1.1f);
            assertThat(body.get("seed").getAsLong()).isEqualTo(42);
            assertThat(body.getAsJsonArray("stop").get(0).getAsString()).isEqualTo("\n");
            assertThat(body.get("n").getAsInt()).isEqualTo(3);
            assertThat(body.get("stream").getAsBoolean()).isTrue();
            assertThat(body.getAsJsonObject("stream_options").get("include_usage").getAsBoolean()).isTrue();
            assertThat(body.get("user").getAsString()).startsWith("replique-").doesNotContain("secret");
            assertThat(s.authorizations.getFirst()).isEqualTo("Bearer sk-room");
        }
    }

    @Test
    void aRefusedKeyIsReportedAtOnceAndNotTriedAgain() throws Exception {
        Recorder health = new Recorder();
        try (ScriptedHttpServer s = new ScriptedHttpServer()
                .then(new Status(401, "{\"error\":{\"message\":\"Invalid API key\",\"type\":\"invalid_request_error\"}}", null));
             RemoteContinuations remote = remote(s.baseUrl(), null, Duration.ofSeconds(5), health)) {
            assertThatThrownBy(() -> remote.supersede("doc", PromptInput.text("[A:]"), request(8, List.of()),
                    TokenListener.NONE, Cancellation.NONE))
                    .isInstanceOfSatisfying(RemoteException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("401").contains("Invalid API key").contains("model.apiKeyEnv");
                    });
            assertThat(s.requests).hasSize(1);
            assertThat(health.failures).extracting(RemoteException::kind).containsExactly(Kind.UNAUTHORIZED);
        }
    }

    @Test
    void anUnknownModelOrPathSaysWhichSettingToCheck() throws Exception {
        try (ScriptedHttpServer s = new ScriptedHttpServer()
                .then(new Status(404, "{\"detail\":\"The model `claire` does not exist.\"}", null));
             RemoteContinuations remote = remote(s.baseUrl(), null, Duration.ofSeconds(5), new Recorder())) {
            assertThatThrownBy(() -> remote.supersede("doc", PromptInput.text("[A:]"), request(8, List.of()),
                    TokenListener.NONE, Cancellation.NONE))
                    .isInstanceOfSatisfying(RemoteException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
                        assertThat(e.getMessage()).contains("does not exist").contains("model.name");
                    });
            assertThat(s.requests).hasSize(1);
        }
    }

    @Test
    void aBusyOrFailingServerIsTriedAgainWithBackoffUntilItAnswers() throws Exception {
        Recorder health = new Recorder();
        try (ScriptedHttpServer s = new ScriptedHttpServer()
                .then(new Status(429, "{\"error\":{\"message\":\"slow down\"}}", "0"))
                .then(new Status(503, "{\"error\":{\"message\":\"queue full\"}}", null))
                .then(new Status(502, "<html>Bad Gateway</html>", null))
                .then(new Stream(List.of(" enfin"), "stop"));
             RemoteContinuations remote = remote(s.baseUrl(), null, Duration.ofSeconds(5), health)) {
            Continued c = remote.supersede("doc", PromptInput.text("[A:]"), request(8, List.of()), TokenListener.NONE,
                    Cancellation.NONE);
            assertThat(c.first().text()).isEqualTo(" enfin");
            assertThat(s.requests).hasSize(4);
            assertThat(health.failures).extracting(RemoteException::kind)
                    .containsExactly(Kind.RATE_LIMITED, Kind.SERVER_ERROR, Kind.SERVER_ERROR);
            assertThat(health.answered).isEqualTo(1);
        }
    }

    @Test
    void aServerThatKeepsFailingGivesUpAfterTheAttempts() throws Exception {
        try (ScriptedHttpServer s = new ScriptedHttpServer();
             RemoteContinuations remote = remote(s.baseUrl(), null, Duration.ofSeconds(5), new Recorder())) {
            for (int i = 0; i < 6; i++) s.then(new Status(500, "{\"error\":{\"message\":\"CUDA out of memory\"}}", null));
            assertThatThrownBy(() -> remote.supersede("doc", PromptInput.text("[A:]"), request(8, List.of()),
                    TokenListener.NONE, Cancellation.NONE))
                    .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.getMessage()).contains("CUDA out of memory"));
            assertThat(s.requests).hasSize(QUICK.attempts());
        }
    }

    @Test
    void aStallingServerCannotHoldARequestBeyondItsBudget() throws Exception {
        Recorder health = new Recorder();
        try (ScriptedHttpServer s = new ScriptedHttpServer().then(new Stall());
             RemoteContinuations remote = remote(s.baseUrl(), null, Duration.ofSeconds(30), health)) {
            long start = System.nanoTime();
            Duration budget = RemoteContinuations.REPORTED_SILENCE.plusMillis(200);
            assertThatThrownBy(() -> remote.supersede("doc", PromptInput.text("[A:]"), request(8, List.of()),
                    TokenListener.NONE, TimeLimit.of(budget))).isInstanceOf(CancellationException.class);
            double ms = (System.nanoTime() - start) / 1e6;
            assertThat(ms).isBetween((double) budget.toMillis(), budget.toMillis() + 1500.0);
            assertThat(health.failures).extracting(RemoteException::kind).containsExactly(Kind.TIMEOUT);
            assertThat(health.failures.getFirst().getMessage()).contains("sent nothing");
        }
    }

    @Test
    void aServerSilentLongerThanTheIdleTimeoutCountsAsStalled() throws Exception {
        Recorder health = new Recorder();
        try (ScriptedHttpServer s = new ScriptedHttpServer().then(new Stall()).then(new Stall());
             RemoteContinuations remote = new RemoteContinuations(new OpenAiClient(RemoteEndpoint.of(s.baseUrl(), null),
                     Duration.ofSeconds(2), Duration.ofMillis(300)), null, 512,
                     new Backoff(2, Duration.ofMillis(10), Duration.ofMillis(10)), health)) {
            assertThatThrownBy(() -> remote.supersede("doc", PromptInput.text("[A:]"), request(8, List.of()),
                    TokenListener.NONE, Cancellation.NONE))
                    .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
            assertThat(s.requests).hasSize(2); // a stall is transient: tried once more
        }
    }

    @Test
    void aSlowPromptIsNotASilentServer() throws Exception {
        // Each forward pass takes longer than the client's silence timeout: the server's heartbeat
        // comments keep the stream alive until the text comes.
        Recorder health = new Recorder();
        try (HttpServerFixture f = HttpServerFixture.start(1, 4, 2, 2500);
             RemoteContinuations remote = new RemoteContinuations(new OpenAiClient(RemoteEndpoint.of(f.baseUrl(), null),
                     Duration.ofSeconds(2), Duration.ofMillis(1700)), null, 512, new Backoff(1, Duration.ZERO,
                     Duration.ZERO), health)) {
            Continued c = remote.supersede("doc", PromptInput.text(PROMPT), request(2, List.of()).withStopAtEos(false),
                    TokenListener.NONE, Cancellation.NONE);
            assertThat(c.first().text()).isNotEmpty();
            assertThat(health.failures).isEmpty();
        }
    }

    @Test
    void anUnreachableServerSaysSo() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Recorder health = new Recorder();
        try (RemoteContinuations remote = remote("http://127.0.0.1:" + port + "/v1", null, Duration.ofSeconds(5), health)) {
            assertThatThrownBy(() -> remote.supersede("doc", PromptInput.text("[A:]"), request(8, List.of()),
                    TokenListener.NONE, Cancellation.NONE))
                    .isInstanceOfSatisfying(RemoteException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
                        assertThat(e.getMessage()).contains("connection refused");
                    });
            assertThat(health.failures).hasSize(QUICK.attempts());
        }
    }
}

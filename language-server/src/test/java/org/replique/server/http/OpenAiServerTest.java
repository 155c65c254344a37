package org.replique.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.replique.server.http.HttpServerFixture.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --http} as an OpenAI client library expects it: the shapes of {@code /v1/models},
 * of a completion and of its stream ({@code data: {…}} events, a {@code finish_reason} per choice,
 * the usage, {@code data: [DONE]}), errors as {@code {"error": {…}}} with the right status.
 */
class OpenAiServerTest {
    private static final String PROMPT = "[Alceste:] Je veux qu'on soit sincère, et qu'en homme d'honneur,\n[Philinte:]";
    private static HttpServerFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = HttpServerFixture.start(2, 8, 4, 0);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static JsonObject request(int maxTokens, long seed) {
        JsonObject o = new JsonObject();
        o.addProperty("model", HttpServerFixture.MODEL);
        o.addProperty("prompt", PROMPT);
        o.addProperty("max_tokens", maxTokens);
        o.addProperty("seed", seed);
        return o;
    }

    /** The data of every event of a stream, checking the framing: {@code data: } lines, blank-line separated. */
    private static List<String> events(InputStream body) throws Exception {
        List<String> events = new ArrayList<>();
        try (BufferedReader in = HttpServerFixture.lines(body)) {
            String line;
            boolean expectBlank = false;
            while ((line = in.readLine()) != null) {
                if (expectBlank) {
                    assertThat(line).as("an event ends with a blank line").isEmpty();
                    expectBlank = false;
                    continue;
                }
                if (line.startsWith(":")) continue; // a comment (keep-alive while waiting)
                assertThat(line).startsWith("data: ");
                events.add(line.substring("data: ".length()));
                expectBlank = true;
            }
        }
        return events;
    }

    @Test
    void theModelsListHasTheServedModelAndItsContext() throws Exception {
        HttpResponse<String> r = f.get("/v1/models");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject list = json(r.body());
        assertThat(list.get("object").getAsString()).isEqualTo("list");
        JsonObject model = list.getAsJsonArray("data").get(0).getAsJsonObject();
        assertThat(model.get("id").getAsString()).isEqualTo(HttpServerFixture.MODEL);
        assertThat(model.get("object").getAsString()).isEqualTo("model");
        assertThat(model.get("owned_by").getAsString()).isNotEmpty();
        assertThat(model.get("created").getAsLong()).isPositive();
        assertThat(model.get("max_model_len").getAsInt()).isEqualTo(512);
    }

    @Test
    void aCompletionHasTheShapeTheApiDocuments() throws Exception {
        HttpResponse<String> r = f.post("/v1/completions", request(12, 7));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonObject o = json(r.body());
        assertThat(o.get("id").getAsString()).startsWith("cmpl-");
        assertThat(o.get("object").getAsString()).isEqualTo("text_completion");
        assertThat(o.get("created").getAsLong()).isPositive();
        assertThat(o.get("model").getAsString()).isEqualTo(HttpServerFixture.MODEL);
        JsonObject choice = o.getAsJsonArray("choices").get(0).getAsJsonObject();
        assertThat(choice.get("index").getAsInt()).isZero();
        assertThat(choice.get("text").getAsString()).isNotEmpty();
        assertThat(choice.has("logprobs") && choice.get("logprobs").isJsonNull()).isTrue();
        assertThat(choice.get("finish_reason").getAsString()).isIn("stop", "length");
        JsonObject usage = o.getAsJsonObject("usage");
        int prompt = usage.get("prompt_tokens").getAsInt();
        int completion = usage.get("completion_tokens").getAsInt();
        assertThat(prompt).isGreaterThan(10);
        assertThat(completion).isBetween(1, 12);
        assertThat(usage.get("total_tokens").getAsInt()).isEqualTo(prompt + completion);
        if (completion == 12) assertThat(choice.get("finish_reason").getAsString()).isEqualTo("length");
    }

    @Test
    void aStreamIsDataEventsEndedByDoneWithAFinishReasonAndTheUsage() throws Exception {
        JsonObject body = request(16, 7);
        body.addProperty("stream", true);
        JsonObject options = new JsonObject();
        options.addProperty("include_usage", true);
        body.add("stream_options", options);
        HttpResponse<InputStream> r = f.stream("/v1/completions", body);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<String> events = events(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        List<JsonObject> chunks = events.subList(0, events.size() - 1).stream().map(HttpServerFixture::json).toList();
        String id = chunks.getFirst().get("id").getAsString();
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (JsonObject c : chunks.subList(0, chunks.size() - 1)) {
            assertThat(c.get("id").getAsString()).isEqualTo(id);
            assertThat(c.get("object").getAsString()).isEqualTo("text_completion");
            assertThat(c.get("usage").isJsonNull()).as("chunks before the last carry usage: null").isTrue();
            JsonObject choice = c.getAsJsonArray("choices").get(0).getAsJsonObject();
            assertThat(finish).as("nothing follows a choice's finish_reason").isNull();
            text.append(choice.get("text").getAsString());
            if (!choice.get("finish_reason").isJsonNull()) finish = choice.get("finish_reason").getAsString();
        }
        assertThat(finish).isIn("stop", "length");
        JsonObject last = chunks.getLast();
        assertThat(last.getAsJsonArray("choices")).isEmpty();
        assertThat(last.getAsJsonObject("usage").get("completion_tokens").getAsInt()).isBetween(1, 16);

        // The same request unstreamed gives the same text.
        JsonObject whole = json(f.post("/v1/completions", request(16, 7)).body());
        assertThat(text.toString()).isEqualTo(whole.getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString());
    }

    @Test
    void aStopStringEndsTheChoiceBeforeItWithFinishReasonStop() throws Exception {
        JsonObject free = request(40, 3);
        free.addProperty("ignore_eos", true);
        String text = json(f.post("/v1/completions", free).body()).getAsJsonArray("choices").get(0).getAsJsonObject()
                .get("text").getAsString();
        String stop = text.substring(4, 6);
        JsonObject stopped = request(40, 3);
        stopped.addProperty("ignore_eos", true);
        stopped.addProperty("stop", stop);
        JsonObject choice = json(f.post("/v1/completions", stopped).body()).getAsJsonArray("choices").get(0).getAsJsonObject();
        assertThat(choice.get("text").getAsString()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(choice.get("finish_reason").getAsString()).isEqualTo("stop");
        assertThat(choice.get("stop_reason").getAsString()).isEqualTo(stop);
    }

    @Test
    void choicesAreIndexedPromptTimesNPlusCandidateAndCandidatesDiffer() throws Exception {
        JsonObject o = request(12, 5);
        JsonArray prompts = new JsonArray();
        prompts.add(PROMPT);
        prompts.add("[Célimène:] Vous");
        o.add("prompt", prompts);
        o.addProperty("n", 2);
        JsonObject answer = json(f.post("/v1/completions", o).body());
        JsonArray choices = answer.getAsJsonArray("choices");
        assertThat(choices).hasSize(4);
        for (int i = 0; i < 4; i++) assertThat(choices.get(i).getAsJsonObject().get("index").getAsInt()).isEqualTo(i);
        // Candidate 1 of the first prompt is what a single request with the next seed draws.
        JsonObject single = request(12, 6);
        String second = json(f.post("/v1/completions", single).body()).getAsJsonArray("choices").get(0).getAsJsonObject()
                .get("text").getAsString();
        assertThat(choices.get(1).getAsJsonObject().get("text").getAsString()).isEqualTo(second);
    }

    @Test
    void aPromptOfTokenIdsContinuesLikeItsText() throws Exception {
        JsonObject tokenize = new JsonObject();
        tokenize.addProperty("prompt", PROMPT);
        JsonArray ids = json(f.post("/tokenize", tokenize).body()).getAsJsonArray("tokens");
        JsonObject byIds = request(12, 9);
        byIds.add("prompt", ids);
        JsonObject byText = request(12, 9);
        assertThat(json(f.post("/v1/completions", byIds).body()).getAsJsonArray("choices"))
                .isEqualTo(json(f.post("/v1/completions", byText).body()).getAsJsonArray("choices"));
    }

    @Test
    void theTokenizerAnswersVllmAndLlamaServerAlike() throws Exception {
        JsonObject vllm = new JsonObject();
        vllm.addProperty("prompt", "Bonjour Alceste");
        JsonObject llama = new JsonObject();
        llama.addProperty("content", "Bonjour Alceste");
        JsonArray withBos = json(f.post("/tokenize", vllm).body()).getAsJsonArray("tokens");
        JsonArray withoutBos = json(f.post("/tokenize", llama).body()).getAsJsonArray("tokens");
        // vLLM adds special tokens by default, llama-server does not.
        assertThat(withBos.size()).isEqualTo(withoutBos.size() + 1);
        assertThat(withBos.get(0).getAsInt()).isEqualTo(1);
        vllm.addProperty("add_special_tokens", false);
        assertThat(json(f.post("/tokenize", vllm).body()).getAsJsonArray("tokens")).isEqualTo(withoutBos);
    }

    @Test
    void badRequestsAre400NamingTheField() throws Exception {
        String[][] cases = {
            {"{\"prompt\": \"x\", \"temperature\": -1}", "temperature"},
            {"{\"max_tokens\": 4}", "prompt"},
            {"{\"prompt\": \"x\", \"echo\": true}", "echo"},
            {"{\"prompt\": \"x\", \"n\": 0}", "n"},
            {"{\"prompt\": \"x\", \"stop\": 4}", "stop"},
            {"{\"prompt\": [99999999]}", "prompt"},
            {"{\"prompt\": \"x\", \"presence_penalty\": 0.5}", "presence_penalty"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = f.post("/v1/completions", json(c[0]));
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            JsonObject error = json(r.body()).getAsJsonObject("error");
            assertThat(error.get("type").getAsString()).isEqualTo("invalid_request_error");
            assertThat(error.get("param").getAsString()).as(c[0]).isEqualTo(c[1]);
            assertThat(error.get("message").getAsString()).isNotEmpty();
        }
        HttpResponse<String> notJson = f.http.send(f.request("/v1/completions")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{prompt")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(notJson.statusCode()).isEqualTo(400);
    }

    @Test
    void anUnknownModelIs404AWrongMethod405AndAnUnknownPath404() throws Exception {
        JsonObject o = request(4, 1);
        o.addProperty("model", "gpt-3.5-turbo-instruct");
        HttpResponse<String> r = f.post("/v1/completions", o);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r.body()).getAsJsonObject("error").get("code").getAsString()).isEqualTo("model_not_found");
        assertThat(f.get("/v1/completions").statusCode()).isEqualTo(405);
        assertThat(f.get("/v1/chat/completions").statusCode()).isEqualTo(404);
        JsonElement health = json(f.get("/health").body()).get("status");
        assertThat(health.getAsString()).isEqualTo("ok");
    }
}

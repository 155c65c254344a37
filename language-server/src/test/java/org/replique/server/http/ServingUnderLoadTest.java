package org.replique.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.replique.server.http.HttpServerFixture.eventually;
import static org.replique.server.http.HttpServerFixture.json;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A room of writers on one server: each keeps a KV cache of their own, a client that leaves stops
 * its generation, and a full queue is refused with 503 and {@code Retry-After} instead of waiting
 * without end.
 */
class ServingUnderLoadTest {
    /** Eight scenes that differ from their first words. */
    private static final String[] SCENES = {
        "[Alceste:] Moi, je veux me fâcher, et ne veux point entendre.\n[Philinte:]",
        "[Célimène:] Vous ne voulez, Monsieur, rien dire de ces gens ?\n[Alceste:]",
        "[Arsinoé:] L'amitié doit surtout éclater aux choses qui touchent nos amis.\n[Célimène:]",
        "[Oronte:] J'ai su là-bas que, pour quelques emplettes, Éliante est sortie.\n[Alceste:]",
        "[Éliante:] Pour moi, je vous dirai que la sincérité me plaît.\n[Philinte:]",
        "- Où étais-tu passé toute la nuit ?\n- ",
        "[Intervenant 1:] Alors on commence par la cuisine, d'accord ?\n[Intervenant 2:]",
        "[Madelon:] Ah ! mon père, voilà mon cousin qui vous dira comme moi.\n[Gorgibus:]",
    };

    private static JsonObject completion(String prompt, int maxTokens) {
        JsonObject o = new JsonObject();
        o.addProperty("prompt", prompt);
        o.addProperty("max_tokens", maxTokens);
        o.addProperty("temperature", 0);
        return o;
    }

    @Test
    void eightWritersTypingAtOnceEachFindTheirOwnCache() throws Exception {
        try (HttpServerFixture f = HttpServerFixture.start(4, 16, 8, 0);
             ExecutorService writers = Executors.newFixedThreadPool(8)) {
            List<Future<List<int[]>>> typed = new ArrayList<>();
            for (String scene : SCENES) {
                typed.add(writers.submit(() -> {
                    // Six keystrokes at the end of the scene, each asking for a suggestion.
                    List<int[]> usage = new ArrayList<>();
                    String text = scene;
                    for (char c : " Mais oui".substring(0, 6).toCharArray()) {
                        text += c;
                        HttpResponse<String> r = f.post("/v1/completions", completion(text, 3));
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                        JsonObject u = json(r.body()).getAsJsonObject("usage");
                        usage.add(new int[] {u.get("prompt_tokens").getAsInt(),
                                u.getAsJsonObject("prompt_tokens_details").get("cached_tokens").getAsInt()});
                    }
                    return usage;
                }));
            }
            for (Future<List<int[]>> writer : typed) {
                List<int[]> usage = writer.get();
                assertThat(usage.getFirst()[1]).as("a new scene finds nothing of its own in the cache").isLessThan(3);
                for (int[] u : usage.subList(1, usage.size())) {
                    // The previous keystroke's prompt is in the cache: only the last few tokens are evaluated.
                    assertThat(u[1]).as("cached of %d prompt tokens", u[0]).isGreaterThanOrEqualTo(u[0] - 3);
                }
            }
            assertThat(json(f.get("/health").body()).get("sessions").getAsInt()).isEqualTo(8);
            assertThat(f.server.stats().refused()).isZero();
        }
    }

    @Test
    void aClientThatLeavesMidStreamStopsItsGeneration() throws Exception {
        try (HttpServerFixture f = HttpServerFixture.start(1, 4, 2, 20)) {
            JsonObject o = completion(SCENES[0], 200);
            o.addProperty("ignore_eos", true);
            o.addProperty("stream", true);
            HttpResponse<InputStream> r = f.stream("/v1/completions", o);
            BufferedReader in = HttpServerFixture.lines(r.body());
            int events = 0;
            while (events < 3) {
                String line = in.readLine();
                if (line != null && line.startsWith("data: ")) events++;
            }
            in.close(); // the writer typed on: the client drops the stream

            assertThat(eventually(() -> f.server.stats().abandoned() == 1, 10)).as("the server noticed").isTrue();
            long passes = f.paced.passes();
            Thread.sleep(300);
            assertThat(f.paced.passes()).as("no forward pass after the client left").isEqualTo(passes);
            assertThat(f.server.stats().generatedTokens()).isLessThan(50);
            assertThat(f.server.stats().completed()).isZero();
            // The slot is free again.
            assertThat(f.post("/v1/completions", completion(SCENES[1], 2)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFullQueueIsRefusedAtOnceWith503AndRetryAfter() throws Exception {
        try (HttpServerFixture f = HttpServerFixture.start(1, 1, 2, 20);
             ExecutorService clients = Executors.newFixedThreadPool(2)) {
            JsonObject longer = completion(SCENES[0], 60);
            longer.addProperty("ignore_eos", true);
            Future<HttpResponse<String>> running = clients.submit(() -> f.post("/v1/completions", longer));
            assertThat(eventually(() -> f.paced.passes() > 0, 10)).isTrue();
            Future<HttpResponse<String>> waiting = clients.submit(() -> f.post("/v1/completions", completion(SCENES[1], 2)));
            assertThat(eventually(() -> json(get(f, "/health")).get("waiting").getAsInt() == 1, 10)).isTrue();

            long start = System.nanoTime();
            HttpResponse<String> refused = f.post("/v1/completions", completion(SCENES[2], 2));
            assertThat((System.nanoTime() - start) / 1e6).as("refused without waiting").isLessThan(1000);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                    v -> assertThat(Integer.parseInt(v)).isPositive());
            assertThat(json(refused.body()).getAsJsonObject("error").get("code").getAsString()).isEqualTo("queue_full");
            assertThat(running.get().statusCode()).isEqualTo(200);
            assertThat(waiting.get().statusCode()).isEqualTo(200);
            assertThat(f.server.stats().refused()).isEqualTo(1);
        }
    }

    private static String get(HttpServerFixture f, String path) {
        try {
            return f.get(path).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

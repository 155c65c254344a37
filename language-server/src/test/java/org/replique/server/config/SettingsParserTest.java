package org.replique.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** Client settings: every accepted wrapping, the defaults, and all-or-nothing validation. */
class SettingsParserTest {
    private static SettingsParser.Result parse(String json) {
        return SettingsParser.parse(JsonParser.parseString(json), ServerSettings.defaults());
    }

    @Test
    void defaultsFollowTheModelCard() {
        ServerSettings d = ServerSettings.defaults();
        assertThat(d.sampling().topK()).isEqualTo(10);
        assertThat(d.sampling().temperature()).isEqualTo(1.0f);
        assertThat(d.model().path()).isNull();
        assertThat(d.model().contextLength()).isEqualTo(4096);
    }

    @Test
    void acceptsTheThreeShapesClientsSend() {
        for (String json : new String[] {
            "{\"settings\": {\"replique\": {\"sampling\": {\"topK\": 5}}}}",
            "{\"replique\": {\"sampling\": {\"topK\": 5}}}",
            "{\"sampling\": {\"topK\": 5}}"}) {
            SettingsParser.Result r = parse(json);
            assertThat(r.valid()).as(json).isTrue();
            assertThat(r.settings().sampling().topK()).as(json).isEqualTo(5);
        }
    }

    @Test
    void absentKeysKeepTheirValueAndNullOrEmptyChangesNothing() {
        SettingsParser.Result r = parse("{\"completion\": {\"maxTokens\": 20}}");
        assertThat(r.settings().completion().maxTokens()).isEqualTo(20);
        assertThat(r.settings().completion().debounceMs()).isEqualTo(ServerSettings.defaults().completion().debounceMs());
        assertThat(SettingsParser.parse(null, ServerSettings.defaults()).settings()).isEqualTo(ServerSettings.defaults());
        assertThat(parse("{}").settings()).isEqualTo(ServerSettings.defaults());
    }

    @Test
    void anyInvalidValueRejectsTheWholeChangeAndNamesEachProblem() {
        SettingsParser.Result r = parse("{\"model\": {\"threads\": -1, \"path\": 3}, \"sampling\": {\"topK\": 7, \"topP\": 2},"
                + " \"completion\": {\"autoTrigger\": \"yes\"}, \"prompt\": {\"directions\": \"mumble\"}}");
        assertThat(r.valid()).isFalse();
        assertThat(r.settings()).isEqualTo(ServerSettings.defaults()); // topK 7 not applied either
        assertThat(r.problems()).containsExactlyInAnyOrder(
                "model.path must be a string, not 3",
                "model.threads must be between 0 and 256, not -1",
                "sampling.topP must be between 1.0E-4 and 1.0, not 2.0",
                "completion.autoTrigger must be true or false, not \"yes\"",
                "prompt.directions must be one of drop, keep, not 'mumble'");
    }

    @Test
    void weightsAreAsStoredOrQuantizedAtLoad() {
        assertThat(ServerSettings.defaults().model().weights()).isEmpty();
        SettingsParser.Result q8 = parse("{\"model\": {\"weights\": \"q8_0\"}}");
        assertThat(q8.valid()).isTrue();
        assertThat(q8.settings().model().weights()).isEqualTo("q8_0");
        assertThat(ServerSettings.defaults().needsReload(q8.settings())).isTrue();
        SettingsParser.Result wrong = parse("{\"model\": {\"weights\": \"q4_k\"}}");
        assertThat(wrong.valid()).isFalse();
        assertThat(wrong.problems()).containsExactly("model.weights must be q8_0, q4_0 or empty (as stored), not 'q4_k'");
    }

    @Test
    void anUnknownBackendIsRejected() {
        SettingsParser.Result r = parse("{\"model\": {\"backend\": \"abacus\"}}");
        assertThat(r.problems()).containsExactly("model.backend must be one of cpu, remote, tornadovm, not 'abacus'");
        assertThat(parse("{\"model\": {\"backend\": \"tornadovm\"}}").valid()).isTrue();
    }

    @Test
    void aSeedCanBeSetAndCleared() {
        SettingsParser.Result set = parse("{\"sampling\": {\"seed\": 42}}");
        assertThat(set.settings().sampling().seed()).isEqualTo(42L);
        SettingsParser.Result cleared = SettingsParser.parse(JsonParser.parseString("{\"sampling\": {\"seed\": null}}"), set.settings());
        assertThat(cleared.settings().sampling().seed()).isNull();
    }

    @Test
    void onlyModelChangesNeedAReload() {
        ServerSettings d = ServerSettings.defaults();
        assertThat(d.needsReload(parse("{\"sampling\": {\"topK\": 3}}").settings())).isFalse();
        assertThat(d.needsReload(parse("{\"model\": {\"threads\": 1}}").settings())).isTrue();
    }

    @Test
    void aRemoteModelNeedsAnEndpointAndKeepsItsKeyOutOfTheSettings() {
        SettingsParser.Result r = parse("{\"model\": {\"backend\": \"remote\", \"endpoint\": \"http://gpu-box:8000/v1/\","
                + " \"name\": \"OpenLLM-France/Claire-Mistral-7B-0.1\", \"apiKeyEnv\": \"REPLIQUE_API_KEY\"}}");
        assertThat(r.problems()).isEmpty();
        ServerSettings.ModelSettings m = r.settings().model();
        assertThat(m.remote()).isTrue();
        assertThat(m.endpoint()).isEqualTo("http://gpu-box:8000/v1");
        assertThat(m.name()).isEqualTo("OpenLLM-France/Claire-Mistral-7B-0.1");
        assertThat(m.apiKeyEnv()).isEqualTo("REPLIQUE_API_KEY");
        assertThat(ServerSettings.defaults().needsReload(r.settings())).isTrue();

        assertThat(parse("{\"model\": {\"backend\": \"remote\"}}").problems())
                .containsExactly("model.endpoint is required when model.backend is remote (e.g. http://gpu-box:8000/v1)");
        assertThat(parse("{\"model\": {\"endpoint\": \"gpu-box:8000\"}}").problems()).singleElement()
                .asString().startsWith("model.endpoint must be an http:// or https:// URL");
        assertThat(parse("{\"model\": {\"endpoint\": \"https://user:sk-123@gpu-box/v1\"}}").problems()).singleElement()
                .asString().contains("must not hold credentials");
        assertThat(parse("{\"model\": {\"apiKeyEnv\": \"sk-abc123-real-key\"}}").problems()).singleElement()
                .asString().contains("must name an environment variable");
        // Empty strings (a cleared setting in an editor) mean "none".
        SettingsParser.Result cleared = SettingsParser.parse(JsonParser.parseString(
                "{\"model\": {\"backend\": \"cpu\", \"endpoint\": \"\", \"name\": \"\", \"apiKeyEnv\": \"\"}}"), r.settings());
        assertThat(cleared.problems()).isEmpty();
        assertThat(cleared.settings().model().endpoint()).isNull();
        assertThat(cleared.settings().model().name()).isNull();
        assertThat(cleared.settings().model().apiKeyEnv()).isNull();
    }
}

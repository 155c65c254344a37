package org.replique.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Any JSON as client settings: new settings inside every documented bound, or the settings in
 * force kept with problems that each name the key at fault; never an exception.
 */
class SettingsFuzzTest {
    static Stream<Arguments> seeds() {
        return Stream.of(
                Arguments.of("{\"replique\":{\"model\":{\"path\":\"/models/claire.gguf\",\"threads\":4,\"contextLength\":"
                        + "2048,\"weights\":\"q8_0\",\"backend\":\"cpu\"},\"sampling\":{\"temperature\":0.7,\"topK\":40,"
                        + "\"topP\":0.9,\"minP\":0.05,\"repeatPenalty\":1.1,\"seed\":42}}}"),
                Arguments.of("{\"settings\":{\"replique\":{\"completion\":{\"maxTokens\":64,\"autoTrigger\":true,"
                        + "\"debounceMs\":150,\"timeBudgetMs\":3000,\"candidates\":3,\"automaticCandidates\":1,"
                        + "\"fallbackItem\":false}}}}"),
                Arguments.of("{\"prompt\":{\"speakerStyle\":\"dash\",\"characterVoice\":true,\"contextBudget\":1024,"
                        + "\"directions\":\"keep\"}}"),
                Arguments.of("{\"model\":{\"threads\":-1,\"contextLength\":1e300},\"sampling\":{\"seed\":\"x\"}}"));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void anySettingsAreAppliedWithinBoundsOrRefusedPerKey(@NotNull @WithUtf8Length(max = 4096) String text) {
        JsonElement json;
        try {
            json = JsonParser.parseString(text);
        } catch (RuntimeException e) {
            return; // not JSON: the protocol layer drops it before settings are read
        }
        ServerSettings base = ServerSettings.defaults();
        SettingsParser.Result r = SettingsParser.parse(json, base);
        if (!r.valid()) {
            assertThat(r.settings()).isSameAs(base);
            assertThat(r.problems()).allMatch(p -> p.matches("(?s)(settings|model|sampling|completion|prompt)\\b.*"),
                    "each problem names its key");
            return;
        }
        ServerSettings s = r.settings();
        assertThat(s.model().threads()).isBetween(0, 256);
        assertThat(s.model().contextLength()).isBetween(16, 131072);
        assertThat(s.model().weights()).isIn("", "q8_0", "q4_0");
        assertThat(s.model().backend()).isIn(SettingsParser.BACKENDS);
        assertThat(s.sampling().temperature()).isBetween(0f, 10f);
        assertThat(s.sampling().topK()).isBetween(0, 1_000_000);
        assertThat(s.sampling().topP()).isBetween(0.0001f, 1f);
        assertThat(s.sampling().minP()).isBetween(0f, 1f);
        assertThat(s.sampling().repeatPenalty()).isBetween(0.01f, 10f);
        assertThat(s.completion().maxTokens()).isBetween(1, 1000);
        assertThat(s.completion().debounceMs()).isBetween(0, 10_000);
        assertThat(s.completion().timeBudgetMs()).isBetween(50, 600_000);
        assertThat(s.completion().candidates()).isBetween(1, 10);
        assertThat(s.completion().automaticCandidates()).isBetween(1, 10);
        assertThat(s.prompt().speakerStyle()).isIn("names", "intervenant", "dash");
        assertThat(s.prompt().contextBudget()).isBetween(64, 131072);
        assertThat(s.prompt().directions()).isIn("drop", "keep");
    }
}

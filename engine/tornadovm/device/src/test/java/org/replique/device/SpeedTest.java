package org.replique.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;

/** The speed step measures what it says within its deadline, on any backend (here the CPU's). */
class SpeedTest {

    @Test
    void repetitionsReportPrefillAndDecodeRates() {
        try (Model model = Model.load(Fixtures.file("models/stories260K-f32.gguf"));
             Backend cpu = Backends.create("cpu", model, new BackendOptions(1, "auto"))) {
            Speed speed = new Speed(cpu, Comparisons.walkTokens(40, model.config().vocabSize()));
            JsonObject figures = speed.measure(10, 2, Deadline.in(60));
            assertThat(figures.get("repetitions").getAsInt()).isEqualTo(2);
            assertThat(figures.get("prompt_tokens").getAsInt()).isEqualTo(40);
            assertThat(figures.get("prefill_tok_s").getAsDouble()).isPositive();
            assertThat(figures.get("decode_tok_s").getAsDouble()).isPositive();
            assertThat(figures.getAsJsonArray("runs")).hasSize(2);
            assertThat(figures.getAsJsonArray("runs").get(0).getAsJsonObject().get("decoded_tokens").getAsInt())
                    .isEqualTo(10);
        }
    }

    @Test
    void aPassedDeadlineStopsDecodingAndFurtherRepetitions() {
        try (Model model = Model.load(Fixtures.file("models/stories260K-f32.gguf"));
             Backend cpu = Backends.create("cpu", model, new BackendOptions(1, "auto"))) {
            Speed speed = new Speed(cpu, Comparisons.walkTokens(16, model.config().vocabSize()));
            JsonObject figures = speed.measure(1000, 5, Deadline.in(0));
            assertThat(figures.get("repetitions").getAsInt()).isEqualTo(1);
            assertThat(figures.getAsJsonArray("runs").get(0).getAsJsonObject().get("decoded_tokens").getAsInt()).isZero();
            assertThat(speed.profile(4, 8)).as("the CPU backend does not time kernels").isNull();
        }
    }
}

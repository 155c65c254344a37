package org.replique.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;

class ThroughputBenchTest {

    @Test
    void reportsOneRunPerRepetitionWithMedians() {
        try (Model model = Model.load(Fixtures.file("models/stories260K-q8_0.gguf"));
             Backend backend = Backends.create("cpu", model, BackendOptions.defaults().withThreads(2))) {
            int[] prompt = SyntheticPrompt.tokens(12, 1, model.config().vocabSize());
            ThroughputBench.Result r = new ThroughputBench(backend).run(prompt, 5, 3, 1);
            assertThat(r.runs()).hasSize(3);
            assertThat(r.promptTokens()).isEqualTo(12);
            assertThat(r.generatedTokens()).isEqualTo(5);
            for (double v : r.promptRates()) assertThat(v).isPositive().isFinite();
            for (double v : r.generationRates()) assertThat(v).isPositive().isFinite();
            assertThat(r.promptMedian()).isEqualTo(Stats.median(r.promptRates()));
            assertThat(r.runs()[0].stateBytes()).isPositive();
        }
    }
}

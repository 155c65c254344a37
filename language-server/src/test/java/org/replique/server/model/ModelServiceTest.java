package org.replique.server.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.replique.server.config.ServerSettings;

/** Explicit requests wait for the model: {@code ready} completes when a load brings one, fails when none can come. */
class ModelServiceTest {

    @Test
    void aWaitBeforeTheFirstLoadEndsWithTheLoadedModelAndSeesItsProgress() {
        try (ModelService models = new ModelService()) {
            List<Integer> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<LoadedModel> ready = models.ready(seen::add);
            assertThat(ready).isNotDone();
            models.load(ServerSettings.defaults().model());
            assertThat(ready).succeedsWithin(Duration.ofSeconds(60)).isSameAs(models.current().orElseThrow());
            // The percentage as the wait began, then the load's own.
            assertThat(seen).startsWith(0).contains(100);
            // Once ready, at once.
            assertThat(models.ready(p -> {})).isCompletedWithValue(models.current().orElseThrow());
        }
    }

    @Test
    void aFailedLoadThatLeavesNoModelFailsTheWaitAndTheNextOnesAtOnce() {
        try (ModelService models = new ModelService()) {
            CompletableFuture<LoadedModel> ready = models.ready(p -> {});
            models.load(new ServerSettings.ModelSettings("/nowhere/absent.gguf", "cpu", 0, 256, "", "", "", "")).join();
            assertThat(ready).failsWithin(Duration.ofSeconds(10)).withThrowableThat().withMessageContaining("absent.gguf");
            assertThat(models.ready(p -> {})).isCompletedExceptionally();
        }
    }
}

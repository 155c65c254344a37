package org.replique.engine.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;

/**
 * The TornadoVM backend lives in its own module (engine/tornadovm), built and tested only where
 * TornadoVM is installed, and found at run time through {@link java.util.ServiceLoader}. The
 * engine alone has the CPU backend, and asking it for the TornadoVM one says what is missing.
 */
class TornadoBackendAvailabilityTest {

    @Test
    void theEngineAloneProvidesTheCpuBackendOnly() {
        assertThat(Backends.providers()).extracting(BackendProvider::name).containsExactly("cpu");
        if (System.getenv("TORNADOVM_HOME") == null || System.getenv("TORNADOVM_HOME").isBlank()) {
            // Said on the console: a build without TornadoVM does not test the GPU backend at all.
            System.out.println("SKIPPED TornadoVM backend tests: TornadoVM backend not built: TORNADOVM_HOME is not set;"
                    + " see engine/tornadovm/README.md");
        }
    }

    @Test
    void choosingTheTornadoVmBackendWithoutItSaysItIsNotBuilt() {
        try (Model model = Model.load(Fixtures.file("models/stories260K-f32.gguf"))) {
            assertThatThrownBy(() -> Backends.create("tornadovm", model, BackendOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unknown backend 'tornadovm' (available: cpu). The TornadoVM backend is built only"
                            + " when TornadoVM is installed (see the README).");
        }
    }
}

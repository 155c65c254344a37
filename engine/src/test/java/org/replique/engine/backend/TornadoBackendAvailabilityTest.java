package org.replique.engine.backend;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.replique.engine.model.Model;
import org.replique.fixtures.Fixtures;

/**
 * The TornadoVM backend lives in its own module (engine/tornadovm), built and tested only where
 * TornadoVM is installed. Here, without it, the skip says why, and choosing the backend says what
 * is missing.
 */
class TornadoBackendAvailabilityTest {

    private static Optional<BackendProvider> tornadoProvider() {
        return Backends.providers().stream().filter(p -> p.name().equals("tornadovm")).findFirst();
    }

    @Test
    void tornadoVmBackendIsTestedWhereTornadoVmIsInstalled() {
        String home = System.getenv("TORNADOVM_HOME");
        if (home == null || home.isBlank()) {
            // Said on the console too: a skip's reason otherwise only reaches the test reports.
            System.out.println("SKIPPED TornadoVM backend tests: TornadoVM backend not built: TORNADOVM_HOME is not set;"
                    + " see engine/tornadovm/README.md");
        }
        assumeTrue(home != null && !home.isBlank(), "TornadoVM backend not built: TORNADOVM_HOME is not set; see README");
        assumeTrue(tornadoProvider().isPresent(), "TornadoVM is installed (TORNADOVM_HOME=" + home + "): the backend is"
                + " built and tested in engine/tornadovm, whose tests run under TornadoVM's JVM argument file");
    }

    @Test
    void choosingTheTornadoVmBackendWithoutItSaysItIsNotBuilt() {
        assumeTrue(tornadoProvider().isEmpty(), "the TornadoVM backend is on this class path");
        try (Model model = Model.load(Fixtures.file("models/stories260K-f32.gguf"))) {
            assertThatThrownBy(() -> Backends.create("tornadovm", model, BackendOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown backend 'tornadovm'")
                    .hasMessageContaining("only when TornadoVM is installed");
        }
    }
}

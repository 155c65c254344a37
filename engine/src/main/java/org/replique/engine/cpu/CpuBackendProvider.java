package org.replique.engine.cpu;

import java.util.Optional;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.BackendProvider;
import org.replique.engine.kernel.ScalarKernels;
import org.replique.engine.model.Model;

/** The built-in CPU backend. */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public Backend create(Model model, BackendOptions options) {
        ScalarKernels kernels = new ScalarKernels();
        return new CpuBackend(model, kernels, "cpu, " + kernels.name() + " kernels, 1 thread");
    }
}

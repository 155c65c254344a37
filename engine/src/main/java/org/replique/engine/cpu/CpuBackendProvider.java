package org.replique.engine.cpu;

import java.util.Optional;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.BackendProvider;
import org.replique.engine.backend.WeightPlacement;
import org.replique.engine.kernel.Kernels;
import org.replique.engine.kernel.ScalarKernels;
import org.replique.engine.kernel.VectorKernels;
import org.replique.engine.model.Model;

/**
 * The built-in CPU backend. Kernels: {@code auto} (the default) takes the Vector API kernels when
 * the JVM has them and the scalar ones otherwise; {@code vector} insists on them; {@code scalar}
 * is the reference. Threads: one per physical core unless set.
 */
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
        Kernels kernels = kernels(options.kernels());
        int threads = options.threads() > 0 ? options.threads() : CpuTopology.physicalCores();
        WeightPlacement placement = CopiedWeights.resolve(options.placement(), model);
        String description = "cpu, " + kernels.name() + " kernels, " + threads + (threads == 1 ? " thread" : " threads")
                + ", " + options.kvType().wireName() + " KV cache, weights "
                + (placement == WeightPlacement.COPY ? "copied" : "mapped");
        return new CpuBackend(model, kernels, threads, options.kvType(), placement, description);
    }

    static Kernels kernels(String kind) {
        return switch (kind == null ? "auto" : kind) {
            case "auto" -> vectorKernelsRun() ? new VectorKernels() : new ScalarKernels();
            case "vector" -> {
                if (!vectorKernelsRun()) {
                    throw new IllegalStateException("the vector kernels need the jdk.incubator.vector module "
                            + "(--add-modules=jdk.incubator.vector) and vectors of at least 128 bits");
                }
                yield new VectorKernels();
            }
            case "scalar" -> new ScalarKernels();
            default -> throw new IllegalArgumentException("unknown kernels '" + kind + "' (auto, vector or scalar)");
        };
    }

    /** Whether the vector kernels can run: without the incubator module their class does not even load. */
    private static boolean vectorKernelsRun() {
        try {
            return VectorKernels.isSupported();
        } catch (LinkageError e) {
            return false;
        }
    }
}

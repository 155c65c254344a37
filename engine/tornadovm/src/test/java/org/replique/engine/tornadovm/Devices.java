package org.replique.engine.tornadovm;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.Backends;
import org.replique.engine.model.Model;

/**
 * Models and their backends, opened once per test JVM: building a device backend compiles its
 * kernels and uploads the weights, which the tests need not repeat. The CPU reference runs the
 * scalar kernels (the engine's reference arithmetic) on one thread.
 */
final class Devices {
    private static final Map<String, Opened> OPEN = new HashMap<>();

    record Opened(Model model, Backend device, Backend cpu) {}

    private Devices() {}

    /** {@code file} with the tornadovm and CPU backends; {@code window} ≥ 0 overrides its attention window. */
    static synchronized Opened open(Path file, int window) {
        return OPEN.computeIfAbsent(file + "#" + window, k -> {
            Model model = Model.load(file, window);
            Backend device = Backends.create("tornadovm", model, BackendOptions.defaults());
            Backend cpu = Backends.create("cpu", model, new BackendOptions(1, "scalar"));
            return new Opened(model, device, cpu);
        });
    }

    static Opened open(Path file) {
        return open(file, -1);
    }

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (Devices.class) {
                for (Opened o : OPEN.values()) {
                    o.device().close();
                    o.cpu().close();
                    o.model().close();
                }
            }
        }));
    }
}

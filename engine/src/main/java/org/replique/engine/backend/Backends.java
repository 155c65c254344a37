package org.replique.engine.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.replique.engine.model.Model;

/** Creates backends by name: {@code cpu} and whatever providers are on the class path. */
public final class Backends {
    private Backends() {}

    /** Every provider, the built-in CPU backend first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> all = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            all.add(p);
        }
        all.sort((a, b) -> a.name().equals("cpu") ? -1 : b.name().equals("cpu") ? 1 : a.name().compareTo(b.name()));
        return all;
    }

    /** Creates the named backend, or fails with a message saying what is missing. */
    public static Backend create(String name, Model model, BackendOptions options) {
        List<String> known = new ArrayList<>();
        for (BackendProvider p : providers()) {
            known.add(p.name());
            if (p.name().equals(name)) {
                var reason = p.unavailableReason();
                if (reason.isPresent()) {
                    throw new IllegalStateException("backend '" + name + "' is not available: " + reason.get());
                }
                return p.create(model, options);
            }
        }
        String hint = name.equals("tornadovm")
                ? " The TornadoVM backend is built only when TornadoVM is installed (see the README)."
                : "";
        throw new IllegalArgumentException("unknown backend '" + name + "' (available: " + String.join(", ", known) + ")." + hint);
    }
}

package org.replique.engine.backend;

import java.util.Optional;
import org.replique.engine.model.Model;

/**
 * A backend found at run time through {@link java.util.ServiceLoader}, so that optional ones
 * (TornadoVM) live in their own module and the engine builds and runs without them.
 */
public interface BackendProvider {

    String name();

    /** Why this backend cannot run here (a missing runtime, no device), or empty when it can. */
    Optional<String> unavailableReason();

    Backend create(Model model, BackendOptions options);
}

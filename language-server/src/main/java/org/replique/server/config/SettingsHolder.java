package org.replique.server.config;

import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** The settings in force, replaced as a whole when a valid change arrives. */
@Singleton
public final class SettingsHolder implements Supplier<ServerSettings> {
    private final AtomicReference<ServerSettings> current = new AtomicReference<>(ServerSettings.defaults());

    @Override
    public ServerSettings get() {
        return current.get();
    }

    public void set(ServerSettings settings) {
        current.set(settings);
    }
}

package org.replique.server.lsp;

import com.google.gson.JsonElement;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.lsp4j.MessageType;
import org.replique.server.client.ClientChannel;
import org.replique.server.config.ServerSettings;
import org.replique.server.config.SettingsHolder;
import org.replique.server.config.SettingsParser;
import org.replique.server.model.ModelService;

/**
 * Applies client settings: all of a change or none of it. Invalid values are shown to the user
 * with the key and the reason, and the settings in force stay; a changed model section reloads
 * the model in the background.
 */
@Singleton
final class Configurator {
    private final SettingsHolder settings;
    private final ModelService models;
    private final ClientChannel client;

    @Inject
    Configurator(SettingsHolder settings, ModelService models, ClientChannel client) {
        this.settings = settings;
        this.models = models;
        this.client = client;
    }

    /** Applies {@code json}; returns whether the model must be (re)loaded. */
    boolean apply(JsonElement json, String source) {
        ServerSettings before = settings.get();
        SettingsParser.Result r = SettingsParser.parse(json, before);
        if (!r.valid()) {
            String message = "Réplique: invalid settings in the " + source + ": " + String.join("; ", r.problems())
                    + ". The previous settings stay in force.";
            client.show(MessageType.Error, message);
            client.log(MessageType.Error, message);
            return false;
        }
        settings.set(r.settings());
        boolean reload = before.needsReload(r.settings());
        if (reload && models.loadRequested()) {
            models.load(r.settings().model());
        }
        return reload;
    }
}

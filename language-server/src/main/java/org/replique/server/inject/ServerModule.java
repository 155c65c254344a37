package org.replique.server.inject;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;
import java.util.function.Supplier;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;
import org.replique.server.config.ServerSettings;
import org.replique.server.config.SettingsHolder;
import org.replique.server.lsp.RepliqueTextDocumentService;
import org.replique.server.lsp.RepliqueWorkspaceService;

/**
 * Which implementation serves each interface; every class is built by its {@code @Inject}
 * constructor, one instance per server ({@code @Singleton}).
 */
public final class ServerModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(new TypeLiteral<Supplier<ServerSettings>>() {}).to(SettingsHolder.class);
        bind(TextDocumentService.class).to(RepliqueTextDocumentService.class);
        bind(WorkspaceService.class).to(RepliqueWorkspaceService.class);
    }
}

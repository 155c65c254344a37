package org.replique.intellij;

import java.util.List;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CompletionCapabilities;
import org.eclipse.lsp4j.CompletionItemCapabilities;
import org.eclipse.lsp4j.DidChangeConfigurationCapabilities;
import org.eclipse.lsp4j.DocumentSymbolCapabilities;
import org.eclipse.lsp4j.ExecuteCommandCapabilities;
import org.eclipse.lsp4j.GeneralClientCapabilities;
import org.eclipse.lsp4j.InlineCompletionCapabilities;
import org.eclipse.lsp4j.PositionEncodingKind;
import org.eclipse.lsp4j.SynchronizationCapabilities;
import org.eclipse.lsp4j.TextDocumentClientCapabilities;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;

/**
 * The client capabilities LSP4IJ 0.20 sends that matter to Réplique, as its
 * {@code ClientCapabilitiesFactory} builds them (github.com/redhat-developer/lsp4ij,
 * {@code src/main/java/com/redhat/devtools/lsp4ij/internal/capabilities/ClientCapabilitiesFactory.java}):
 * inline completion with dynamic registration, snippet-capable completion, server-initiated
 * progress, applyEdit, configuration pull, UTF-16 positions.
 */
final class Lsp4ijCapabilities {
    private Lsp4ijCapabilities() {}

    static ClientCapabilities create() {
        var workspace = new WorkspaceClientCapabilities();
        workspace.setApplyEdit(true);
        workspace.setConfiguration(true);
        workspace.setExecuteCommand(new ExecuteCommandCapabilities(true));
        workspace.setWorkspaceFolders(true);
        workspace.setDidChangeConfiguration(new DidChangeConfigurationCapabilities(true));

        var text = new TextDocumentClientCapabilities();
        var completion = new CompletionCapabilities(new CompletionItemCapabilities(true));
        completion.setDynamicRegistration(true);
        text.setCompletion(completion);
        var inline = new InlineCompletionCapabilities();
        inline.setDynamicRegistration(true);
        text.setInlineCompletion(inline);
        text.setSynchronization(new SynchronizationCapabilities(true, true, true));
        var symbols = new DocumentSymbolCapabilities(true);
        symbols.setHierarchicalDocumentSymbolSupport(true);
        text.setDocumentSymbol(symbols);

        var window = new WindowClientCapabilities();
        window.setWorkDoneProgress(true);

        var caps = new ClientCapabilities(workspace, text, window, null);
        var general = new GeneralClientCapabilities();
        general.setPositionEncodings(List.of(PositionEncodingKind.UTF16));
        caps.setGeneral(general);
        return caps;
    }
}

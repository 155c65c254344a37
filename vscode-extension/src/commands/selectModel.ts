/** "Réplique: Select Model": picks a GGUF file and writes `replique.model.path`. */
import * as vscode from 'vscode';
import { SECTION } from '../constants';

export async function selectModel(): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  const current = configuration.get<string>('model.path');
  const files = await vscode.window.showOpenDialog({
    title: 'Select a GGUF model (Claire-Mistral-7B-0.1 Q4_0 or Q8_0 for real work)',
    openLabel: 'Use this model',
    canSelectMany: false,
    canSelectFolders: false,
    filters: { 'GGUF models': ['gguf'] },
    defaultUri: current ? vscode.Uri.file(current) : undefined,
  });
  const file = files?.[0];
  if (!file) return;
  const inspection = configuration.inspect<string>('model.path');
  const target =
    inspection?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspection?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  // The language client sends the change to the server, which loads the new model.
  await configuration.update('model.path', file.fsPath, target);
  void vscode.window.showInformationMessage(`Réplique: loading ${file.fsPath.split(/[\\/]/).pop()} — the status bar shows the progress.`);
}

/** "Use the embedded demo model" (clears the setting). */
export async function useEmbeddedModel(): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  for (const target of [vscode.ConfigurationTarget.WorkspaceFolder, vscode.ConfigurationTarget.Workspace, vscode.ConfigurationTarget.Global]) {
    try {
      await configuration.update('model.path', undefined, target);
    } catch {
      // no workspace (folder) to write to
    }
  }
}

/** "Réplique: Show Status": the server's state and model, with the actions that fit. */
import * as vscode from 'vscode';
import { Commands, LANGUAGES } from '../constants';
import { autoTriggerFor } from '../config/settingsAccess';
import type { ServerSession } from '../client/serverSession';
import { formatSize, suggestionLines, threadsPart } from '../status/statusPresenter';
import { useEmbeddedModel } from './selectModel';

interface Entry extends vscode.QuickPickItem {
  run?: () => unknown;
}

export async function showStatus(session: ServerSession): Promise<void> {
  const status = session.isRunning() ? await session.refreshStatus() : undefined;
  const snapshot = session.snapshot();
  const entries: Entry[] = [];
  if (!status) {
    entries.push({ label: `$(error) ${snapshot.failure ?? 'The language server is not running.'}` });
  } else {
    const state = status.state === 'loading' ? `loading${status.progress !== undefined ? ` (${Math.round(status.progress)}%)` : ''}` : status.state;
    entries.push({ label: `$(pulse) State: ${state}`, detail: status.message });
    entries.push({
      label: `$(file-binary) Model: ${status.model ?? '?'}${status.embedded ? ' (embedded demo model)' : ''}`,
      description: formatSize(status.sizeBytes),
      detail: status.path,
    });
    const threads = threadsPart(status);
    entries.push({ label: `$(chip) Backend: ${status.backend ?? '?'}${threads ? `, ${threads}` : ''}` });
    const [last, ...details] = suggestionLines(status.lastSuggestion);
    if (last) entries.push({ label: `$(watch) ${last}`, detail: details.map((d) => d.trim()).join(' — ') || undefined });
  }
  const document = vscode.window.activeTextEditor?.document;
  if (document && LANGUAGES.includes(document.languageId)) {
    const on = autoTriggerFor(document);
    entries.push({
      label: `$(${on ? 'check' : 'circle-slash'}) Automatic suggestions for this file: ${on ? 'on' : 'off'}`,
      description: 'select to toggle',
      run: () => vscode.commands.executeCommand(Commands.toggleAutoTrigger),
    });
  }
  entries.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  entries.push({ label: '$(folder-opened) Select Model…', run: () => vscode.commands.executeCommand(Commands.selectModel) });
  if (status && !status.embedded) {
    entries.push({ label: '$(discard) Use the Embedded Demo Model', run: useEmbeddedModel });
  }
  entries.push({ label: '$(debug-restart) Restart Server', run: () => vscode.commands.executeCommand(Commands.restartServer) });
  entries.push({ label: '$(output) Show Server Log', run: () => vscode.commands.executeCommand(Commands.showServerLog) });
  const choice = await vscode.window.showQuickPick(entries, { title: 'Réplique', placeHolder: 'Status of the dialogue model' });
  await choice?.run?.();
}

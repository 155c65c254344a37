/** "Réplique: Toggle Automatic Suggestions" for the active document's language, or everywhere. */
import * as vscode from 'vscode';
import { LANGUAGES, SECTION } from '../constants';
import { planToggle, type Target } from '../config/autoTrigger';

const KEY = 'completion.autoTrigger';

const TARGETS: Record<Target, vscode.ConfigurationTarget> = {
  global: vscode.ConfigurationTarget.Global,
  workspace: vscode.ConfigurationTarget.Workspace,
  workspaceFolder: vscode.ConfigurationTarget.WorkspaceFolder,
};

export async function toggleAutoTrigger(): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  const forLanguage = document !== undefined && LANGUAGES.includes(document.languageId);
  const configuration = vscode.workspace.getConfiguration(SECTION, forLanguage ? document : undefined);
  const current = configuration.get<boolean>(KEY, true);
  const plan = planToggle(current, configuration.inspect<boolean>(KEY) ?? {}, forLanguage);
  await configuration.update(KEY, plan.value, TARGETS[plan.target], plan.overrideInLanguage);
  const scope = forLanguage ? ` for ${languageName(document.languageId)}` : '';
  void vscode.window.showInformationMessage(
    `Réplique: automatic suggestions ${plan.value ? 'on' : 'off'}${scope}.${plan.value ? '' : ' Alt+\\ (Option+\\ on macOS) still asks for one.'}`,
  );
}

function languageName(languageId: string): string {
  switch (languageId) {
    case 'fountain':
      return 'Fountain screenplays';
    case 'replique-play':
      return 'plays';
    case 'replique-transcript':
      return 'transcripts';
    default:
      return languageId;
  }
}

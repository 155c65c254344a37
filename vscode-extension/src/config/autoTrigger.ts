/**
 * Automatic suggestions per language. The server has one `completion.autoTrigger` flag;
 * VS Code users can set `"[fountain]": {"replique.completion.autoTrigger": false}`. The
 * client resolves the value for each document and drops automatic requests where it is off.
 */

/** VS Code's `InlineCompletionTriggerKind`: 0 = Invoke (explicit), 1 = Automatic. */
export const TRIGGER_INVOKE = 0;
export const TRIGGER_AUTOMATIC = 1;

export function shouldForward(triggerKind: number, autoTriggerForDocument: boolean): boolean {
  return triggerKind !== TRIGGER_AUTOMATIC || autoTriggerForDocument;
}

/** The parts of `WorkspaceConfiguration.inspect()` that matter here. */
export interface AutoTriggerInspection {
  defaultValue?: boolean;
  globalValue?: boolean;
  workspaceValue?: boolean;
  workspaceFolderValue?: boolean;
  globalLanguageValue?: boolean;
  workspaceLanguageValue?: boolean;
  workspaceFolderLanguageValue?: boolean;
}

export type Target = 'global' | 'workspace' | 'workspaceFolder';

export interface TogglePlan {
  value: boolean;
  target: Target;
  /** Write the value as a language-specific setting of the document's language. */
  overrideInLanguage: boolean;
}

/**
 * Where "Toggle Automatic Suggestions" writes. With a document of one of our languages
 * open, the switch is for that language: it overwrites the most specific language-specific
 * value already set, or adds one to the user settings. Without such a document it flips the
 * general value where it is set most specifically (user settings when nowhere).
 */
export function planToggle(current: boolean, inspection: AutoTriggerInspection, forLanguage: boolean): TogglePlan {
  const value = !current;
  if (forLanguage) {
    if (inspection.workspaceFolderLanguageValue !== undefined) return { value, target: 'workspaceFolder', overrideInLanguage: true };
    if (inspection.workspaceLanguageValue !== undefined) return { value, target: 'workspace', overrideInLanguage: true };
    return { value, target: 'global', overrideInLanguage: true };
  }
  if (inspection.workspaceFolderValue !== undefined) return { value, target: 'workspaceFolder', overrideInLanguage: false };
  if (inspection.workspaceValue !== undefined) return { value, target: 'workspace', overrideInLanguage: false };
  return { value, target: 'global', overrideInLanguage: false };
}

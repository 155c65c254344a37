/**
 * From the `replique.*` settings of VS Code to the object the server reads
 * (`initializationOptions` and `workspace/didChangeConfiguration`). Only the server's own
 * keys are sent; the client's keys (`java.home`, `trace.server`) stay here.
 */

/** Every key of the server's configuration, as dotted paths under `replique.`. */
export const SERVER_KEYS: readonly string[] = [
  'model.path',
  'model.backend',
  'model.threads',
  'model.contextLength',
  'model.weights',
  'sampling.temperature',
  'sampling.topK',
  'sampling.topP',
  'sampling.minP',
  'sampling.repeatPenalty',
  'sampling.seed',
  'completion.maxTokens',
  'completion.autoTrigger',
  'completion.debounceMs',
  'completion.timeBudgetMs',
  'completion.candidates',
  'completion.automaticCandidates',
  'completion.fallbackItem',
  'prompt.speakerStyle',
  'prompt.characterVoice',
  'prompt.contextBudget',
  'prompt.directions',
];

export type SettingsObject = { [key: string]: unknown };

/** Reads one dotted setting; `get('model.path')` as in `WorkspaceConfiguration.get`. */
export type SettingReader = (key: string) => unknown;

/**
 * The nested object the server expects, e.g. `{model: {path: …}, completion: {autoTrigger: true}}`.
 * Unset optional values (an empty model path, a null seed) are left out so that the server
 * uses its own default (the embedded model, a random seed).
 *
 * `anyAutoTrigger` replaces `completion.autoTrigger`: the server knows one flag, while VS Code
 * lets the user choose per language; the server must suggest while typing as soon as one
 * language wants it, and the client drops automatic requests for the others.
 */
export function serverSettings(read: SettingReader, anyAutoTrigger: boolean): SettingsObject {
  const result: SettingsObject = {};
  for (const key of SERVER_KEYS) {
    let value = key === 'completion.autoTrigger' ? anyAutoTrigger : read(key);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      value = value.trim();
      if (value === '') continue;
    }
    setPath(result, key, value);
  }
  return result;
}

function setPath(target: SettingsObject, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) {
      node[part] = {};
    }
    node = node[part] as SettingsObject;
  }
  node[parts[parts.length - 1]] = value;
}

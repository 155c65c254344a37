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
  'model.endpoint',
  'model.name',
  'model.apiKeyEnv',
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
  'completion.speculate',
  'prompt.speakerStyle',
  'prompt.characterVoice',
  'prompt.contextBudget',
  'prompt.directions',
  'prompt.ringTokens',
  'prompt.ringFiles',
];

export type SettingsObject = { [key: string]: unknown };

/** Reads one dotted setting; `get('model.path')` as in `WorkspaceConfiguration.get`. */
export type SettingReader = (key: string) => unknown;

/**
 * Keys whose empty value means "none" (the embedded model, a random seed, no remote server, the
 * weights as stored), with what the server reads as "none": sent so that clearing one in VS Code
 * clears it in the running server too (an absent key keeps the server's value).
 */
export const CLEARED_VALUES: Readonly<Record<string, null | ''>> = {
  'model.path': null,
  'model.weights': '',
  'model.endpoint': null,
  'model.name': null,
  'model.apiKeyEnv': null,
  'sampling.seed': null,
};

/**
 * The nested object the server expects, e.g. `{model: {path: …}, completion: {autoTrigger: true}}`.
 * Unset optional values (an empty model path, a null seed) are sent as `null`, which the server
 * reads as its default (the embedded model, a random seed); other unset values are left out.
 *
 * `anyAutoTrigger` replaces `completion.autoTrigger`: the server knows one flag, while VS Code
 * lets the user choose per language; the server must suggest while typing as soon as one
 * language wants it, and the client drops automatic requests for the others.
 */
export function serverSettings(read: SettingReader, anyAutoTrigger: boolean): SettingsObject {
  const result: SettingsObject = {};
  for (const key of SERVER_KEYS) {
    let value = key === 'completion.autoTrigger' ? anyAutoTrigger : read(key);
    if (typeof value === 'string') {
      value = value.trim();
      if (value === '') value = undefined;
    }
    if (value === undefined || value === null) {
      if (key in CLEARED_VALUES) setPath(result, key, CLEARED_VALUES[key]);
      continue;
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

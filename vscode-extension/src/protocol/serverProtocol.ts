/**
 * What the extension knows of the server's protocol beyond standard LSP:
 * command names, their arguments and results, and the status object.
 * Plain types only, so that tests can use them without VS Code.
 */

export const ServerCommands = {
  generateDialogue: 'replique.generateDialogue',
  status: 'replique.status',
  reloadModel: 'replique.reloadModel',
} as const;

/** Method of the notification the server sends whenever its state changes. */
export const STATUS_NOTIFICATION = 'replique/status';

export type ServerState = 'loading' | 'ready' | 'error';

/** The last suggestion's figures (`lastSuggestion` of the status). */
export interface SuggestionStatus {
  /** `model` (written now), `ahead` (written while the previous one was read), `cue` (a cue's rest). */
  source: string;
  latencyMs: number;
  tokensPerSecond: number;
  promptTokens: number;
  reusedTokens: number;
  generatedTokens: number;
  /** Shown before the model had finished the speech (the time budget). */
  cut: boolean;
  /** The chunks of other files the prompt started with. */
  context: string[];
}

/** The object of `replique.status` and of the `replique/status` notification. */
export interface ServerStatus {
  state: ServerState;
  model?: string;
  path?: string;
  embedded?: boolean;
  sizeBytes?: number;
  backend?: string;
  threads?: number;
  progress?: number;
  message?: string;
  lastSuggestion?: SuggestionStatus;
}

export interface LspPosition {
  line: number;
  character: number;
}

/** The single argument of `replique.generateDialogue`. */
export interface GenerateDialogueArgs {
  uri: string;
  position: LspPosition;
  turns: number;
  speakers?: string[];
}

export interface GenerateDialogueResult {
  applied: boolean;
  text?: string;
  turns?: number;
}

const STATES: readonly string[] = ['loading', 'ready', 'error'];

/** Narrows an untrusted value (a notification parameter, a command result) to a status. */
export function asServerStatus(value: unknown): ServerStatus | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  if (typeof v.state !== 'string' || !STATES.includes(v.state)) {
    return undefined;
  }
  const status: ServerStatus = { state: v.state as ServerState };
  if (typeof v.model === 'string') status.model = v.model;
  if (typeof v.path === 'string') status.path = v.path;
  if (typeof v.embedded === 'boolean') status.embedded = v.embedded;
  if (typeof v.sizeBytes === 'number') status.sizeBytes = v.sizeBytes;
  if (typeof v.backend === 'string') status.backend = v.backend;
  if (typeof v.threads === 'number') status.threads = v.threads;
  if (typeof v.progress === 'number') status.progress = v.progress;
  if (typeof v.message === 'string') status.message = v.message;
  const last = asSuggestionStatus(v.lastSuggestion);
  if (last) status.lastSuggestion = last;
  return status;
}

function asSuggestionStatus(value: unknown): SuggestionStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.source !== 'string' || typeof v.latencyMs !== 'number') return undefined;
  const number = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return {
    source: v.source,
    latencyMs: v.latencyMs,
    tokensPerSecond: number(v.tokensPerSecond),
    promptTokens: number(v.promptTokens),
    reusedTokens: number(v.reusedTokens),
    generatedTokens: number(v.generatedTokens),
    cut: v.cut === true,
    context: Array.isArray(v.context) ? v.context.filter((c): c is string => typeof c === 'string') : [],
  };
}

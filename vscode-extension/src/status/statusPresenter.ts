/** What the status bar item shows, from everything the client knows about the server. */
import type { RunningTask } from './progressTracker';
import type { ServerStatus, SuggestionStatus } from '../protocol/serverProtocol';

/** The language client's own state, before any status from the server. */
export type ClientPhase = 'starting' | 'running' | 'stopped' | 'failed';

export interface StatusInput {
  phase: ClientPhase;
  /** Why the client failed (no JDK, the server exited, …). */
  failure?: string;
  server?: ServerStatus;
  task?: RunningTask;
  /** A suggestion or a dialogue is being written (a request in flight for a while). */
  generating: boolean;
  /** Automatic suggestions for the active editor's language; undefined without such an editor. */
  autoTrigger?: boolean;
}

export type StatusAction = 'showLog' | 'showStatus';

export interface StatusView {
  text: string;
  /** What screen readers say, starting with the state: `Réplique: ready, …`. */
  label: string;
  tooltip: string;
  action: StatusAction;
  severity: 'normal' | 'warning' | 'error';
}

/** Decimal units, as the server's log says them: 3401056 → `3.4 MB`; none for 0 (a model on a remote server). */
export function formatSize(bytes: number | undefined): string | undefined {
  if (bytes === undefined || bytes <= 0) return undefined;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function percent(value: number | undefined): string {
  return value === undefined ? '' : ` ${Math.max(0, Math.min(100, Math.round(value)))}%`;
}

function modelLine(server: ServerStatus): string {
  const parts = [server.model ?? server.path?.split(/[\\/]/).pop() ?? 'the model'];
  if (server.embedded) parts.push('(embedded demo model)');
  const size = formatSize(server.sizeBytes);
  if (size) parts.push(`— ${size}`);
  return parts.join(' ');
}

/** How a writer knows the model: its name (`replique-mini-fr`). */
export function modelName(server: ServerStatus): string {
  return server.model ?? server.path?.split(/[\\/]/).pop() ?? 'the model';
}

/** The engineer's description of a ready server, for the tooltip: `replique-mini-fr · cpu · 4 threads`. */
export function readyLabel(server: ServerStatus): string {
  const parts = [server.model ?? 'model ready'];
  if (server.backend) parts.push(server.backend);
  const threads = threadsPart(server);
  if (threads) parts.push(threads);
  return parts.join(' · ');
}

/** `0.4 s`, `12 s`, `35 ms`: how long a writer waited. */
export function formatLatency(ms: number): string {
  if (ms < 100) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 1000)} s`;
}

/**
 * The last suggestion in a few words for the status bar: `0.4 s · 85 tok/s`, or `at once` when
 * it was written ahead (or was a cue's rest); empty before the first one.
 */
export function suggestionPart(last: SuggestionStatus | undefined): string {
  if (!last) return '';
  if (last.source !== 'model') return 'at once';
  const speed = last.tokensPerSecond > 0 ? ` · ${last.tokensPerSecond >= 10 ? Math.round(last.tokensPerSecond) : last.tokensPerSecond.toFixed(1)} tok/s` : '';
  return `${formatLatency(last.latencyMs)}${speed}`;
}

/** The last suggestion in full, for the tooltip. */
export function suggestionLines(last: SuggestionStatus | undefined): string[] {
  if (!last) return [];
  const from =
    last.source === 'ahead' ? 'written ahead while you read the previous one' : last.source === 'cue' ? "the rest of a character's cue" : 'written by the model';
  const lines = [`Last suggestion: ${formatLatency(last.latencyMs)}, ${from}${last.cut ? ', shown before the model had finished the speech' : ''}`];
  if (last.source === 'model') {
    const speed = last.tokensPerSecond > 0 ? `${last.tokensPerSecond.toFixed(1)} tokens/s, ` : '';
    lines.push(`  ${speed}${last.generatedTokens} tokens written after a prompt of ${last.promptTokens} (${last.reusedTokens} already in the cache)`);
  }
  if (last.context.length > 0) lines.push(`  Context from other files: ${last.context.join('; ')}`);
  return lines;
}

/**
 * `4 threads`, unless the backend already says it (`cpu, scalar kernels, 1 thread`) or the
 * count is 0 (one per core, decided by the server).
 */
export function threadsPart(server: ServerStatus): string | undefined {
  if (server.threads === undefined || server.threads <= 0 || /\bthreads?\b/.test(server.backend ?? '')) return undefined;
  return `${server.threads} thread${server.threads === 1 ? '' : 's'}`;
}

export function present(input: StatusInput): StatusView {
  const { phase, server } = input;
  if (phase === 'failed' || phase === 'stopped') {
    return {
      text: '$(error) Réplique',
      label: `Réplique: error, ${input.failure ?? 'the language server is not running'}`,
      tooltip: `${input.failure ?? (phase === 'stopped' ? 'The Réplique language server is not running.' : 'The Réplique language server failed.')}\nClick to show the server log.`,
      action: 'showLog',
      severity: 'error',
    };
  }
  if (server?.state === 'error') {
    return {
      text: '$(error) Réplique: model error',
      label: `Réplique: error, ${server.message ?? 'the model could not be loaded'}`,
      tooltip: `${server.message ?? 'The model could not be loaded.'}${server.path ? `\n${server.path}` : ''}\nClick to show the server log.`,
      action: 'showLog',
      severity: 'error',
    };
  }
  if (phase === 'starting' || server === undefined) {
    return { text: '$(loading~spin) Réplique: starting', label: 'Réplique: starting', tooltip: 'Starting the Réplique language server…', action: 'showLog', severity: 'normal' };
  }
  if (server.state === 'loading') {
    const value = input.task?.percentage ?? server.progress;
    return {
      text: `$(loading~spin) Réplique: loading${percent(value)}`,
      label: `Réplique: loading${percent(value)}`,
      tooltip: [`Loading ${modelLine(server)}`, server.model && server.path, server.message].filter(Boolean).join('\n'),
      action: 'showStatus',
      severity: 'normal',
    };
  }
  const auto = input.autoTrigger === false ? ' $(circle-slash)' : '';
  const autoLine =
    input.autoTrigger === undefined ? '' : input.autoTrigger ? 'Automatic suggestions: on' : 'Automatic suggestions: off (Alt+\\ asks for one)';
  // A model load that the server has not yet closed with `end` is not writing.
  const task = input.task && !/load/i.test(input.task.title) ? input.task : undefined;
  const name = modelName(server);
  if (input.generating || task) {
    const what = task?.title ? `${task.title}${percent(task.percentage)}` : 'Writing';
    return {
      text: `$(loading~spin) ${name} · writing${percent(task?.percentage)}`,
      label: `Réplique: writing, ${name}`,
      tooltip: `${what}${task?.message ? ` — ${task.message}` : ''}\n${readyLabel(server)}`,
      action: 'showStatus',
      severity: 'normal',
    };
  }
  // Short for writers: the model and how the last suggestion went; the rest in the tooltip.
  const last = suggestionPart(server.lastSuggestion);
  return {
    text: `$(comment-discussion) ${name}${last ? ` · ${last}` : ''}${auto}`,
    label: `Réplique: ready, ${name}${last ? `, last suggestion ${last}` : ''}${input.autoTrigger === false ? ', automatic suggestions off' : ''}`,
    tooltip: [
      `Réplique is ready: ${modelLine(server)}`,
      server.path,
      server.backend && `Backend: ${[server.backend, threadsPart(server)].filter(Boolean).join(', ')}`,
      ...suggestionLines(server.lastSuggestion),
      autoLine,
      'Click for details.',
    ]
      .filter(Boolean)
      .join('\n'),
    action: 'showStatus',
    severity: 'normal',
  };
}

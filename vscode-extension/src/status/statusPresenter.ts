/** What the status bar item shows, from everything the client knows about the server. */
import type { RunningTask } from './progressTracker';
import type { ServerStatus } from '../protocol/serverProtocol';

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

/** A one-line description of a ready server: `replique-mini-fr · cpu · 4 threads`. */
export function readyLabel(server: ServerStatus): string {
  const parts = [server.model ?? 'model ready'];
  if (server.backend) parts.push(server.backend);
  const threads = threadsPart(server);
  if (threads) parts.push(threads);
  return parts.join(' · ');
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
  if (input.generating || task) {
    const what = task?.title ? `${task.title}${percent(task.percentage)}` : 'Writing';
    return {
      text: `$(loading~spin) Réplique: writing${percent(task?.percentage)}`,
      label: `Réplique: writing, ${readyLabel(server)}`,
      tooltip: `${what}${task?.message ? ` — ${task.message}` : ''}\n${readyLabel(server)}`,
      action: 'showStatus',
      severity: 'normal',
    };
  }
  return {
    text: `$(comment-discussion) ${readyLabel(server)}${auto}`,
    label: `Réplique: ready, ${readyLabel(server)}${input.autoTrigger === false ? ', automatic suggestions off' : ''}`,
    tooltip: [
      `Réplique is ready: ${modelLine(server)}`,
      server.path,
      server.backend && `Backend: ${[server.backend, threadsPart(server)].filter(Boolean).join(', ')}`,
      autoLine,
      'Click for details.',
    ]
      .filter(Boolean)
      .join('\n'),
    action: 'showStatus',
    severity: 'normal',
  };
}

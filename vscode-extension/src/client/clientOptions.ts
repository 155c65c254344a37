/** The options of the language client: documents, settings, and the middleware. */
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  type ErrorHandler,
  RevealOutputChannelOn,
  type LanguageClientOptions,
  type ProgressToken,
} from 'vscode-languageclient/node';
import { EXTENSION_NAME, LANGUAGES, SECTION } from '../constants';
import { shouldForward } from '../config/autoTrigger';
import { autoTriggerFor, currentServerSettings } from '../config/settingsAccess';
import type { ProgressValue } from '../status/progressTracker';
import { MAX_RESTARTS, RestartPolicy } from './restartPolicy';
import { ServerStderr } from './serverStderr';

/** What the middleware reports to the rest of the extension. */
export interface ClientHooks {
  /** The settings for `initializationOptions` (remembered as the ones the server has). */
  initialSettings(): object;
  /** Sends the settings with `workspace/didChangeConfiguration` if they changed. */
  pushSettings(): Promise<void>;
  inlineRequestStarted(): void;
  inlineRequestEnded(): void;
  progress(token: ProgressToken, value: ProgressValue): void;
}

export function clientOptions(log: vscode.LogOutputChannel, trace: vscode.LogOutputChannel, hooks: ClientHooks): LanguageClientOptions {
  return {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    outputChannel: log,
    traceOutputChannel: trace,
    // The server's standard error at the level each line says, not every line as an error.
    stdioOptions: {
      stdout: (input, channel) => lines(input, (line) => channel.info(line)),
      stderr: (input, channel) => {
        const levels = new ServerStderr();
        lines(input, (line) => channel[levels.levelOf(line)](line));
      },
    },
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler: errorHandler(log),
    initializationOptions: () => hooks.initialSettings(),
    synchronize: { configurationSection: SECTION },
    initializationFailedHandler: (error) => {
      log.error(`${EXTENSION_NAME}: the language server failed to initialize`, error);
      return false;
    },
    middleware: {
      // The server has one auto-trigger flag; the user may have switched suggestions off
      // for this document's language only.
      provideInlineCompletionItems: async (document, position, context, token, next) => {
        if (!shouldForward(context.triggerKind, autoTriggerFor(document))) {
          return null;
        }
        hooks.inlineRequestStarted();
        try {
          return await next(document, position, context, token);
        } finally {
          hooks.inlineRequestEnded();
        }
      },
      handleWorkDoneProgress: (token, params, next) => {
        hooks.progress(token, params);
        next(token, params);
      },
      workspace: {
        // The server's keys only, with the auto-trigger flag resolved across languages.
        didChangeConfiguration: () => hooks.pushSettings(),
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return params.items.map((item, i) => (item.section === SECTION ? currentServerSettings() : answers[i]));
        },
      },
    },
  };
}

function lines(input: NodeJS.ReadableStream, each: (line: string) => void): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 }).on('line', each);
}

/**
 * Restarts a server that died, up to {@link MAX_RESTARTS} times in three minutes, without the
 * client's own pop-ups for each broken pipe: the status bar and the log say what happened.
 */
export function errorHandler(log: vscode.LogOutputChannel): ErrorHandler {
  const policy = new RestartPolicy();
  return {
    error: (_error, _message, count) =>
      count !== undefined && count <= 3 ? { action: ErrorAction.Continue, handled: true } : { action: ErrorAction.Shutdown, handled: true },
    closed: () => {
      if (policy.shouldRestart(Date.now())) {
        log.warn('The language server stopped; starting it again.');
        return { action: CloseAction.Restart, handled: true };
      }
      return {
        action: CloseAction.DoNotRestart,
        message: `The ${EXTENSION_NAME} language server stopped ${MAX_RESTARTS + 1} times in three minutes and will not be restarted. See "${EXTENSION_NAME}: Show Server Log", then "${EXTENSION_NAME}: Restart Server".`,
      };
    },
  };
}

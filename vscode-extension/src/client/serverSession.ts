/**
 * The language server's lifecycle: find Java, start the client, follow the server's status
 * and progress, stop and restart. Everything else reads {@link ServerSession.snapshot}.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  State,
  type CancellationToken,
  type ProgressToken,
} from 'vscode-languageclient/node';
import { EXTENSION_NAME, SECTION } from '../constants';
import { currentServerSettings, javaHomeSetting } from '../config/settingsAccess';
import { describeFailure, discoverJava } from '../java/javaDiscovery';
import { nodeJavaHost } from '../java/nodeJavaHost';
import { asServerStatus, ServerCommands, STATUS_NOTIFICATION, type ServerStatus } from '../protocol/serverProtocol';
import { serverCommand, serverJar } from '../server/serverLaunch';
import { ProgressTracker, type ProgressValue } from '../status/progressTracker';
import type { ClientPhase, StatusInput } from '../status/statusPresenter';
import { clientOptions } from './clientOptions';

/** A suggestion request shorter than this does not flash "writing" in the status bar. */
const BUSY_DELAY_MS = 300;

export type FailureKind = 'java' | 'jar' | 'start' | 'exit';

export class ServerSession implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private phase: ClientPhase = 'stopped';
  private failure: string | undefined;
  private server: ServerStatus | undefined;
  private readonly tracker = new ProgressTracker();
  private inflight = 0;
  private busy = false;
  private busyTimer: NodeJS.Timeout | undefined;
  private commandsRunning = 0;
  private starting: Promise<void> | undefined;
  private sentSettings: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly failed = new vscode.EventEmitter<{ kind: FailureKind; message: string }>();
  private readonly progressed = new vscode.EventEmitter<{ token: ProgressToken; value: ProgressValue }>();

  /** Fires whenever something shown in the status bar changes. */
  readonly onDidChange = this.changed.event;
  /** Fires when the server cannot be started, with a message for the user. */
  readonly onDidFail = this.failed.event;
  /** Every `$/progress` value the server sends (model loading, dialogue generation). */
  readonly onDidProgress = this.progressed.event;

  constructor(
    private readonly extensionPath: string,
    readonly log: vscode.LogOutputChannel,
    private readonly trace: vscode.LogOutputChannel,
  ) {}

  snapshot(): Omit<StatusInput, 'autoTrigger'> {
    return {
      phase: this.phase,
      failure: this.failure,
      server: this.server,
      task: this.tracker.current(),
      generating: this.busy || this.commandsRunning > 0,
    };
  }

  get status(): ServerStatus | undefined {
    return this.server;
  }

  isRunning(): boolean {
    return this.client !== undefined && this.client.state === State.Running;
  }

  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.setPhase('starting');
    const java = await discoverJava(nodeJavaHost(), javaHomeSetting());
    if (!java.found) {
      return this.fail('java', describeFailure(java));
    }
    const jar = serverJar(this.extensionPath, process.env);
    if (!(await exists(jar))) {
      return this.fail('jar', `${EXTENSION_NAME}: the language server is missing (${jar}). Reinstall the extension.`);
    }
    const launch = serverCommand(java.executable, jar);
    this.log.info(`Starting the language server with Java ${java.version} (from ${java.source}): ${launch.command} ${launch.args.join(' ')}`);

    const client: LanguageClient = new LanguageClient(
      'replique',
      EXTENSION_NAME,
      { command: launch.command, args: launch.args },
      clientOptions(
        this.log,
        this.trace,
        {
          initialSettings: () => this.initialSettings(),
          pushSettings: () => this.pushSettings(),
          inlineRequestStarted: () => this.requestStarted(),
          inlineRequestEnded: () => this.requestEnded(),
          progress: (token, value) => this.progress(token, value),
        },
      ),
    );
    this.client = client;
    client.onDidChangeState((event) => {
      if (this.client !== client) return;
      if (event.newState === State.Stopped && this.phase === 'running') {
        this.server = undefined;
        this.tracker.clear();
        this.failure = 'The Réplique language server stopped. Use "Réplique: Restart Server" to start it again.';
        this.setPhase('stopped');
      }
    });
    client.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
      const status = asServerStatus(params);
      if (status && this.client === client) {
        this.server = status;
        this.changed.fire();
      }
    });
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      return this.fail('start', `${EXTENSION_NAME}: the language server did not start: ${errorText(error)}`);
    }
    this.setPhase('running');
    await this.refreshStatus();
  }

  private fail(kind: FailureKind, message: string): void {
    this.failure = message;
    this.log.error(message);
    this.setPhase('failed');
    this.failed.fire({ kind, message });
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.server = undefined;
    this.tracker.clear();
    this.failure = undefined;
    if (client && client.needsStop()) {
      try {
        await client.stop(5_000);
      } catch (error) {
        this.log.warn(`Stopping the language server: ${errorText(error)}`);
      }
    }
    this.setPhase('stopped');
  }

  async restart(): Promise<void> {
    this.log.info('Restarting the language server.');
    await this.stop();
    await this.start();
  }

  private initialSettings(): object {
    const settings = currentServerSettings();
    this.sentSettings = JSON.stringify(settings);
    return settings;
  }

  /**
   * Sends the server settings when they differ from what the server has. Called by the
   * client's configuration sync and on every configuration change: a language-specific
   * auto-trigger value changes the flag the server gets.
   */
  async pushSettings(): Promise<void> {
    const client = this.client;
    if (!client || !this.isRunning()) return;
    const settings = currentServerSettings();
    const json = JSON.stringify(settings);
    if (json === this.sentSettings) return;
    this.sentSettings = json;
    try {
      await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } });
    } catch (error) {
      this.sentSettings = undefined;
      this.log.warn(`Sending the settings: ${errorText(error)}`);
    }
  }

  /** Asks the server for its status (`replique.status`) and remembers it. */
  async refreshStatus(): Promise<ServerStatus | undefined> {
    try {
      const status = asServerStatus(await this.executeCommand(ServerCommands.status, []));
      if (status) {
        this.server = status;
        this.changed.fire();
      }
      return status;
    } catch (error) {
      this.log.warn(`replique.status: ${errorText(error)}`);
      return undefined;
    }
  }

  /** Runs one of the server's commands (`workspace/executeCommand`). */
  async executeCommand(command: string, args: unknown[], token?: CancellationToken, workDoneToken?: ProgressToken): Promise<unknown> {
    const client = this.requireClient();
    this.commandsRunning += command === ServerCommands.status ? 0 : 1;
    this.changed.fire();
    try {
      return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args, workDoneToken }, token);
    } finally {
      this.commandsRunning -= command === ServerCommands.status ? 0 : 1;
      this.changed.fire();
    }
  }

  requireClient(): LanguageClient {
    if (!this.client || !this.isRunning()) {
      throw new Error('The Réplique language server is not running.');
    }
    return this.client;
  }

  private setPhase(phase: ClientPhase): void {
    this.phase = phase;
    this.changed.fire();
  }

  private progress(token: ProgressToken, value: ProgressValue): void {
    if (this.tracker.update(token, value)) this.changed.fire();
    this.progressed.fire({ token, value });
  }

  private requestStarted(): void {
    this.inflight++;
    if (this.inflight === 1 && !this.busyTimer) {
      this.busyTimer = setTimeout(() => {
        this.busyTimer = undefined;
        if (this.inflight > 0) {
          this.busy = true;
          this.changed.fire();
        }
      }, BUSY_DELAY_MS);
    }
  }

  private requestEnded(): void {
    this.inflight = Math.max(0, this.inflight - 1);
    if (this.inflight === 0) {
      if (this.busyTimer) clearTimeout(this.busyTimer);
      this.busyTimer = undefined;
      if (this.busy) {
        this.busy = false;
        this.changed.fire();
      }
    }
  }

  dispose(): void {
    if (this.busyTimer) clearTimeout(this.busyTimer);
    void this.stop();
    this.changed.dispose();
    this.failed.dispose();
    this.progressed.dispose();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

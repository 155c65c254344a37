/**
 * Starts the real language server jar (as the extension does) and talks LSP to it over
 * stdio with vscode-jsonrpc: no VS Code, no stand-in for the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
  ApplyWorkspaceEditRequest,
  ConfigurationRequest,
  LogMessageNotification,
  ShowMessageNotification,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  type ApplyWorkspaceEditParams,
  type LogMessageParams,
  type ShowMessageParams,
} from 'vscode-languageserver-protocol';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { discoverJava } from '../../src/java/javaDiscovery';
import { nodeJavaHost } from '../../src/java/nodeJavaHost';
import { STATUS_NOTIFICATION } from '../../src/protocol/serverProtocol';
import { serverCommand } from '../../src/server/serverLaunch';

const extensionDir = path.resolve(__dirname, '..', '..', '..');
export const repositoryDir = path.resolve(extensionDir, '..');

/** $REPLIQUE_SERVER_JAR, else the jar copied into the extension, else the Maven build output. */
export function serverJarForTests(): string {
  const candidates = [
    process.env.REPLIQUE_SERVER_JAR,
    path.join(extensionDir, 'server', 'replique.jar'),
    path.join(repositoryDir, 'language-server', 'target', 'replique.jar'),
  ].filter((c): c is string => !!c);
  const jar = candidates.find((c) => existsSync(c));
  if (!jar) throw new Error(`No server jar: tried ${candidates.join(', ')}. Build it with mvn -DskipTests package.`);
  return jar;
}

export interface ProgressEvent {
  token: string | number;
  value: { kind: string; title?: string; percentage?: number; message?: string };
  at: number;
}

export class ServerUnderTest {
  readonly connection: ProtocolConnection;
  readonly progress: ProgressEvent[] = [];
  readonly created: (string | number)[] = [];
  readonly statuses: unknown[] = [];
  readonly shown: ShowMessageParams[] = [];
  readonly logged: LogMessageParams[] = [];
  readonly edits: ApplyWorkspaceEditParams[] = [];
  stderr = '';
  /** What `workspace/configuration` answers for the `replique` section. */
  settings: unknown = {};

  private constructor(readonly process: ChildProcess) {
    this.connection = createProtocolConnection(new StreamMessageReader(process.stdout!), new StreamMessageWriter(process.stdin!));
    process.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    const c = this.connection;
    c.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      this.created.push(params.token);
      this.watchProgress(params.token);
    });
    c.onRequest(ApplyWorkspaceEditRequest.type, (params) => {
      this.edits.push(params);
      return { applied: true };
    });
    c.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'replique' ? this.settings : null)));
    c.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
      this.statuses.push(params);
    });
    c.onNotification(ShowMessageNotification.type, (params) => {
      this.shown.push(params);
    });
    c.onNotification(LogMessageNotification.type, (params) => {
      this.logged.push(params);
    });
    c.onNotification('telemetry/event', () => undefined);
    c.listen();
  }

  static async start(): Promise<ServerUnderTest> {
    const java = await discoverJava(nodeJavaHost(), process.env.REPLIQUE_JAVA_HOME);
    if (!java.found) throw new Error('No JDK 25 found for the server (set REPLIQUE_JAVA_HOME or JAVA_HOME).');
    const launch = serverCommand(java.executable, serverJarForTests());
    const child = spawn(launch.command, launch.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    return new ServerUnderTest(child);
  }

  /** Records the `$/progress` values of a token (created by the server, or given by the client). */
  watchProgress(token: string | number): void {
    this.connection.onProgress(WorkDoneProgress.type, token, (value) => {
      this.progress.push({ token, value, at: Date.now() });
    });
  }

  /** Waits until `predicate` holds, polling; fails with `what` after `timeoutMs`. */
  async until<T>(what: string, predicate: () => T | undefined | false, timeoutMs = 120_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > end) throw new Error(`Timed out waiting for ${what}. Server stderr:\n${this.stderr.slice(-4000)}`);
      if (this.process.exitCode !== null) throw new Error(`The server exited (${this.process.exitCode}) while waiting for ${what}:\n${this.stderr.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    const exited = new Promise<void>((resolve) => (this.process.exitCode !== null ? resolve() : this.process.once('exit', () => resolve())));
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}

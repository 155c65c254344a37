/**
 * The output the language client writes the protocol's messages to, as `replique.trace.server`
 * says: the client traces only when its trace channel's log level is Trace, which a user of a
 * log channel can only change in the Output view; this channel takes its level from the setting
 * instead, so the setting works as its name says.
 */
import * as vscode from 'vscode';
import { EXTENSION_NAME, SECTION } from '../constants';
import { traceWanted } from './serverStderr';

export class TraceChannel implements vscode.LogOutputChannel {
  readonly name = `${EXTENSION_NAME} Trace`;
  private readonly channel = vscode.window.createOutputChannel(this.name);
  private readonly changed = new vscode.EventEmitter<vscode.LogLevel>();
  private readonly subscription: vscode.Disposable;
  private wanted = traceWanted(vscode.workspace.getConfiguration(SECTION).get('trace.server'));
  readonly onDidChangeLogLevel = this.changed.event;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(`${SECTION}.trace.server`)) return;
      const wanted = traceWanted(vscode.workspace.getConfiguration(SECTION).get('trace.server'));
      if (wanted !== this.wanted) {
        this.wanted = wanted;
        this.changed.fire(this.logLevel);
      }
    });
  }

  get logLevel(): vscode.LogLevel {
    return this.wanted ? vscode.LogLevel.Trace : vscode.LogLevel.Off;
  }

  trace(message: string, ...args: unknown[]): void {
    if (this.wanted) this.line('trace', message, args);
  }

  debug(message: string, ...args: unknown[]): void {
    this.line('debug', message, args);
  }

  info(message: string, ...args: unknown[]): void {
    this.line('info', message, args);
  }

  warn(message: string, ...args: unknown[]): void {
    this.line('warning', message, args);
  }

  error(error: string | Error, ...args: unknown[]): void {
    this.line('error', error instanceof Error ? error.message : error, args);
  }

  append(value: string): void {
    this.channel.append(value);
  }

  appendLine(value: string): void {
    this.channel.appendLine(value);
  }

  replace(value: string): void {
    this.channel.replace(value);
  }

  clear(): void {
    this.channel.clear();
  }

  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean') this.channel.show(columnOrPreserveFocus);
    else this.channel.show(columnOrPreserveFocus, preserveFocus);
  }

  hide(): void {
    this.channel.hide();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    this.channel.dispose();
  }

  private line(level: string, message: string, args: unknown[]): void {
    const extra = args.length > 0 ? ` ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}` : '';
    this.channel.appendLine(`${new Date().toISOString()} [${level}] ${message}${extra}`);
  }
}

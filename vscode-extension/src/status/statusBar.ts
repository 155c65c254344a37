/**
 * The status bar item, short for writers: starting, loading (percent), the model's name with the
 * last suggestion's latency and speed, writing, error; the details in its tooltip.
 */
import * as vscode from 'vscode';
import { Commands, LANGUAGES } from '../constants';
import { autoTriggerFor } from '../config/settingsAccess';
import type { ServerSession } from '../client/serverSession';
import { present } from './statusPresenter';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('replique.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly session: ServerSession) {
    this.item.name = 'Réplique';
    this.subscriptions.push(
      session.onDidChange(() => this.refresh()),
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('replique.completion.autoTrigger')) this.refresh();
      }),
    );
    this.refresh();
    this.item.show();
  }

  refresh(): void {
    const document = vscode.window.activeTextEditor?.document;
    const autoTrigger = document && LANGUAGES.includes(document.languageId) ? autoTriggerFor(document) : undefined;
    const view = present({ ...this.session.snapshot(), autoTrigger });
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.accessibilityInformation = { label: view.label, role: 'button' };
    this.item.command = view.action === 'showLog' ? Commands.showServerLog : Commands.showStatus;
    this.item.backgroundColor =
      view.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}

/** Entry point: wires the server session, the status bar, the commands and the highlighting. */
import * as vscode from 'vscode';
import { Commands, EXTENSION_NAME, SECTION } from './constants';
import { ServerSession } from './client/serverSession';
import { TraceChannel } from './client/traceChannel';
import { generateDialogue } from './commands/generateDialogue';
import { selectModel } from './commands/selectModel';
import { showStatus } from './commands/showStatus';
import { toggleAutoTrigger } from './commands/toggleAutoTrigger';
import { FountainHighlighting } from './highlight/fountainHighlighting';
import { StatusBar } from './status/statusBar';

let session: ServerSession | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel(EXTENSION_NAME, { log: true });
  const trace = new TraceChannel();
  session = new ServerSession(context.extensionPath, log, trace);
  const current = session;

  context.subscriptions.push(
    log,
    trace,
    new StatusBar(current),
    new FountainHighlighting(log),
    vscode.commands.registerCommand(Commands.generateDialogue, () => generateDialogue(current)),
    // Ask now, with alternatives: VS Code's own Trigger Inline Suggestion, under a key of ours.
    vscode.commands.registerCommand(Commands.suggestNow, () => vscode.commands.executeCommand('editor.action.inlineSuggest.trigger')),
    vscode.commands.registerCommand(Commands.selectModel, selectModel),
    vscode.commands.registerCommand(Commands.restartServer, () => current.restart()),
    vscode.commands.registerCommand(Commands.showServerLog, () => log.show(true)),
    vscode.commands.registerCommand(Commands.toggleAutoTrigger, toggleAutoTrigger),
    vscode.commands.registerCommand(Commands.showStatus, () => showStatus(current)),
    // A start failure is already announced by the language client ("couldn't create connection").
    current.onDidFail(({ kind, message }) => {
      if (kind !== 'start') void explainFailure(kind, message, log);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // Java is chosen once per process: a new JDK needs a new server.
      if (event.affectsConfiguration(`${SECTION}.java.home`)) void current.restart();
      else void current.pushSettings();
    }),
  );
  void current.start();
}

export async function deactivate(): Promise<void> {
  await session?.stop();
  session = undefined;
}

async function explainFailure(kind: string, message: string, log: vscode.LogOutputChannel): Promise<void> {
  const actions = kind === 'java' ? ['Open Setting', 'Show Log'] : ['Show Log'];
  const choice = await vscode.window.showErrorMessage(message, ...actions);
  if (choice === 'Open Setting') {
    await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.java.home`);
  } else if (choice === 'Show Log') {
    log.show(true);
  }
}

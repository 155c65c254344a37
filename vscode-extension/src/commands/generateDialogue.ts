/**
 * "Réplique: Generate Dialogue": asks how many turns and which speakers, then runs the
 * server's `replique.generateDialogue` at the cursor. The server applies the text with one
 * `workspace/applyEdit`, so one Undo removes it.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { CompletionRequest, WorkDoneProgress, type CompletionItem, type CompletionList } from 'vscode-languageclient/node';
import { LANGUAGES } from '../constants';
import { errorText, type ServerSession } from '../client/serverSession';
import { ServerCommands, type GenerateDialogueArgs, type GenerateDialogueResult } from '../protocol/serverProtocol';
import { FollowedProgress } from '../status/followedProgress';
import { combineSpeakers, roster, turnsError } from './roster';

const ROSTER_TIMEOUT_MS = 3_000;
const DEFAULT_TURNS = '4';

export async function generateDialogue(session: ServerSession): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !LANGUAGES.includes(editor.document.languageId)) {
    void vscode.window.showWarningMessage('Réplique: open a screenplay (.fountain), a play or a transcript and put the cursor where the dialogue should go.');
    return;
  }
  if (!session.isRunning()) {
    void vscode.window.showWarningMessage('Réplique: the language server is not running.', 'Show Log').then((choice) => {
      if (choice) session.log.show(true);
    });
    return;
  }
  const document = editor.document;
  const position = editor.selection.active;

  const turnsText = await vscode.window.showInputBox({
    title: 'Generate Dialogue (1/2)',
    prompt: 'How many turns of dialogue?',
    value: DEFAULT_TURNS,
    validateInput: (text) => turnsError(text),
  });
  if (turnsText === undefined) return;
  const turns = Number(turnsText.trim());

  const speakers = await pickSpeakers(session, document, position);
  if (speakers === undefined) return;

  const client = session.requireClient();
  const args: GenerateDialogueArgs = {
    uri: client.code2ProtocolConverter.asUri(document.uri),
    position: { line: position.line, character: position.character },
    turns,
    ...(speakers.length > 0 ? { speakers } : {}),
  };
  const workDoneToken = `replique-generate-${randomUUID()}`;
  const who = speakers.length > 0 ? ` for ${speakers.join(', ')}` : '';

  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Réplique: writing ${turns} turn${turns === 1 ? '' : 's'}${who}`, cancellable: true },
    async (progress, cancellation) => {
      const followed = new FollowedProgress(workDoneToken);
      // Values on our token reach onDidProgress through the client's progress middleware.
      const ours = client.onProgress(WorkDoneProgress.type, workDoneToken, () => undefined);
      const listener = session.onDidProgress(({ token, value }) => {
        const step = followed.accept(token, value);
        if (step) progress.report(step);
      });
      try {
        const result = (await session.executeCommand(ServerCommands.generateDialogue, [args], cancellation, workDoneToken)) as GenerateDialogueResult | null;
        if (cancellation.isCancellationRequested) return;
        if (!result || !result.applied) {
          void vscode.window.showWarningMessage('Réplique: the dialogue was not inserted (the document changed meanwhile, or the server had nothing to add).');
        }
      } catch (error) {
        if (!cancellation.isCancellationRequested) {
          void vscode.window.showErrorMessage(`Réplique: Generate Dialogue failed: ${errorText(error)}`, 'Show Log').then((choice) => {
            if (choice) session.log.show(true);
          });
        }
      } finally {
        listener.dispose();
        ours.dispose();
      }
    },
  );
}

interface SpeakerItem extends vscode.QuickPickItem {
  name: string;
}

/** The speakers to use: ticked from the cast the server knows, or typed. Undefined when cancelled. */
async function pickSpeakers(session: ServerSession, document: vscode.TextDocument, position: vscode.Position): Promise<string[] | undefined> {
  const cast = await castOf(session, document, position);
  const pick = vscode.window.createQuickPick<SpeakerItem>();
  pick.title = 'Generate Dialogue (2/2)';
  pick.canSelectMany = true;
  pick.placeholder =
    cast.length > 0 ? 'Speakers (optional): tick names, or type new ones separated by commas' : 'Speakers (optional): type names separated by commas';
  pick.items = cast.map((name) => ({ label: name, name }));
  pick.matchOnDescription = false;

  return new Promise<string[] | undefined>((resolve) => {
    let accepted = false;
    pick.onDidAccept(() => {
      accepted = true;
      const speakers = combineSpeakers(
        pick.selectedItems.map((item) => item.name),
        pick.value,
        cast,
      );
      pick.hide();
      resolve(speakers);
    });
    pick.onDidHide(() => {
      if (!accepted) resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

/** Character names offered by the server's completion at the start of a new speech. */
async function castOf(session: ServerSession, document: vscode.TextDocument, position: vscode.Position): Promise<string[]> {
  const source = new vscode.CancellationTokenSource();
  const timer = setTimeout(() => source.cancel(), ROSTER_TIMEOUT_MS);
  try {
    const client = session.requireClient();
    const line = document.lineAt(position.line);
    const at = line.isEmptyOrWhitespace ? new vscode.Position(position.line, 0) : position;
    const result: CompletionItem[] | CompletionList | null = await client.sendRequest(
      CompletionRequest.type,
      { textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) }, position: { line: at.line, character: at.character } },
      source.token,
    );
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    return roster(items);
  } catch (error) {
    session.log.debug(`Speaker list unavailable: ${errorText(error)}`);
    return [];
  } finally {
    clearTimeout(timer);
    source.dispose();
  }
}

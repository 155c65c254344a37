/**
 * The extension's view of the server, checked on the real jar: what it announces, its
 * status and progress, ghost text in Fountain form after a character cue, the auto-trigger
 * flag, Generate Dialogue as one workspace edit, and a bad setting.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  InitializedNotification,
  InitializeRequest,
  InlineCompletionRequest,
  InlineCompletionTriggerKind,
  type InitializeResult,
  type InlineCompletionItem,
  type InlineCompletionList,
  type TextEdit,
} from 'vscode-languageserver-protocol';
import { serverSettings } from '../../src/config/serverSettings';
import { asServerStatus, ServerCommands, type GenerateDialogueResult, type ServerStatus } from '../../src/protocol/serverProtocol';
import { repositoryDir, ServerUnderTest } from './serverProcess';

const screenplay = path.join(repositoryDir, 'test-fixtures', 'documents', 'fountain', 'brick-and-steel.fountain');
/** Brick & Steel up to "Screw retirement." (line 46), then the cue BRICK: the cursor is under it. */
const scene = readFileSync(screenplay, 'utf8').split(/\r?\n/).slice(0, 47).join('\n') + '\nBRICK\n';
const cursor = { line: scene.split('\n').length - 1, character: 0 };
const uri = pathToFileURL(path.join(repositoryDir, 'scene.fountain')).toString();

/** What the extension sends by default (the manifest defaults, fallback item off). */
const defaults = serverSettings(
  (key) => ({ 'completion.fallbackItem': false, 'sampling.seed': 7 })[key],
  true,
);

function items(result: InlineCompletionItem[] | InlineCompletionList | null): InlineCompletionItem[] {
  if (!result) return [];
  return Array.isArray(result) ? result : result.items;
}

function text(item: InlineCompletionItem): string {
  return typeof item.insertText === 'string' ? item.insertText : item.insertText.value;
}

describe('the real language server, over stdio', () => {
  let server: ServerUnderTest;
  let initialized: InitializeResult;
  let started = 0;
  let readyAfterMs = 0;

  before(async () => {
    started = Date.now();
    server = await ServerUnderTest.start();
    server.settings = defaults;
    initialized = await server.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(repositoryDir).toString(),
      capabilities: {
        window: { workDoneProgress: true, showMessage: {} },
        workspace: { applyEdit: true, configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: { inlineCompletion: { dynamicRegistration: false }, completion: { completionItem: { snippetSupport: false } } },
      },
      initializationOptions: defaults,
      workspaceFolders: null,
    });
    await server.connection.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    await server?.stop();
  });

  it('announces inline completion, completion and its commands', () => {
    const caps = initialized.capabilities;
    assert.ok(caps.inlineCompletionProvider, 'inlineCompletionProvider');
    assert.ok(caps.completionProvider, 'completionProvider');
    const commands = caps.executeCommandProvider?.commands ?? [];
    for (const command of Object.values(ServerCommands)) assert.ok(commands.includes(command), command);
  });

  it('loads the embedded model, reporting $/progress and replique/status, and says it is ready', async () => {
    await server.until('replique.status = ready', () => {
      const last = asServerStatus(server.statuses[server.statuses.length - 1]);
      return last?.state === 'ready' ? last : undefined;
    });
    readyAfterMs = Date.now() - started;
    const status: ServerStatus | undefined = asServerStatus(await server.connection.sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.status, arguments: [] }));
    assert.ok(status, 'replique.status answers a status object');
    assert.equal(status.state, 'ready');
    assert.equal(status.embedded, true);
    assert.ok(status.model && status.model.length > 0, 'model name');
    assert.ok(status.backend, 'backend');
    assert.equal(typeof status.threads, 'number', 'threads');
    assert.ok((status.sizeBytes ?? 0) > 0, 'size');
    const begins = server.progress.filter((p) => p.value.kind === 'begin');
    const ends = server.progress.filter((p) => p.value.kind === 'end');
    assert.ok(begins.length >= 1 && ends.length >= 1, `model load progress: ${JSON.stringify(server.progress.map((p) => p.value))}`);
    assert.ok(server.logged.some((m) => /ready|loaded/i.test(m.message)), 'a window/logMessage summary when the model is ready');
    console.log(`  cold start to ready: ${readyAfterMs} ms (${status.model}, ${status.backend}, ${status.threads} threads)`);
  });

  it('suggests dialogue in Fountain form under a character cue', async () => {
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'fountain', version: 1, text: scene },
    });
    const t0 = Date.now();
    const result = await server.connection.sendRequest(InlineCompletionRequest.type, {
      textDocument: { uri },
      position: cursor,
      context: { triggerKind: InlineCompletionTriggerKind.Invoked },
    });
    const list = items(result);
    assert.ok(list.length >= 1, 'at least one suggestion');
    const first = text(list[0]);
    console.log(`  suggestion after ${Date.now() - t0} ms: ${JSON.stringify(first)}`);
    assert.ok(first.trim().length > 0, 'non-empty text');
    assert.equal(typeof list[0].insertText, 'string', 'plain text, not a snippet');
    assert.doesNotMatch(first, /^\s*\[[^\]\n]+:\]/m, 'no transcript speaker tags');
    assert.doesNotMatch(first, /^\s*- /, 'no transcript dashes');
    assert.ok(!/^\s*(INT|EXT)[./]/m.test(first.split('\n')[0]), 'the speech starts with dialogue, not a scene heading');
    if (list[0].range) {
      assert.equal(list[0].range.start.line, cursor.line, 'range on the cursor line');
      assert.equal(list[0].range.end.line, cursor.line, 'range on the cursor line');
    }
  });

  it('answers automatic requests only while completion.autoTrigger is on', async () => {
    const automatic = () =>
      server.connection.sendRequest(InlineCompletionRequest.type, {
        textDocument: { uri },
        position: cursor,
        context: { triggerKind: InlineCompletionTriggerKind.Automatic },
      });
    assert.ok(items(await automatic()).length >= 1, 'automatic suggestion while on');

    const off = serverSettings((key) => ({ 'completion.fallbackItem': false, 'sampling.seed': 7 })[key], false);
    server.settings = off;
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { replique: off } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(items(await automatic()).length, 0, 'no automatic suggestion while off');
    const invoked = await server.connection.sendRequest(InlineCompletionRequest.type, {
      textDocument: { uri },
      position: cursor,
      context: { triggerKind: InlineCompletionTriggerKind.Invoked },
    });
    assert.ok(items(invoked).length >= 1, 'an explicit request is still answered');

    server.settings = defaults;
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { replique: defaults } });
  });

  it('generates dialogue as one workspace edit, reporting $/progress', async () => {
    const token = 'protocol-test-generate';
    server.watchProgress(token);
    const before = server.edits.length;
    const progressBefore = server.progress.length;
    const result = (await server.connection.sendRequest(ExecuteCommandRequest.type, {
      command: ServerCommands.generateDialogue,
      arguments: [{ uri, position: cursor, turns: 2, speakers: ['BRICK', 'STEEL'] }],
      workDoneToken: token,
    })) as GenerateDialogueResult;
    assert.equal(result.applied, true);
    assert.ok(result.text && result.text.trim().length > 0, 'generated text');
    assert.equal(server.edits.length, before + 1, 'exactly one workspace/applyEdit');
    const edit = server.edits[server.edits.length - 1].edit;
    const textEdits: TextEdit[] = edit.changes?.[uri] ?? (edit.documentChanges ?? []).flatMap((c) => ('edits' in c ? (c.edits as TextEdit[]) : []));
    assert.ok(textEdits.length >= 1, 'edits for the document');
    assert.ok(textEdits.map((e) => e.newText).join('').includes(result.text!.trim().split('\n')[0]), 'the edit inserts the generated text');
    const begun = server.progress.slice(progressBefore).filter((p) => p.value.kind === 'begin');
    assert.ok(begun.length >= 1, 'a $/progress begin for the generation (on the client token or one of the server)');
    console.log(`  generated ${result.turns} turns (progress "${begun[0].value.title}"): ${JSON.stringify(result.text)}`);
  });

  it('reports an invalid setting and keeps the previous configuration', async () => {
    const shownBefore = server.shown.length;
    const bad = { ...defaults, sampling: { temperature: -1 } };
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { replique: bad } });
    await server.until('a window/showMessage about the bad value', () => server.shown.length > shownBefore, 15_000);
    assert.match(server.shown[server.shown.length - 1].message, /temperature/);
    const status = asServerStatus(await server.connection.sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.status, arguments: [] }));
    assert.equal(status?.state, 'ready');
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { replique: defaults } });
  });

  it('loads another GGUF file when replique.model.path changes, without a restart', async () => {
    const other = path.join(repositoryDir, 'test-fixtures', 'models', 'stories260K-q8_0.gguf');
    const settings = { ...defaults, model: { path: other } };
    const seen = server.statuses.length;
    server.settings = settings;
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { replique: settings } });
    const ready = await server.until('the new model to be ready', () => {
      const statuses = server.statuses.slice(seen).map(asServerStatus);
      return statuses.some((st) => st?.state === 'loading') && statuses[statuses.length - 1]?.state === 'ready' ? statuses[statuses.length - 1] : undefined;
    });
    assert.equal(ready?.embedded, false);
    assert.match(ready?.path ?? '', /stories260K-q8_0\.gguf$/);
    server.settings = defaults;
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { replique: defaults } });
  });
});

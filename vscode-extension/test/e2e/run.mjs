// End-to-end test in a real VS Code (code-server) driven through a real browser (Chromium):
// install the .vsix, open a Fountain screenplay, put the cursor under a character cue, wait
// for the ghost text, accept it with Tab, save, and check the FILE on disk.
//
// Environment:
//   CODE_SERVER     the code-server launcher (node_modules/.bin/code-server of an npm install)
//   CODE_SERVER_NODE  folder of a Node 24 `node` binary for code-server (optional, else PATH)
//   CHROMIUM        the browser (default /usr/bin/chromium)
//   VSIX            the package to install (default: the newest replique-*.vsix here)
//   E2E_RESULTS     where screenshots and logs go (default: test-results/)
//   E2E_STOP_AFTER  "open": stop once the screenplay is open (no server needed)
//
// The folder is not trusted (restricted mode), as a folder a writer just opened: French text must
// read clean there (no boxed accents), and the extension runs all the same. The first word of the
// ghost text is accepted with Ctrl+→ before Tab takes the rest; the status bar item is short (the
// model's name, the last suggestion's latency and speed).
//
// Then: Réplique: Generate Dialogue from the command palette, and one Undo that removes all of
// it; Toggle Automatic Suggestions (written as a [fountain] setting); Alt+\ (Réplique: Suggest
// Now) still brings a suggestion; Show Status; the Réplique log has no error line, and the
// Réplique Trace output has the protocol's messages (replique.trace.server).
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const repositoryDir = path.resolve(extensionDir, '..');
const results = path.resolve(process.env.E2E_RESULTS || path.join(extensionDir, 'test-results'));
const codeServer = process.env.CODE_SERVER;
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const stopAfter = process.env.E2E_STOP_AFTER || '';
const SOURCE = path.join(repositoryDir, 'test-fixtures', 'documents', 'fountain', 'brick-and-steel.fountain');
const FILE = 'scene.fountain';
const CUE = 'BRICK';
// French, with the no-break spaces of French typography: VS Code boxes such letters in an
// untrusted folder unless the language says otherwise.
const FRENCH = 'SCÈNE PREMIÈRE. Marie, Paul.\n\nMARIE. Où étais-tu\u00a0? Je t’ai attendu toute la soirée.\n\n'
  + 'PAUL. À la gare\u00a0; le train s’est arrêté deux heures…\n';
const PLAY = 'acte.play.txt';
const NOTES = 'brouillon.txt';

const t0 = Date.now();
const timings = [];
let stepStart = Date.now();
function step(name) {
  const now = Date.now();
  if (timings.length > 0) timings[timings.length - 1].ms = now - stepStart;
  timings.push({ name, ms: 0 });
  stepStart = now;
  console.log(`[e2e ${((now - t0) / 1000).toFixed(1)}s] ${name}`);
}
function fail(message) {
  throw new Error(message);
}

function newestVsix() {
  if (process.env.VSIX) return path.resolve(process.env.VSIX);
  const files = readdirSync(extensionDir).filter((f) => /^replique-.*\.vsix$/.test(f));
  if (files.length === 0) fail('No replique-*.vsix: run npm run package first.');
  return path.join(extensionDir, files.sort((a, b) => statSync(path.join(extensionDir, b)).mtimeMs - statSync(path.join(extensionDir, a)).mtimeMs)[0]);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, predicate, timeoutMs, intervalMs = 250) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > end) fail(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function copyLogs(dir) {
  // The extension's output channel ("Réplique") and the extension host log, for failures.
  const found = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/R[ée]plique|exthost\.log|remoteagent\.log/i.test(entry.name)) found.push(full);
    }
  };
  walk(dir);
  for (const file of found) {
    copyFileSync(file, path.join(results, `log-${path.basename(path.dirname(file))}-${path.basename(file)}`));
  }
}

/** The lines of the log file of the output channel `name` (the extension host writes one per channel). */
function outputLogLines(dir, name) {
  const lines = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(`-${name}.log`)) lines.push(...readFileSync(full, 'utf8').split('\n'));
    }
  };
  walk(dir);
  return lines;
}

/** Opens a file of the workspace from the explorer. */
async function openFile(page, name) {
  await page.getByRole('treeitem', { name: new RegExp(name.replace(/\./g, '\\.')) }).first().click({ timeout: 60_000 });
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
  await page.getByRole('tab', { name: new RegExp(name.replace(/\./g, '\\.')) }).first().waitFor({ timeout: 30_000 });
}

/** Presses `key` until `settled` resolves (five tries). */
async function pressUntil(page, key, settled) {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(key);
    try {
      return await settled();
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
}

/** Runs a command from the palette (F1), once its entry shows. */
async function runCommand(page, filter, entry) {
  await page.keyboard.press('F1');
  await page.keyboard.type(filter, { delay: 20 });
  await page.getByRole('option', { name: entry }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

async function main() {
  if (!codeServer || !existsSync(codeServer)) fail(`CODE_SERVER must point at code-server's launcher (got ${codeServer ?? 'nothing'}).`);
  if (!existsSync(browserPath)) fail(`No browser at ${browserPath} (apt-get install chromium, or set CHROMIUM).`);
  mkdirSync(results, { recursive: true });
  const vsix = newestVsix();

  step('prepare a fresh profile and workspace');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'replique-e2e-'));
  const userDir = path.join(scratch, 'user');
  const extDir = path.join(scratch, 'extensions');
  const workspace = path.join(scratch, 'workspace');
  const browserProfile = path.join(scratch, 'chromium');
  mkdirSync(path.join(userDir, 'User'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(
    path.join(userDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'chat.disableAIFeatures': true,
        // Restricted mode, without the dialog that would ask: the folder stays untrusted.
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'never',
        'security.workspace.trust.untrustedFiles': 'open',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.tips.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.colorTheme': 'Default Dark Modern',
        'files.autoSave': 'off',
        'editor.fontSize': 15,
        // Only the ghost text may answer Tab: no suggest widget popping up over it.
        'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
        'editor.suggestOnTriggerCharacters': false,
        'editor.wordBasedSuggestions': 'off',
        'editor.inlineSuggest.enabled': true,
        // The protocol's messages in the Réplique Trace output, as the setting's name says.
        'replique.trace.server': 'messages',
      },
      null,
      2,
    ),
  );
  // Brick & Steel up to Steel's "Screw retirement.", then an empty line: the next speech is Brick's.
  const lines = readFileSync(SOURCE, 'utf8').split(/\r?\n/); // the file mixes CRLF and LF
  const original = lines.slice(0, 47).join('\n') + '\n';
  if (!/Screw retirement\.\n\n$/.test(original)) fail('The excerpt of brick-and-steel.fountain is not the expected one.');
  writeFileSync(path.join(workspace, FILE), original);
  writeFileSync(path.join(workspace, PLAY), FRENCH);
  writeFileSync(path.join(workspace, NOTES), FRENCH);

  const env = { ...process.env, XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_DATA_HOME: path.join(scratch, 'data') };
  // The extension must run the jar inside the .vsix and find Java as a user's would.
  delete env.REPLIQUE_SERVER_JAR;
  delete env.REPLIQUE_JAVA_HOME;
  if (process.env.CODE_SERVER_NODE) env.PATH = `${process.env.CODE_SERVER_NODE}${path.delimiter}${env.PATH}`;
  const common = ['--config', path.join(scratch, 'config.yaml'), '--user-data-dir', userDir, '--extensions-dir', extDir];

  step(`install ${path.basename(vsix)} (${(statSync(vsix).size / 1048576).toFixed(1)} MB)`);
  execFileSync(codeServer, [...common, '--install-extension', vsix], { env, stdio: 'inherit', timeout: 120_000 });

  step('start code-server');
  const port = await freePort();
  const serverLog = [];
  const server = spawn(codeServer, [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check'], {
    env,
    detached: true, // its own process group: extension host, watchers and the language server go with it
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk) => serverLog.push(chunk.toString());
  server.stdout.on('data', collect);
  server.stderr.on('data', collect);

  let browser;
  let page;
  let passed = false;
  try {
    await waitFor('code-server to listen', () => serverLog.join('').includes('HTTP server listening'), 60_000);

    step('open the workbench in Chromium');
    // A fresh profile (Playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(browserProfile, {
      executablePath: browserPath,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-default-apps',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });

    step(`French text in an untrusted folder: ${NOTES} (plain text) boxed, ${PLAY} clean`);
    const boxes = page.locator('.monaco-editor .unicode-highlight');
    await openFile(page, NOTES);
    // The control: in plain text VS Code boxes the accents here, so the check below can see them.
    await waitFor(`boxed letters in ${NOTES}`, async () => (await boxes.count()) > 0, 20_000).catch(async (error) => {
      await page.screenshot({ path: path.join(results, 'unicode-control.png') });
      throw error;
    });
    await openFile(page, PLAY);
    await page.getByRole('button', { name: /^Play \(Réplique\)$/ }).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500); // the highlighter runs after the text is shown
    await page.screenshot({ path: path.join(results, 'french-play.png') });
    if ((await boxes.count()) > 0) fail(`VS Code boxes ${await boxes.count()} letters of the French play in the untrusted folder`);
    console.log(`  ${NOTES}: letters boxed; ${PLAY}: none`);

    step(`open ${FILE}`);
    await openFile(page, FILE);
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
    // The language mode in the status bar: the extension gave .fountain files the fountain language.
    await page.getByRole('button', { name: /^Fountain$/ }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(results, 'opened.png') });
    if (stopAfter === 'open') {
      passed = true;
      console.log('E2E stopped after opening the file (E2E_STOP_AFTER=open).');
      return;
    }

    step('wait for the model (status bar: ready)');
    // Our own status bar item, by its accessible name: "Réplique: ready, <model> · <backend> · <n> threads".
    const readyItem = page.getByRole('button', { name: /^Réplique: ready/ });
    const errorItem = page.getByRole('button', { name: /^Réplique: error/ });
    const state = await waitFor(
      'the Réplique status bar item to say ready',
      async () => ((await readyItem.count()) > 0 ? 'ready' : (await errorItem.count()) > 0 ? 'error' : undefined),
      180_000,
      500,
    ).catch(async (error) => {
      await page.screenshot({ path: path.join(results, 'not-ready.png') });
      throw error;
    });
    if (state === 'error') {
      await errorItem.first().hover().catch(() => undefined);
      await page.waitForTimeout(1500);
      await page.screenshot({ path: path.join(results, 'server-error.png') });
      fail(`The Réplique status bar item shows an error: ${await errorItem.first().getAttribute('aria-label')}`);
    }
    console.log(`  status bar: ${await readyItem.first().getAttribute('aria-label')}`);

    step(`type the cue ${CUE} and wait for the ghost text`);
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+End');
    await page.keyboard.type(CUE, { delay: 40 });
    await page.keyboard.press('Enter');
    // The ghost text's look is VS Code's business: its class is used only to know when to take
    // the screenshot and press Tab. The assertion is on the saved file.
    const ghost = page.locator('.monaco-editor [class*="ghost-text"]');
    let how = 'automatic';
    try {
      await ghost.first().waitFor({ state: 'attached', timeout: 45_000 });
    } catch {
      how = 'explicit (Alt+\\)';
      console.log('  no ghost text while typing; asking explicitly with Alt+\\');
      await page.keyboard.press('Alt+Backslash');
      await ghost.first().waitFor({ state: 'attached', timeout: 45_000 });
    }
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(results, 'ghost-text.png') });
    console.log(`  ghost text shown (${how} request); screenshot ${path.join(results, 'ghost-text.png')}`);

    step('accept one word with Ctrl+→, save');
    const withCue = original + CUE + '\n';
    await page.keyboard.press('Control+ArrowRight');
    await page.keyboard.press('Control+s');
    const oneWord = await waitFor(
      'the first word to be saved',
      () => {
        const text = readFileSync(path.join(workspace, FILE), 'utf8');
        return text !== original && text !== withCue ? text : undefined;
      },
      15_000,
    );
    if (!oneWord.startsWith(withCue)) fail(`Accepting a word changed the text before the cursor:\n${oneWord.slice(original.length - 40)}`);
    const word = oneWord.slice(withCue.length);
    console.log(`  first word accepted: ${JSON.stringify(word)}`);
    if (!/\p{L}/u.test(word) || word.includes('\n')) fail(`Ctrl+→ did not accept one word of the suggestion (got ${JSON.stringify(word)})`);

    step('accept the rest with Tab and save');
    // The rest of the same suggestion (the server answers it without the model).
    await ghost.first().waitFor({ state: 'attached', timeout: 45_000 });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+s');
    const saved = await waitFor(
      'the file to be saved',
      () => {
        const text = readFileSync(path.join(workspace, FILE), 'utf8');
        return text !== oneWord ? text : undefined;
      },
      15_000,
    );
    await page.screenshot({ path: path.join(results, 'accepted.png') });
    if (!saved.startsWith(oneWord)) fail(`Tab did not continue the accepted word:\n${saved.slice(original.length - 40)}`);

    step('check the file');
    if (!saved.startsWith(original + CUE + '\n')) fail(`The file does not continue with the cue:\n${saved.slice(original.length - 40)}`);
    const accepted = saved.slice(original.length + CUE.length + 1);
    const firstLine = accepted.split('\n')[0];
    console.log(`  accepted text: ${JSON.stringify(accepted)}`);
    if (firstLine.trim().length === 0) fail(`Tab did not insert a suggestion under the cue (got ${JSON.stringify(accepted)})`);
    if (/^\s*\[[^\]]+:\]/.test(firstLine) || /^\s*- /.test(firstLine)) fail(`The suggestion is not in Fountain form: ${JSON.stringify(firstLine)}`);
    if (/^\s/.test(firstLine)) fail(`The dialogue line starts with whitespace (Tab indented?): ${JSON.stringify(firstLine)}`);

    step('the status bar item: the model, the last suggestion');
    const statusText = await waitFor(
      'a short status with the last suggestion',
      async () => {
        const text = (await readyItem.first().innerText()).trim();
        return /replique-mini-fr · (\d+ ms|[\d.]+ s|at once)/.test(text) ? text : undefined;
      },
      15_000,
    );
    console.log(`  status bar: ${JSON.stringify(statusText)}`);
    if (/kernels|threads|KV cache|cpu/.test(statusText)) fail(`The status bar item speaks to engineers: ${statusText}`);

    step('Generate Dialogue (2 turns) from the command palette, then one Undo');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+s');
    const beforeGenerate = await waitFor('the blank lines to be saved', () => {
      const text = readFileSync(path.join(workspace, FILE), 'utf8');
      return text !== saved ? text : undefined;
    }, 15_000);
    await runCommand(page, 'Generate Dialogue', /Réplique: Generate Dialogue/);
    // The extension's own prompts, by their text. A key that lands while a prompt is still
    // opening is lost, so Enter is pressed until the prompt closes.
    const turnsPrompt = page.getByText('How many turns of dialogue?').first();
    await turnsPrompt.waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+a');
    await page.keyboard.type('2');
    await pressUntil(page, 'Enter', () => turnsPrompt.waitFor({ state: 'hidden', timeout: 2_000 }));
    const speakersTitle = page.getByText('Generate Dialogue (2/2)').first();
    await speakersTitle.waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(results, 'speakers.png') });
    // No speaker ticked: the model chooses.
    await pressUntil(page, 'Enter', () => speakersTitle.waitFor({ state: 'hidden', timeout: 2_000 }));
    const generated = await waitFor(
      'the generated dialogue in the saved file',
      async () => {
        await page.keyboard.press('Control+s');
        await page.waitForTimeout(500);
        const text = readFileSync(path.join(workspace, FILE), 'utf8');
        return text !== beforeGenerate ? text : undefined;
      },
      120_000,
      1_500,
    );
    await page.screenshot({ path: path.join(results, 'generated.png') });
    if (!generated.startsWith(beforeGenerate.trimEnd())) fail('Generate Dialogue changed the text before the cursor.');
    const dialogue = generated.slice(beforeGenerate.trimEnd().length);
    console.log(`  generated: ${JSON.stringify(dialogue)}`);
    if (dialogue.trim().length === 0) fail('Generate Dialogue inserted nothing.');
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+s');
    const undone = await waitFor('the undone file', () => {
      const text = readFileSync(path.join(workspace, FILE), 'utf8');
      return text !== generated ? text : undefined;
    }, 15_000);
    if (undone !== beforeGenerate) fail(`One Undo did not remove the generated dialogue:\n${JSON.stringify(undone.slice(beforeGenerate.length - 20))}`);

    step('Toggle Automatic Suggestions and Show Status');
    await runCommand(page, 'Toggle Automatic Suggestions', /Réplique: Toggle Automatic Suggestions/);
    const userSettings = path.join(userDir, 'User', 'settings.json');
    await waitFor(
      'a language-specific auto-trigger setting for fountain in settings.json',
      () => /"\[fountain\]"\s*:\s*\{[^}]*"replique\.completion\.autoTrigger"\s*:\s*false/.test(readFileSync(userSettings, 'utf8')),
      10_000,
    );
    await page.getByRole('button', { name: /^Réplique: ready, .*automatic suggestions off/ }).first().waitFor({ timeout: 10_000 });

    step('Alt+\\ (Réplique: Suggest Now) with automatic suggestions off');
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('STEEL', { delay: 40 });
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1000);
    await page.keyboard.press('Alt+Backslash');
    await ghost.first().waitFor({ state: 'attached', timeout: 45_000 });
    await page.screenshot({ path: path.join(results, 'suggest-now.png') });
    await page.keyboard.press('Escape');
    await runCommand(page, 'Show Status', /Réplique: Show Status/);
    await page.getByText(/Model: replique-mini-fr/).first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(results, 'status.png') });
    await page.keyboard.press('Escape');

    step('the Réplique log: no error line; the Réplique Trace output: the protocol');
    const errors = outputLogLines(userDir, 'Réplique').filter((line) => /\[error\]/.test(line));
    if (errors.length > 0) fail(`The Réplique log shows errors:\n${errors.join('\n')}`);
    const traced = outputLogLines(userDir, 'Réplique Trace').filter((line) => /textDocument\/inlineCompletion/.test(line));
    if (traced.length === 0) fail('replique.trace.server is "messages" but the Réplique Trace output has no inline completion request');
    console.log(`  ${traced.length} trace lines about textDocument/inlineCompletion`);
    passed = true;
  } finally {
    step('stop');
    if (page && !passed) await page.screenshot({ path: path.join(results, 'failure.png') }).catch(() => undefined);
    await browser?.close().catch(() => undefined);
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 1500));
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    writeFileSync(path.join(results, 'code-server.log'), serverLog.join(''));
    copyLogs(userDir);
    rmSync(scratch, { recursive: true, force: true });
    timings[timings.length - 1].ms = Date.now() - stepStart;
    console.log('\nE2E steps:');
    for (const t of timings) console.log(`  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.name}`);
    console.log(`  ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  total — ${passed ? 'PASSED' : 'FAILED'}`);
  }
}

main().catch((error) => {
  console.error(`E2E FAILED: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SERVER_KEYS } from '../../src/config/serverSettings';
import { Commands, LANGUAGES } from '../../src/constants';
import { ServerCommands } from '../../src/protocol/serverProtocol';

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: {
    configurationDefaults: Record<string, Record<string, unknown>>;
    keybindings: { command: string; key: string; mac?: string; when?: string }[];
    configuration: { properties: Record<string, { default?: unknown; scope?: string; enum?: string[] }> };
    commands: { command: string }[];
    languages: { id: string; extensions?: string[] }[];
    grammars: { language: string; path: string }[];
  };
}

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;

/** The defaults of the server contract; VS Code differs only where noted. */
const CONTRACT_DEFAULTS: Record<string, unknown> = {
  'model.backend': 'cpu',
  'model.threads': 0,
  'model.contextLength': 4096,
  'sampling.temperature': 1.0,
  'sampling.topK': 10,
  'sampling.topP': 1.0,
  'sampling.minP': 0.0,
  'sampling.repeatPenalty': 1.0,
  'completion.maxTokens': 64,
  'completion.autoTrigger': true,
  'completion.debounceMs': 150,
  'completion.timeBudgetMs': 1000,
  'completion.candidates': 3,
  'completion.automaticCandidates': 1,
  'prompt.speakerStyle': 'names',
  'prompt.characterVoice': false,
  'prompt.contextBudget': 2048,
  'prompt.directions': 'drop',
  'completion.speculate': true,
  'prompt.ringTokens': 512,
  'prompt.ringFiles': 8,
};

describe('package.json', () => {
  it('declares a setting for every server key, with the server default', () => {
    for (const key of SERVER_KEYS) {
      const property = properties[`replique.${key}`];
      assert.ok(property, `replique.${key} is not declared`);
      if (key in CONTRACT_DEFAULTS) assert.deepEqual(property.default, CONTRACT_DEFAULTS[key], key);
    }
    // VS Code shows inline suggestions: the duplicate completion item is off by default here.
    assert.equal(properties['replique.completion.fallbackItem'].default, false);
    assert.equal(properties['replique.model.path'].default, '');
    assert.equal(properties['replique.sampling.seed'].default, null);
    assert.ok(properties['replique.java.home']);
  });

  it('lets the auto-trigger be set per language', () => {
    assert.equal(properties['replique.completion.autoTrigger'].scope, 'language-overridable');
  });

  it('declares only settings the code knows', () => {
    const known = new Set([...SERVER_KEYS.map((k) => `replique.${k}`), 'replique.java.home', 'replique.trace.server']);
    assert.deepEqual(Object.keys(properties).filter((key) => !known.has(key)), []);
  });

  it('contributes the commands, and none with the id of a server command', () => {
    const ids: string[] = manifest.contributes.commands.map((c) => c.command).sort();
    // The language client registers the server's commands under their own ids.
    const clashes = Object.values(ServerCommands).filter((command) => ids.includes(command));
    assert.deepEqual(clashes, []);
    assert.deepEqual(ids, [...Object.values(Commands)].sort());
  });

  it('contributes the three languages, activates on them, and brings no grammar for fountain', () => {
    assert.deepEqual(manifest.contributes.languages.map((l) => l.id), [...LANGUAGES]);
    assert.deepEqual(manifest.activationEvents, LANGUAGES.map((l) => `onLanguage:${l}`));
    assert.deepEqual(manifest.contributes.grammars.map((g) => g.language), ['replique-play', 'replique-transcript']);
    for (const grammar of manifest.contributes.grammars) {
      const json = JSON.parse(readFileSync(path.join(root, grammar.path), 'utf8')) as { scopeName: string };
      assert.ok(json.scopeName.startsWith('text.replique.'));
    }
    const fountain = manifest.contributes.languages.find((l) => l.id === 'fountain');
    assert.deepEqual(fountain?.extensions, ['.fountain', '.spmd']);
  });

  it('binds Alt+\\ to asking Réplique now, in its languages', () => {
    const binding = manifest.contributes.keybindings.find((k) => k.command === Commands.suggestNow);
    assert.ok(binding, 'no keybinding for Réplique: Suggest Now');
    assert.equal(binding.key, 'alt+\\');
    for (const language of LANGUAGES) assert.match(binding.when ?? '', new RegExp(`editorLangId == ${language}\\b`));
  });

  it('lets French text read clean in its languages, in trusted folders or not', () => {
    for (const language of LANGUAGES) {
      const defaults = manifest.contributes.configurationDefaults[`[${language}]`];
      assert.equal(defaults['editor.unicodeHighlight.nonBasicASCII'], false, language);
      assert.equal(defaults['editor.unicodeHighlight.ambiguousCharacters'], false, language);
      assert.equal(defaults['editor.unicodeHighlight.invisibleCharacters'], false, language);
    }
  });

  it('points main at the esbuild bundle', () => {
    assert.equal(manifest.main, './dist/extension.js');
  });
});
